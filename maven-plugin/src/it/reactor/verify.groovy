// With two threads: module B compiles against module A's generated class, and A's jar carries it.
assert new File(basedir, 'app-b/target/classes/app/UsesScorer.class').isFile()
def jar = new java.util.jar.JarFile(new File(basedir, 'model-a/target/model-a-1.0.jar'))
assert jar.getEntry('shared/Scorer.class') != null
jar.close()
