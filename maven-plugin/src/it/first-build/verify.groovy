// The class lands in target/classes, its interface in generated sources, and javac compiled the app against both.
def classes = new File(basedir, 'target/classes/com/example')
assert new File(classes, 'Classifier.class').isFile()
assert new File(classes, 'App.class').isFile()
def api = new File(basedir, 'target/generated-sources/gradc/com/example/ClassifierModel.java')
assert api.isFile()
assert api.text.contains('void setX(float[] values);')
assert api.text.contains('float[] score();')
def log = new File(basedir, 'build.log').text
assert log.contains('[INFO] Compiled 1 model, 0 up to date')
assert !log.contains('at dev.gradc') // a model error is a message, never a stack trace
