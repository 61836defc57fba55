// Two clean builds give the same bytes: no timestamps, no absolute paths, stable order.
for (f in ['classes/com/example/Same.class', 'generated-sources/gradc/com/example/SameModel.java']) {
    def a = new File(basedir, 'first/' + f).bytes, b = new File(basedir, 'target/' + f).bytes
    assert a.length > 0 && Arrays.equals(a, b) : "$f differs between two clean builds"
}
