package dev.gradc.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The kernel checks, shared by {@link MatMulTest} (in the test JVM) and {@link KernelWidthsTest},
 * which runs {@link #main} in fresh JVMs at every vector width: the Vector API kernels against the
 * plain path bit for bit and against a double-precision reference, and the cold start (no allocation
 * on a caller from its first product).
 */
final class KernelCheck {
    private KernelCheck() {}

    /**
     * {m, n, k}: fixed shapes (the workloads', tiny ones, one row, one column, long k) and shapes in
     * terms of this JVM's tile and blocks, so that every width meets its own edges: partial row tiles,
     * a padded last tile, narrow strips ending in a partial vector, several k-blocks, more rows than
     * one block of a packed transposed A, more columns than one column block, transposed operands whose
     * rows are a page or more apart.
     */
    static List<int[]> shapes() {
        List<int[]> out = new ArrayList<>(List.of(
                new int[] {1, 1, 1}, new int[] {3, 5, 7}, new int[] {4, 16, 2}, new int[] {100, 16, 16}, new int[] {100, 1, 16},
                new int[] {100, 16, 1}, new int[] {2, 16, 100}, new int[] {16, 1, 100}, new int[] {5, 33, 300}, new int[] {32, 64, 64},
                new int[] {64, 64, 32}, new int[] {7, 10, 513}, new int[] {13, 48, 257}, new int[] {1, 200, 30}, new int[] {70, 130, 600},
                new int[] {64, 300, 256}, new int[] {128, 10, 64}, new int[] {1200, 1, 400}));
        int mr = VectorMatMul.MR, nr = VectorMatMul.NR, l = VectorMatMul.L, kc = VectorMatMul.KC;
        out.add(new int[] {2 * mr + 1, nr + l + 5, kc + 7});
        out.add(new int[] {mr - 1, nr + nr / 2 + 3, 2 * kc + 1});
        out.add(new int[] {VectorMatMul.NARROW_ROWS + 1, 3 * nr + 1, kc + l + 3});
        out.add(new int[] {VectorMatMul.MC + mr + 1, 3 * nr, 9});
        out.add(new int[] {5, VectorMatMul.NC + nr + l + 1, 11});
        out.add(new int[] {5, nr + l + 1, 1030}); // transposed operands with rows a page or more apart
        out.add(new int[] {1030, 3 * nr, 3});
        return out;
    }

    static String name(int[] s) {
        return s[0] + "x" + s[1] + "x" + s[2];
    }

    /**
     * Every orientation, offset operands and every epilogue: the vector kernels (called directly, ready
     * or not) give exactly the plain path's bits, leave C outside the region alone, stay within
     * {@code 1e-5 * k} of a double-precision product, and so does a product computed in four regions,
     * by either path.
     */
    static void againstPlain(int m, int n, int k) {
        SplittableRandom rng = new SplittableRandom(m * 31L + n * 7L + k);
        for (int o = 0; o < 4; o++) {
            boolean ta = (o & 1) != 0, tb = (o & 2) != 0;
            float[] a = random(rng, 3 + m * k), b = random(rng, 5 + k * n), bias = random(rng, n + 1);
            double[] expected = new double[m * n];
            MatMul.multiply(expected, 0, widen(a), 3, ta, widen(b), 5, tb, m, n, k, null, 0, false, 0, m, 0, n);
            for (int e = 0; e < 4; e++) {
                float[] q = e == 1 || e == 2 ? bias : null;
                boolean relu = e >= 2;
                String at = name(new int[] {m, n, k}) + " " + (ta ? "T" : "N") + (tb ? "T" : "N") + " epilogue " + e;
                float[] vector = new float[m * n + 4], plain = new float[m * n + 4], regions = new float[m * n + 4];
                float[] plainRegions = new float[m * n + 4];
                Arrays.fill(vector, Float.NaN); // C is overwritten, never read
                vector[0] = vector[1] = vector[m * n + 2] = vector[m * n + 3] = 7f;
                plain[0] = plain[1] = plain[m * n + 2] = plain[m * n + 3] = 7f;
                regions[0] = regions[1] = regions[m * n + 2] = regions[m * n + 3] = 7f;
                plainRegions[0] = plainRegions[1] = plainRegions[m * n + 2] = plainRegions[m * n + 3] = 7f;
                VectorMatMul.multiply(vector, 2, a, 3, ta, b, 5, tb, m, n, k, q, 1, relu, 0, m, 0, n);
                MatMul.plain(plain, 2, a, 3, ta, b, 5, tb, m, n, k, q, 1, relu, 0, m, 0, n);
                int rm = m / 3, cm = n / 2;
                VectorMatMul.multiply(regions, 2, a, 3, ta, b, 5, tb, m, n, k, q, 1, relu, 0, rm, 0, cm);
                VectorMatMul.multiply(regions, 2, a, 3, ta, b, 5, tb, m, n, k, q, 1, relu, rm, m, 0, cm);
                VectorMatMul.multiply(regions, 2, a, 3, ta, b, 5, tb, m, n, k, q, 1, relu, 0, m / 2, cm, n);
                VectorMatMul.multiply(regions, 2, a, 3, ta, b, 5, tb, m, n, k, q, 1, relu, m / 2, m, cm, n);
                MatMul.plain(plainRegions, 2, a, 3, ta, b, 5, tb, m, n, k, q, 1, relu, 0, rm, 0, cm);
                MatMul.plain(plainRegions, 2, a, 3, ta, b, 5, tb, m, n, k, q, 1, relu, rm, m, 0, cm);
                MatMul.plain(plainRegions, 2, a, 3, ta, b, 5, tb, m, n, k, q, 1, relu, 0, m / 2, cm, n);
                MatMul.plain(plainRegions, 2, a, 3, ta, b, 5, tb, m, n, k, q, 1, relu, m / 2, m, cm, n);
                assertArrayEquals(plain, vector, "vector against plain, " + at);
                assertArrayEquals(plain, plainRegions, "plain in four regions against one, " + at);
                assertArrayEquals(plain, regions, "four regions against one, " + at);
                for (int i = 0; i < m * n; i++) {
                    double x = expected[i] + (q != null ? q[1 + i % n] : 0);
                    assertEquals(relu ? Math.max(0, x) : x, plain[i + 2], 1e-5 * (k + 1), at + " [" + i + "]");
                }
            }
        }
    }

    /** Column sums: vector against plain bit for bit, regions against one call, both against double sums. */
    static void columnSums(int m, int n) {
        SplittableRandom rng = new SplittableRandom(m * 13L + n);
        float[] g = random(rng, m * n + 3);
        float[] vector = new float[n + 2], plain = new float[n + 2], regions = new float[n + 2];
        vector[0] = plain[0] = regions[0] = vector[n + 1] = plain[n + 1] = regions[n + 1] = 7f;
        VectorMatMul.columnSums(vector, 1, g, 3, m, n, 0, n);
        MatMul.columnSumsPlain(plain, 1, g, 3, m, n, 0, n);
        VectorMatMul.columnSums(regions, 1, g, 3, m, n, 0, n / 3);
        VectorMatMul.columnSums(regions, 1, g, 3, m, n, n / 3, n);
        assertArrayEquals(plain, vector, "column sums " + m + "x" + n);
        assertArrayEquals(plain, regions, "column sums in two regions " + m + "x" + n);
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int i = 0; i < m; i++) s += g[3 + i * n + j];
            assertEquals(s, plain[1 + j], 1e-5 * m, "column " + j);
        }
    }

    /**
     * A fresh thread's products, from its first call, allocate nothing on it: first on the plain path
     * while the warm-up compiles the kernels, then on the Vector API path once they are ready; with and
     * without a pool; and every result has the plain path's bits. Needs a JVM whose warm-up has not
     * finished yet to see both paths; returns whether it saw the plain one.
     */
    static boolean coldStart() throws InterruptedException {
        boolean[] sawPlain = {false};
        Throwable[] failure = {null};
        Thread t = new Thread(() -> {
            try {
                sawPlain[0] = coldCalls();
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "cold-start-check");
        t.start();
        t.join();
        if (failure[0] instanceof Error e) throw e;
        if (failure[0] != null) throw new AssertionError(failure[0]);
        return sawPlain[0];
    }

    private static boolean coldCalls() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        int[][] shapes = {{100, 16, 16}, {32, 64, 64}, {64, 64, 32}, {100, 1, 16}, {13, 85, 40}, {256, 128, 64}};
        int cases = shapes.length * 4;
        float[][] as = new float[cases][], bs = new float[cases][], cs = new float[cases][], expected = new float[cases][];
        float[][] sums = new float[cases][], expectedSums = new float[cases][];
        float[] bias = random(new SplittableRandom(5), 300);
        SplittableRandom rng = new SplittableRandom(11);
        for (int s = 0; s < shapes.length; s++) {
            int m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
            for (int o = 0; o < 4; o++) {
                int x = s * 4 + o;
                as[x] = random(rng, m * k);
                bs[x] = random(rng, k * n);
                cs[x] = new float[m * n];
                expected[x] = new float[m * n];
                MatMul.plain(expected[x], 0, as[x], 0, (o & 1) != 0, bs[x], 0, (o & 2) != 0, m, n, k, o == 3 ? null : bias, 0, o >= 2, 0, m, 0, n);
                sums[x] = new float[n];
                expectedSums[x] = new float[n];
                MatMul.columnSumsPlain(expectedSums[x], 0, expected[x], 0, m, n, 0, n);
            }
        }
        long limit = System.nanoTime() + 100_000_000_000L;
        boolean sawPlain = false;
        int afterReady = 0, mismatches = 0;
        try (Workers pool = new Workers(2)) {
            long before = mx.getCurrentThreadAllocatedBytes();
            while (afterReady < 200 && System.nanoTime() < limit) {
                if (Workers.prepare()) afterReady++;
                else sawPlain = true;
                for (int s = 0; s < shapes.length; s++) {
                    int m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
                    for (int o = 0; o < 4; o++) {
                        int x = s * 4 + o;
                        Workers.multiplyBias((o & 1) != 0 ? pool : null, cs[x], 0, as[x], 0, (o & 1) != 0, bs[x], 0, (o & 2) != 0,
                                m, n, k, o == 3 ? null : bias, 0, o >= 2);
                        Workers.columnSums(o == 2 ? pool : null, sums[x], 0, cs[x], 0, m, n);
                        if (!Arrays.equals(cs[x], expected[x]) || !Arrays.equals(sums[x], expectedSums[x])) mismatches++;
                    }
                }
            }
            long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            assertTrue(Workers.prepare(), "the kernels were never ready: " + MatMul.implementation());
            assertEquals(0, mismatches, "products whose bits differ from the plain path's");
            assertEquals(0, allocated, "bytes allocated by the calling thread");
        }
        return sawPlain;
    }

    static float[] random(SplittableRandom rng, int size) {
        float[] out = new float[size];
        for (int i = 0; i < size; i++) out[i] = (float) rng.nextDouble(-1, 1);
        return out;
    }

    static double[] widen(float[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i];
        return out;
    }

    /** Run in a fresh JVM by {@link KernelWidthsTest}: the cold start first (it needs the warm-up unfinished), then every shape. */
    public static void main(String[] args) throws Exception {
        long start = System.nanoTime();
        System.out.println("kernels: " + MatMul.implementation());
        Workers.prepare();
        boolean sawPlain = coldStart();
        System.out.printf("cold start: no allocation, %s; %.1f s%n", sawPlain ? "plain path, then vector path" : "vector path only",
                (System.nanoTime() - start) / 1e9);
        for (int[] s : shapes()) againstPlain(s[0], s[1], s[2]);
        int l = VectorMatMul.L;
        for (int[] s : new int[][] {{1, 1}, {3, 4 * l + l + 3}, {100, 16}, {256, 1024}, {7, l - 1}}) columnSums(s[0], s[1]);
        System.out.printf("every shape against the plain path; %.1f s%nOK%n", (System.nanoTime() - start) / 1e9);
    }
}
