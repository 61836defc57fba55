// Each build in turn: all three compiled (new); the edited one alone (changed); the deleted one's
// outputs removed; a change of precision recompiles everything that is left (configuration
// changed); -Dgradc.force recompiles it all again (forced). Each model compiled is named with why.
def log = new File(basedir, 'build.log').text
assert log.contains('[INFO] Compiled 3 models, 0 up to date')
assert log.contains('[INFO] gradc: compiled src/main/grad/Alpha.grad (new)')
assert log.contains('[INFO] gradc: compiled src/main/grad/Gamma.grad (new)')
assert log.contains('[INFO] Compiled 1 model, 2 up to date')
assert log.contains('[INFO] gradc: compiled src/main/grad/Alpha.grad (changed)')
assert log.contains('[INFO] Compiled 0 models, 2 up to date, 1 removed')
assert log.contains('[INFO] Compiled 2 models, 0 up to date')
assert log.contains('[INFO] gradc: compiled src/main/grad/Gamma.grad (configuration changed)')
assert log.contains('[INFO] gradc: compiled src/main/grad/Alpha.grad (forced)')
assert !log.contains('Beta.grad (changed)') : 'an unchanged model is not recompiled'
assert !new File(basedir, 'target/classes/Beta.class').exists()
assert !new File(basedir, 'target/generated-sources/gradc/BetaModel.java').exists()
assert new File(basedir, 'target/generated-sources/gradc/AlphaModel.java').text.contains('void setX(double[] values);')
