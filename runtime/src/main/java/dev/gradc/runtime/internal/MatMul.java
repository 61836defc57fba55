package dev.gradc.runtime.internal;

import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * Matrix products for generated trainers, over row-major flat arrays at offsets: a region of
 * {@code C = act(op(A)·op(B) + bias)}, {@code op} transposing when its flag is set, {@code act}
 * ReLU or nothing, C overwritten. {@link Workers} splits products across threads by calling these
 * on regions.
 *
 * <p>Every element is computed the same way on every path: {@code s = +0; for p = 0 .. k-1: s =
 * fma(A(i,p), B(p,j), s)}, then {@code s + bias[j]}, then {@code Math.max(0f, s)}. So the plain-Java
 * path, the Vector API path ({@link VectorMatMul}, at any vector width) and any split across threads
 * give the same bits. Float products take the Vector API path when the JVM was started with
 * {@code --add-modules jdk.incubator.vector} (and {@code -Dgradc.vector=false} was not given) and
 * its kernels have been compiled (a warm-up thread sees to that; until then the plain path runs).
 * On a CPU without FMA, {@code Math.fma} would be a slow software routine, so there the plain path
 * rounds the product and the sum separately and the Vector API path is not used.
 *
 * <p>Double products always take the plain path, with separately rounded multiply and add: they
 * serve the reference tests, not training speed.
 */
public final class MatMul {
    /** Whether the hardware fuses multiply-add (HotSpot's {@code UseFMA}); decided once, so the JIT folds it. */
    static final boolean FMA = hardwareFma();
    /** Whether float products use the Vector API (once its kernels are compiled): decided once, so the JIT folds the branch. */
    public static final boolean VECTOR = FMA && vectorAvailable();

    static {
        // Run each plain path once: the first time a class loader looks up a class (Arrays, Math) it runs
        // Java code that allocates, and a trainer's first step must not be where that happens. On the
        // Vector API path this also starts the kernels' warm-up.
        float[] f = {1f, 1f};
        double[] d = {1d, 1d};
        plain(f, 0, f, 0, false, f, 0, false, 1, 1, 1, f, 1, true, 0, 1, 0, 1);
        plain(f, 0, f, 0, false, f, 0, true, 1, 1, 1, null, 0, false, 0, 1, 0, 1);
        multiply(d, 0, d, 0, false, d, 0, false, 1, 1, 1, d, 1, true, 0, 1, 0, 1);
        multiply(d, 0, d, 0, false, d, 0, true, 1, 1, 1, null, 0, false, 0, 1, 0, 1);
        columnSumsPlain(f, 0, f, 1, 1, 1, 0, 1);
        columnSums(d, 0, d, 1, 1, 1, 0, 1);
        if (VECTOR) VectorMatMul.start();
    }

    private MatMul() {}

    private static boolean switchedOff() {
        return !Boolean.parseBoolean(System.getProperty("gradc.vector", "true"));
    }

    private static boolean vectorAvailable() {
        if (switchedOff()) return false;
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    private static boolean hardwareFma() {
        try {
            return Boolean.parseBoolean(ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .getVMOption("UseFMA").getValue());
        } catch (Throwable e) { // not HotSpot, or no jdk.management: assume the slow case, which is always correct
            return false;
        }
    }

    /**
     * A one-line description for benchmark and CLI reports.
     *
     * @return e.g. {@code Vector API (256-bit float vectors, ...)} or {@code plain Java (...)}
     */
    public static String implementation() {
        return KernelText.implementation(VECTOR, FMA, switchedOff(), VECTOR ? VectorMatMul.describe() : null);
    }

    /**
     * Does nothing: calling it initializes this class, which on the Vector API path starts the
     * products' warm-up, so that a caller that knows a long run is coming can start it early.
     */
    public static void startWarmUp() {}

    /** Whether float products run on the Vector API kernels now (false until they are compiled). */
    static boolean vectorReady() {
        return VECTOR && VectorMatMul.ready;
    }

    /** Rows a float product's shares should start at multiples of: the kernels' tile height. */
    static int rowAlignment() {
        return VECTOR ? VectorMatMul.MR : 1;
    }

    /** Columns a float product's shares should start at multiples of: the kernels' tile width. */
    static int columnAlignment() {
        return VECTOR ? VectorMatMul.NR : 1;
    }

    /**
     * Rows {@code [r0, r1)} x columns {@code [c0, c1)} of {@code C = act(op(A)·op(B) + bias)}: C is m x
     * n at {@code co}; {@code op(A)} is m x k, A stored m x k at {@code ao}, or k x m when {@code ta};
     * {@code op(B)} is k x n, B stored k x n at {@code bo}, or n x k when {@code tb}; {@code bias} (null
     * for none) holds n values at {@code qo}; {@code relu} applies {@code Math.max(0f, .)} last.
     */
    static void multiply(float[] c, int co, float[] a, int ao, boolean ta, float[] b, int bo, boolean tb, int m, int n, int k,
                         float[] bias, int qo, boolean relu, int r0, int r1, int c0, int c1) {
        if (k > 0 && VECTOR && VectorMatMul.inUse()) VectorMatMul.multiply(c, co, a, ao, ta, b, bo, tb, m, n, k, bias, qo, relu, r0, r1, c0, c1);
        else plain(c, co, a, ao, ta, b, bo, tb, m, n, k, bias, qo, relu, r0, r1, c0, c1);
    }

    /** {@code out[j] = sum over i of g[i][j]}, g m x n at {@code go}, for columns {@code [c0, c1)}; rows summed in order from +0. */
    static void columnSums(float[] out, int oo, float[] g, int go, int m, int n, int c0, int c1) {
        if (VECTOR && VectorMatMul.inUse()) VectorMatMul.columnSums(out, oo, g, go, m, n, c0, c1);
        else columnSumsPlain(out, oo, g, go, m, n, c0, c1);
    }

    private static float fma(float a, float b, float c) {
        return FMA ? Math.fma(a, b, c) : a * b + c;
    }

    /**
     * The plain-Java float path: i-k-j for an untransposed B (the inner loop an axpy over C's row),
     * a dot product per element otherwise; the summation order of every element is the one the class
     * comment states.
     */
    static void plain(float[] c, int co, float[] a, int ao, boolean ta, float[] b, int bo, boolean tb, int m, int n, int k,
                      float[] bias, int qo, boolean relu, int r0, int r1, int c0, int c1) {
        int ai = ta ? 1 : k, ap = ta ? m : 1;
        for (int i = r0; i < r1; i++) {
            int ci = co + i * n;
            if (tb) {
                for (int j = c0; j < c1; j++) {
                    float s = 0;
                    for (int p = 0, ax = ao + i * ai, bx = bo + j * k; p < k; p++, ax += ap) s = fma(a[ax], b[bx + p], s);
                    c[ci + j] = s;
                }
            } else {
                Arrays.fill(c, ci + c0, ci + c1, 0f);
                for (int p = 0; p < k; p++) {
                    float av = a[ao + i * ai + p * ap];
                    int bp = bo + p * n;
                    for (int j = c0; j < c1; j++) c[ci + j] = fma(av, b[bp + j], c[ci + j]);
                }
            }
        }
        if (bias != null || relu) epilogue(c, co, n, bias, qo, relu, r0, r1, c0, c1);
    }

    /** {@code c = act(c + bias)} over the region, with the epilogue's exact operations. */
    static void epilogue(float[] c, int co, int n, float[] bias, int qo, boolean relu, int r0, int r1, int c0, int c1) {
        for (int i = r0; i < r1; i++) {
            for (int j = c0, x = co + i * n + c0; j < c1; j++, x++) {
                float v = bias != null ? c[x] + bias[qo + j] : c[x];
                c[x] = relu ? Math.max(0f, v) : v;
            }
        }
    }

    /** Row by row, so memory is read in order; each column still sums its rows in ascending order from +0. */
    static void columnSumsPlain(float[] out, int oo, float[] g, int go, int m, int n, int c0, int c1) {
        Arrays.fill(out, oo + c0, oo + c1, 0f);
        for (int i = 0; i < m; i++) {
            for (int j = c0, x = go + i * n + c0; j < c1; j++, x++) out[oo + j] += g[x];
        }
    }

    /** The double twin of the float {@link #multiply}: plain Java, multiply and add rounded separately. */
    static void multiply(double[] c, int co, double[] a, int ao, boolean ta, double[] b, int bo, boolean tb, int m, int n, int k,
                         double[] bias, int qo, boolean relu, int r0, int r1, int c0, int c1) {
        int ai = ta ? 1 : k, ap = ta ? m : 1;
        for (int i = r0; i < r1; i++) {
            int ci = co + i * n;
            if (tb) {
                for (int j = c0; j < c1; j++) {
                    double s = 0;
                    for (int p = 0, ax = ao + i * ai, bx = bo + j * k; p < k; p++, ax += ap) s += a[ax] * b[bx + p];
                    c[ci + j] = s;
                }
            } else {
                Arrays.fill(c, ci + c0, ci + c1, 0d);
                for (int p = 0; p < k; p++) {
                    double av = a[ao + i * ai + p * ap];
                    int bp = bo + p * n;
                    for (int j = c0; j < c1; j++) c[ci + j] += av * b[bp + j];
                }
            }
            if (bias != null || relu) {
                for (int j = c0; j < c1; j++) {
                    double v = bias != null ? c[ci + j] + bias[qo + j] : c[ci + j];
                    c[ci + j] = relu ? Math.max(0d, v) : v;
                }
            }
        }
    }

    static void columnSums(double[] out, int oo, double[] g, int go, int m, int n, int c0, int c1) {
        Arrays.fill(out, oo + c0, oo + c1, 0d);
        for (int i = 0; i < m; i++) {
            for (int j = c0, x = go + i * n + c0; j < c1; j++, x++) out[oo + j] += g[x];
        }
    }
}
