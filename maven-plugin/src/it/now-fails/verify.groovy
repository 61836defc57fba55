// The first build compiles Tiny; the second, with Tiny broken, fails, counts it, and removes the
// class and interface of the model as it was, so nothing runs a model that no longer compiles.
def log = new File(basedir, 'build.log').text
assert log.contains('[INFO] gradc: compiled src/main/grad/Tiny.grad (new)')
assert log.contains('[INFO] gradc: failed to compile src/main/grad/Tiny.grad (changed)')
assert log.contains('[INFO] Compiled 0 models, 0 up to date, 1 failed')
assert log.contains('1 error in 1 model file')
assert !new File(basedir, 'target/classes/Tiny.class').exists()
assert !new File(basedir, 'target/generated-sources/gradc/TinyModel.java').exists()
