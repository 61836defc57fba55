package dev.gradc.spark;

import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;

/**
 * ML vector columns, apart so that a job without them never loads spark-mllib-local's classes
 * (every Spark distribution ships them, but an application's classpath need not).
 */
final class VectorValues {
    private VectorValues() {}

    /** Copies a vector of {@code width} values into {@code dest} at {@code at}; what is wrong, or null. */
    static String copy(Object value, int width, Object dest, int at) {
        if (value instanceof DenseVector d) {
            double[] v = d.values(); // the vector's own array, not a copy
            if (v.length != width) return "has an ML vector of " + v.length + " values (shape [" + v.length + "])";
            for (int j = 0; j < width; j++) Block.put(dest, at + j, v[j]);
            return null;
        }
        if (value instanceof SparseVector s) {
            if (s.size() != width) return "has an ML vector of " + s.size() + " values (shape [" + s.size() + "])";
            for (int j = 0; j < width; j++) Block.put(dest, at + j, 0);
            int[] idx = s.indices();
            double[] v = s.values();
            for (int j = 0; j < idx.length; j++) Block.put(dest, at + idx[j], v[j]);
            return null;
        }
        return "holds a " + value.getClass().getName() + " where an ML vector was expected";
    }
}
