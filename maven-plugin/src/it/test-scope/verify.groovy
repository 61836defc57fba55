assert new File(basedir, 'target/test-classes/it/Probe.class').isFile()
assert new File(basedir, 'target/test-classes/it/UsesProbe.class').isFile()
assert new File(basedir, 'target/generated-test-sources/gradc/it/ProbeModel.java').isFile()
assert !new File(basedir, 'target/classes/it/Probe.class').exists()
