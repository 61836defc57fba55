assert new File(basedir, 'target/classes/app/Spaced.class').isFile()
assert new File(basedir, 'target/classes/app/Main.class').isFile()
