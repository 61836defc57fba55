// Each build in turn: all three compiled; the edited one alone; the deleted one's outputs removed;
// a change of precision recompiles everything that is left.
def log = new File(basedir, 'build.log').text
assert log.contains('[INFO] Compiled 3 models, 0 up to date')
assert log.contains('[INFO] Compiled 1 model, 2 up to date')
assert log.contains('[INFO] Compiled 0 models, 2 up to date, 1 removed')
assert log.contains('[INFO] Compiled 2 models, 0 up to date')
assert !new File(basedir, 'target/classes/Beta.class').exists()
assert !new File(basedir, 'target/generated-sources/gradc/BetaModel.java').exists()
assert new File(basedir, 'target/generated-sources/gradc/AlphaModel.java').text.contains('void setX(double[] values);')
