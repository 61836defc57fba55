// The second build, unchanged, compiles nothing and rewrites nothing.
def marker = new File(basedir, 'target/marker')
assert marker.isFile()
for (f in ['target/classes/Tiny.class', 'target/generated-sources/gradc/TinyModel.java', 'target/gradc/main.state']) {
    def file = new File(basedir, f)
    assert file.isFile()
    assert file.lastModified() < marker.lastModified() : "$f was rewritten by the no-op build"
}
def log = new File(basedir, 'build.log').text
assert log.contains('[INFO] Compiled 0 models, 1 up to date')
