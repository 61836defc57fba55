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
    static final boolean FMA;
    static {
        // Asked here, not in a method: a string constant outside the initializer would be created by the
        // first thread to ask for a C2 compilation of a method of this class (KernelText).
        boolean fma;
        try {
            fma = Boolean.parseBoolean(ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .getVMOption("UseFMA").getValue());
        } catch (Throwable e) { // not HotSpot, or no jdk.management: assume the slow case, which is always correct
            fma = false;
        }
        FMA = fma;
        // Run each plain path once: the first time a class loader looks up a class (Arrays, Math) it runs
        // Java code that allocates, and a trainer's first step must not be where that happens.
        float[] f = {1f, 1f};
        double[] d = {1d, 1d};
        plain(f, 0, f, 0, false, f, 0, false, 1, 1, 1, f, 1, true, 0, 1, 0, 1);
        plain(f, 0, f, 0, false, f, 0, true, 1, 1, 1, null, 0, false, 0, 1, 0, 1);
        multiply(d, 0, d, 0, false, d, 0, false, 1, 1, 1, d, 1, true, 0, 1, 0, 1);
        multiply(d, 0, d, 0, false, d, 0, true, 1, 1, 1, null, 0, false, 0, 1, 0, 1);
        columnSumsPlain(f, 0, f, 1, 1, 1, 0, 1);
        columnSums(d, 0, d, 1, 1, 1, 0, 1);
    }

    private MatMul() {}

    /**
     * A one-line description for benchmark and CLI reports.
     *
     * @return e.g. {@code Vector API (256-bit float vectors, ...)} or {@code plain Java (...)}
     */
    public static String implementation() {
        return KernelText.implementation(VectorPath.ON, FMA, VectorPath.SWITCHED_OFF, VectorPath.ON ? VectorMatMul.describe() : null);
    }

    /**
     * Runs the plain float products and column sums over small shapes, every orientation and
     * epilogue, until the JIT has compiled them (their loops are what a short run on plain Java
     * spends its time in; fresh JVM, moons' 100 steps: about 330 against 700 µs a step). Calls the
     * plain kernels themselves, not the dispatch, so that it decides nothing ({@link VectorPath}).
     * Allocates a few small arrays; meant for a thread of its own beside other work.
     */
    public static void warmUpPlain() {
        float[] a = new float[WARM_UP_DIM * WARM_UP_DIM], b = new float[a.length], c = new float[a.length], bias = new float[WARM_UP_DIM];
        for (int i = 0; i < a.length; i++) {
            a[i] = (i % 7 - 3) * 0.25f;
            b[i] = (i % 5 - 2) * 0.5f;
        }
        for (int round = 0; round < WARM_UP_ROUNDS; round++) {
            int m = 1 + round % WARM_UP_DIM, n = 1 + round * 7 % WARM_UP_DIM, k = 1 + round * 11 % WARM_UP_DIM;
            for (int o = 0; o < 4; o++) {
                plain(c, 0, a, 0, (o & 1) != 0, b, 0, (o & 2) != 0, m, n, k, (round & 1) == 0 ? bias : null, 0, (round & 2) == 0, 0, m, 0, n);
            }
            columnSumsPlain(c, 0, a, 0, m, k, 0, k);
        }
    }

    /** The plain warm-up's largest dimension and its rounds: 10,000 rounds took 0.26-0.33 s (AMD EPYC Zen 4). */
    private static final int WARM_UP_DIM = 19, WARM_UP_ROUNDS = 10_000;

    /** Whether float products run on the Vector API kernels now (false until they are compiled). */
    static boolean vectorReady() {
        return VectorPath.ON && VectorMatMul.ready;
    }

    /** Rows a float product's shares should start at multiples of: the kernels' tile height. */
    static int rowAlignment() {
        return VectorPath.ON ? VectorMatMul.MR : 1;
    }

    /** Columns a float product's shares should start at multiples of: the kernels' tile width. */
    static int columnAlignment() {
        return VectorPath.ON ? VectorMatMul.NR : 1;
    }

    /**
     * Rows {@code [r0, r1)} x columns {@code [c0, c1)} of {@code C = act(op(A)·op(B) + bias)}: C is m x
     * n at {@code co}; {@code op(A)} is m x k, A stored m x k at {@code ao}, or k x m when {@code ta};
     * {@code op(B)} is k x n, B stored k x n at {@code bo}, or n x k when {@code tb}; {@code bias} (null
     * for none) holds n values at {@code qo}; {@code relu} applies {@code Math.max(0f, .)} last.
     */
    static void multiply(float[] c, int co, float[] a, int ao, boolean ta, float[] b, int bo, boolean tb, int m, int n, int k,
                         float[] bias, int qo, boolean relu, int r0, int r1, int c0, int c1) {
        if (k > 0 && VectorPath.ON && VectorMatMul.inUse()) VectorMatMul.multiply(c, co, a, ao, ta, b, bo, tb, m, n, k, bias, qo, relu, r0, r1, c0, c1);
        else plain(c, co, a, ao, ta, b, bo, tb, m, n, k, bias, qo, relu, r0, r1, c0, c1);
    }

    /** {@code out[j] = sum over i of g[i][j]}, g m x n at {@code go}, for columns {@code [c0, c1)}; rows summed in order from +0. */
    static void columnSums(float[] out, int oo, float[] g, int go, int m, int n, int c0, int c1) {
        if (VectorPath.ON && VectorMatMul.inUse()) VectorMatMul.columnSums(out, oo, g, go, m, n, c0, c1);
        else columnSumsPlain(out, oo, g, go, m, n, c0, c1);
    }

    private static float fma(float a, float b, float c) {
        return FMA ? Math.fma(a, b, c) : a * b + c;
    }

    /**
     * The plain-Java float path: C in blocks of 4 x 4 held in sixteen locals while p runs over k, so
     * that each load of A or B serves four products and sixteen fma chains are in flight rather than
     * one (2.5-7x the speed of one element at a time, AMD Zen 5); the rows and columns past the last
     * whole block one element at a time. Every element is the fma chain over k in ascending order from
     * +0 that the class comment states, whichever way it is computed.
     */
    static void plain(float[] c, int co, float[] a, int ao, boolean ta, float[] b, int bo, boolean tb, int m, int n, int k,
                      float[] bias, int qo, boolean relu, int r0, int r1, int c0, int c1) {
        int ai = ta ? 1 : k, ap = ta ? m : 1; // A(i, p) = a[ao + i*ai + p*ap]
        int bj = tb ? k : 1, bp = tb ? 1 : n; // B(p, j) = b[bo + p*bp + j*bj]
        int rb = r0 + (r1 - r0) / 4 * 4, cb = c0 + (c1 - c0) / 4 * 4;
        for (int i = r0; i < rb; i += 4) {
            for (int j = c0; j < cb; j += 4) block(c, co + i * n + j, n, a, ao + i * ai, ai, ap, b, bo + j * bj, bj, bp, k);
        }
        elements(c, co, n, a, ao, ai, ap, b, bo, bj, bp, k, r0, rb, cb, c1);
        elements(c, co, n, a, ao, ai, ap, b, bo, bj, bp, k, rb, r1, c0, c1);
        if (bias != null || relu) epilogue(c, co, n, bias, qo, relu, r0, r1, c0, c1);
    }

    /** One 4 x 4 block of C at {@code cx} (rows n apart) from A's four rows at {@code ax} and B's four columns at {@code bx}. */
    private static void block(float[] c, int cx, int n, float[] a, int ax, int ai, int ap, float[] b, int bx, int bj, int bp, int k) {
        float c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
        float c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
        for (int p = 0; p < k; p++, ax += ap, bx += bp) {
            float a0 = a[ax], a1 = a[ax + ai], a2 = a[ax + 2 * ai], a3 = a[ax + 3 * ai];
            float b0 = b[bx], b1 = b[bx + bj], b2 = b[bx + 2 * bj], b3 = b[bx + 3 * bj];
            c00 = fma(a0, b0, c00); c01 = fma(a0, b1, c01); c02 = fma(a0, b2, c02); c03 = fma(a0, b3, c03);
            c10 = fma(a1, b0, c10); c11 = fma(a1, b1, c11); c12 = fma(a1, b2, c12); c13 = fma(a1, b3, c13);
            c20 = fma(a2, b0, c20); c21 = fma(a2, b1, c21); c22 = fma(a2, b2, c22); c23 = fma(a2, b3, c23);
            c30 = fma(a3, b0, c30); c31 = fma(a3, b1, c31); c32 = fma(a3, b2, c32); c33 = fma(a3, b3, c33);
        }
        c[cx] = c00; c[cx + 1] = c01; c[cx + 2] = c02; c[cx + 3] = c03;
        cx += n;
        c[cx] = c10; c[cx + 1] = c11; c[cx + 2] = c12; c[cx + 3] = c13;
        cx += n;
        c[cx] = c20; c[cx + 1] = c21; c[cx + 2] = c22; c[cx + 3] = c23;
        cx += n;
        c[cx] = c30; c[cx + 1] = c31; c[cx + 2] = c32; c[cx + 3] = c33;
    }

    /** Rows {@code [r0, r1)} x columns {@code [c0, c1)} of C one element at a time. */
    private static void elements(float[] c, int co, int n, float[] a, int ao, int ai, int ap, float[] b, int bo, int bj, int bp, int k,
                                 int r0, int r1, int c0, int c1) {
        for (int i = r0; i < r1; i++) {
            for (int j = c0; j < c1; j++) {
                float s = 0;
                for (int p = 0, ax = ao + i * ai, bx = bo + j * bj; p < k; p++, ax += ap, bx += bp) s = fma(a[ax], b[bx], s);
                c[co + i * n + j] = s;
            }
        }
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
