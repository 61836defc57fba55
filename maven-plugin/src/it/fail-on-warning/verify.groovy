// A parameter the loss does not use is a positioned warning; with failOnWarning it fails the build, without a stack trace.
def log = new File(basedir, 'build.log').text
assert log.contains("[WARNING] src/main/grad/Unused.grad:3:25: warning: parameter 'spare' does not affect the loss")
assert log.contains('1 warning and failOnWarning is set')
assert !log.contains('at dev.gradc')
