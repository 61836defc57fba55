// gradc's build runs this sample as an integration test: its own JUnit test passed, and the class
// and typed interface came from the plugin.
def log = new File(basedir, 'build.log').text
assert log.contains('Compiled 1 model, 0 up to date')
assert log.contains('Tests run: 1, Failures: 0, Errors: 0, Skipped: 0')
assert new File(basedir, 'target/classes/dev/gradc/example/MoonClassifier.class').isFile()
assert new File(basedir, 'target/generated-sources/gradc/dev/gradc/example/MoonClassifierModel.java').isFile()
