package dev.gradc.runtime.internal;

/**
 * Matrix products for generated trainers: {@code C = op(A)·op(B)} over row-major flat arrays at
 * offsets, {@code op} transposing when its flag is set, C overwritten. Float products take the
 * register-tiled Vector API path when the JVM was started with {@code --add-modules
 * jdk.incubator.vector} (and {@code -Dgradc.vector=false} was not given), and a plain-Java path
 * otherwise; {@link VectorMatMul} is only loaded in the first case. Double products always take the
 * plain path: they serve the reference tests, not training speed.
 *
 * <p>Each call computes rows {@code [rowStart, rowEnd)} of C, so that a {@link Workers} pool can
 * split one product across threads.
 */
public final class MatMul {
    /** Whether float products use the Vector API: decided once, so the JIT folds the branch. */
    public static final boolean VECTOR = vectorAvailable();

    private MatMul() {}

    private static boolean vectorAvailable() {
        if (!Boolean.parseBoolean(System.getProperty("gradc.vector", "true"))) return false;
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /** A one-line description for benchmark and CLI reports. */
    public static String implementation() {
        return VECTOR ? "Vector API (" + VectorMatMul.describe() + ")" : "plain Java (start the JVM with --add-modules jdk.incubator.vector for the Vector API)";
    }

    public static void multiply(float[] c, int co, float[] a, int ao, boolean ta, float[] b, int bo, boolean tb,
                                int m, int n, int k, int rowStart, int rowEnd) {
        if (VECTOR) VectorMatMul.multiply(c, co, a, ao, ta, b, bo, tb, m, n, k, rowStart, rowEnd);
        else plain(c, co, a, ao, ta, b, bo, tb, m, n, k, rowStart, rowEnd);
    }

    /**
     * Whether a pool should split this float product by columns rather than rows: on the packed
     * Vector API path each thread then packs only its own part of B.
     */
    public static boolean splitsByColumns(int m, int n, int k) {
        return VECTOR && VectorMatMul.isPacked(m, n, k);
    }

    /** Columns {@code [colStart, colEnd)} of C, every row; for products where {@link #splitsByColumns} holds. */
    public static void multiplyColumns(float[] c, int co, float[] a, int ao, boolean ta, float[] b, int bo, boolean tb,
                                       int m, int n, int k, int colStart, int colEnd) {
        VectorMatMul.multiplyColumns(c, co, a, ao, ta, b, bo, tb, m, n, k, colStart, colEnd);
    }

    /** The plain-Java float path: i-k-j for untransposed B (the inner loop an axpy), dot products otherwise. */
    static void plain(float[] c, int co, float[] a, int ao, boolean ta, float[] b, int bo, boolean tb,
                      int m, int n, int k, int rowStart, int rowEnd) {
        int ai = ta ? 1 : k, ap = ta ? m : 1;
        for (int i = rowStart; i < rowEnd; i++) {
            int ci = co + i * n;
            if (tb) {
                for (int j = 0; j < n; j++) {
                    float s = 0;
                    int bj = bo + j * k;
                    for (int p = 0; p < k; p++) s += a[ao + i * ai + p * ap] * b[bj + p];
                    c[ci + j] = s;
                }
            } else {
                java.util.Arrays.fill(c, ci, ci + n, 0f);
                for (int p = 0; p < k; p++) {
                    float av = a[ao + i * ai + p * ap];
                    int bp = bo + p * n;
                    for (int j = 0; j < n; j++) c[ci + j] += av * b[bp + j];
                }
            }
        }
    }

    public static void multiply(double[] c, int co, double[] a, int ao, boolean ta, double[] b, int bo, boolean tb,
                                int m, int n, int k, int rowStart, int rowEnd) {
        int ai = ta ? 1 : k, ap = ta ? m : 1;
        for (int i = rowStart; i < rowEnd; i++) {
            int ci = co + i * n;
            if (tb) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    int bj = bo + j * k;
                    for (int p = 0; p < k; p++) s += a[ao + i * ai + p * ap] * b[bj + p];
                    c[ci + j] = s;
                }
            } else {
                java.util.Arrays.fill(c, ci, ci + n, 0d);
                for (int p = 0; p < k; p++) {
                    double av = a[ao + i * ai + p * ap];
                    int bp = bo + p * n;
                    for (int j = 0; j < n; j++) c[ci + j] += av * b[bp + j];
                }
            }
        }
    }
}
