// Both errors, each with its file, line and column, the line and a caret; then a one-line summary
// that counts the failed model, no stack trace.
def log = new File(basedir, 'build.log').text
assert log.contains('[ERROR] src/main/grad/Bad.grad:4:32: error: matmul: inner dimensions differ ([2, 3] x [2, 3]: 3 vs 2)')
assert log.contains('[ERROR] src/main/grad/Bad.grad:5:29: error: add: shapes [batch, 2] and [2, 3] do not broadcast')
assert log.contains('    Tensor out() { return x + w; }')
assert log.contains('[INFO] gradc: failed to compile src/main/grad/Bad.grad (new)')
assert log.contains('[INFO] Compiled 0 models, 0 up to date, 1 failed')
assert log.contains('2 errors in 1 model file')
assert !log.contains('at dev.gradc')
