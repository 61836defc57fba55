package dev.gradc.runtime.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API float path of {@link MatMul}: register tiles of 4 rows x 2 vectors (8
 * accumulators, which leaves registers for the loads even with AVX2's sixteen), A broadcast, B read
 * as vectors along a row, k in blocks of {@value #KC} so the B strip stays in L1. A transposed B is
 * packed, one strip of columns at a time, into a per-thread scratch allocated on first use, so that
 * every orientation runs the same tile. Loaded only when the incubator module is present.
 */
final class VectorMatMul {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int KC = 256;
    private static final int PACK_ABOVE = Integer.getInteger("gradc.packAbove", 256);
    private static final ThreadLocal<float[]> PACK = ThreadLocal.withInitial(() -> new float[KC * 2 * L]);

    private VectorMatMul() {}

    static String describe() {
        return S.vectorBitSize() + "-bit float vectors, 6x2 and 4x2 register tiles";
    }

    static void multiply(float[] c, int co, float[] a, int ao, boolean ta, float[] b, int bo, boolean tb,
                         int m, int n, int k, int rowStart, int rowEnd) {
        if (n == 1 && m >= L && rowStart == 0 && rowEnd == m) {
            // A single column would run as scalar dot products; laid out alike, Cᵀ = op(B)ᵀ·op(A)ᵀ
            // is one row of m columns, which the vector tiles cover. (A k x 1 or 1 x k B reads the
            // same either way; op(A)ᵀ is A stored transposed unless A already was.)
            multiply(c, co, b, bo, false, a, ao, !ta, 1, m, k, 0, 1);
            return;
        }
        int ai = ta ? 1 : k, ap = ta ? m : 1;
        // Strips of B are packed contiguous when B is transposed, and when its rows are long:
        // a strip then spans kc rows of B, each on its own page (measured 33 vs 49 GFLOP/s at n=1024).
        boolean packB = tb || n >= PACK_ABOVE;
        float[] pack = packB ? PACK.get() : null;
        // Tiles always accumulate into C: a phi merging a zero vector with a loaded one makes
        // JDK 17 box every vector (measured 2.4 GFLOP/s), so C is zeroed first instead.
        java.util.Arrays.fill(c, co + rowStart * n, co + rowEnd * n, 0f);
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            int j = 0;
            for (int width = 2 * L; width >= L; width -= L) {
                for (; j + width <= n; j += width) {
                    float[] bs = b;
                    int bOff = bo + p0 * n + j, bStride = n;
                    if (packB) {
                        pack(b, bo, tb, n, k, j, p0, kc, width, pack);
                        bs = pack;
                        bOff = 0;
                        bStride = width;
                    }
                    int i = rowStart;
                    int aOff = ao + p0 * ap, cOff = co + j;
                    if (width == 2 * L) {
                        for (; i + 6 <= rowEnd; i += 6) tile6x2(a, aOff + i * ai, ai, ap, bs, bOff, bStride, c, cOff + i * n, n, kc);
                        for (; i + 4 <= rowEnd; i += 4) tile4x2(a, aOff + i * ai, ai, ap, bs, bOff, bStride, c, cOff + i * n, n, kc);
                        for (; i < rowEnd; i++) tile1x2(a, aOff + i * ai, ap, bs, bOff, bStride, c, cOff + i * n, kc);
                    } else {
                        for (; i + 4 <= rowEnd; i += 4) tile4x1(a, aOff + i * ai, ai, ap, bs, bOff, bStride, c, cOff + i * n, n, kc);
                        for (; i < rowEnd; i++) tile1x1(a, aOff + i * ai, ap, bs, bOff, bStride, c, cOff + i * n, kc);
                    }
                }
            }
            if (j < n) tailColumns(c, co, a, ao, ai, ap, b, bo, tb, n, k, j, p0, kc, rowStart, rowEnd);
        }
    }

    /** {@code pack[p*width + j] = B(p0 + p, j0 + j)}, B stored {@code [k, n]} or, transposed, {@code [n, k]}. */
    private static void pack(float[] b, int bo, boolean tb, int n, int k, int j0, int p0, int kc, int width, float[] pack) {
        if (tb) {
            for (int j = 0; j < width; j++) {
                int src = bo + (j0 + j) * k + p0;
                for (int p = 0; p < kc; p++) pack[p * width + j] = b[src + p];
            }
        } else {
            for (int p = 0; p < kc; p++) System.arraycopy(b, bo + (p0 + p) * n + j0, pack, p * width, width);
        }
    }

    /** Columns left over after the vector strips, one scalar dot product each. */
    private static void tailColumns(float[] c, int co, float[] a, int ao, int ai, int ap, float[] b, int bo, boolean tb,
                                    int n, int k, int j0, int p0, int kc, int rowStart, int rowEnd) {
        int bj = tb ? k : 1, bp = tb ? 1 : n;
        for (int i = rowStart; i < rowEnd; i++) {
            for (int j = j0; j < n; j++) {
                float s = c[co + i * n + j];
                int aIdx = ao + i * ai + p0 * ap, bIdx = bo + j * bj + p0 * bp;
                for (int p = 0; p < kc; p++, aIdx += ap, bIdx += bp) s += a[aIdx] * b[bIdx];
                c[co + i * n + j] = s;
            }
        }
    }

    private static void tile4x2(float[] a, int a0, int ai, int ap, float[] b, int b0, int bs, float[] c, int c0, int n, int kc) {
        FloatVector c00 = FloatVector.fromArray(S, c, c0),         c01 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector c10 = FloatVector.fromArray(S, c, c0 + n),     c11 = FloatVector.fromArray(S, c, c0 + n + L);
        FloatVector c20 = FloatVector.fromArray(S, c, c0 + 2 * n), c21 = FloatVector.fromArray(S, c, c0 + 2 * n + L);
        FloatVector c30 = FloatVector.fromArray(S, c, c0 + 3 * n), c31 = FloatVector.fromArray(S, c, c0 + 3 * n + L);
        for (int p = 0, ao = a0, bo = b0; p < kc; p++, ao += ap, bo += bs) {
            FloatVector b0v = FloatVector.fromArray(S, b, bo), b1v = FloatVector.fromArray(S, b, bo + L);
            FloatVector av = FloatVector.broadcast(S, a[ao]);
            c00 = av.fma(b0v, c00); c01 = av.fma(b1v, c01);
            av = FloatVector.broadcast(S, a[ao + ai]);
            c10 = av.fma(b0v, c10); c11 = av.fma(b1v, c11);
            av = FloatVector.broadcast(S, a[ao + 2 * ai]);
            c20 = av.fma(b0v, c20); c21 = av.fma(b1v, c21);
            av = FloatVector.broadcast(S, a[ao + 3 * ai]);
            c30 = av.fma(b0v, c30); c31 = av.fma(b1v, c31);
        }
        c00.intoArray(c, c0);         c01.intoArray(c, c0 + L);
        c10.intoArray(c, c0 + n);     c11.intoArray(c, c0 + n + L);
        c20.intoArray(c, c0 + 2 * n); c21.intoArray(c, c0 + 2 * n + L);
        c30.intoArray(c, c0 + 3 * n); c31.intoArray(c, c0 + 3 * n + L);
    }

    private static void tile6x2(float[] a, int a0, int ai, int ap, float[] b, int b0, int bs, float[] c, int c0, int n, int kc) {
        FloatVector c00 = FloatVector.fromArray(S, c, c0),         c01 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector c10 = FloatVector.fromArray(S, c, c0 + n),     c11 = FloatVector.fromArray(S, c, c0 + n + L);
        FloatVector c20 = FloatVector.fromArray(S, c, c0 + 2 * n), c21 = FloatVector.fromArray(S, c, c0 + 2 * n + L);
        FloatVector c30 = FloatVector.fromArray(S, c, c0 + 3 * n), c31 = FloatVector.fromArray(S, c, c0 + 3 * n + L);
        FloatVector c40 = FloatVector.fromArray(S, c, c0 + 4 * n), c41 = FloatVector.fromArray(S, c, c0 + 4 * n + L);
        FloatVector c50 = FloatVector.fromArray(S, c, c0 + 5 * n), c51 = FloatVector.fromArray(S, c, c0 + 5 * n + L);
        for (int p = 0, ao = a0, bo = b0; p < kc; p++, ao += ap, bo += bs) {
            FloatVector b0v = FloatVector.fromArray(S, b, bo), b1v = FloatVector.fromArray(S, b, bo + L);
            FloatVector av = FloatVector.broadcast(S, a[ao]);
            c00 = av.fma(b0v, c00); c01 = av.fma(b1v, c01);
            av = FloatVector.broadcast(S, a[ao + ai]);
            c10 = av.fma(b0v, c10); c11 = av.fma(b1v, c11);
            av = FloatVector.broadcast(S, a[ao + 2 * ai]);
            c20 = av.fma(b0v, c20); c21 = av.fma(b1v, c21);
            av = FloatVector.broadcast(S, a[ao + 3 * ai]);
            c30 = av.fma(b0v, c30); c31 = av.fma(b1v, c31);
            av = FloatVector.broadcast(S, a[ao + 4 * ai]);
            c40 = av.fma(b0v, c40); c41 = av.fma(b1v, c41);
            av = FloatVector.broadcast(S, a[ao + 5 * ai]);
            c50 = av.fma(b0v, c50); c51 = av.fma(b1v, c51);
        }
        c00.intoArray(c, c0);         c01.intoArray(c, c0 + L);
        c10.intoArray(c, c0 + n);     c11.intoArray(c, c0 + n + L);
        c20.intoArray(c, c0 + 2 * n); c21.intoArray(c, c0 + 2 * n + L);
        c30.intoArray(c, c0 + 3 * n); c31.intoArray(c, c0 + 3 * n + L);
        c40.intoArray(c, c0 + 4 * n); c41.intoArray(c, c0 + 4 * n + L);
        c50.intoArray(c, c0 + 5 * n); c51.intoArray(c, c0 + 5 * n + L);
    }

    private static void tile1x2(float[] a, int a0, int ap, float[] b, int b0, int bs, float[] c, int c0, int kc) {
        FloatVector c00 = FloatVector.fromArray(S, c, c0), c01 = FloatVector.fromArray(S, c, c0 + L);
        for (int p = 0, ao = a0, bo = b0; p < kc; p++, ao += ap, bo += bs) {
            FloatVector av = FloatVector.broadcast(S, a[ao]);
            c00 = av.fma(FloatVector.fromArray(S, b, bo), c00);
            c01 = av.fma(FloatVector.fromArray(S, b, bo + L), c01);
        }
        c00.intoArray(c, c0);
        c01.intoArray(c, c0 + L);
    }

    private static void tile4x1(float[] a, int a0, int ai, int ap, float[] b, int b0, int bs, float[] c, int c0, int n, int kc) {
        FloatVector c0v = FloatVector.fromArray(S, c, c0), c1v = FloatVector.fromArray(S, c, c0 + n);
        FloatVector c2v = FloatVector.fromArray(S, c, c0 + 2 * n), c3v = FloatVector.fromArray(S, c, c0 + 3 * n);
        for (int p = 0, ao = a0, bo = b0; p < kc; p++, ao += ap, bo += bs) {
            FloatVector bv = FloatVector.fromArray(S, b, bo);
            c0v = FloatVector.broadcast(S, a[ao]).fma(bv, c0v);
            c1v = FloatVector.broadcast(S, a[ao + ai]).fma(bv, c1v);
            c2v = FloatVector.broadcast(S, a[ao + 2 * ai]).fma(bv, c2v);
            c3v = FloatVector.broadcast(S, a[ao + 3 * ai]).fma(bv, c3v);
        }
        c0v.intoArray(c, c0);
        c1v.intoArray(c, c0 + n);
        c2v.intoArray(c, c0 + 2 * n);
        c3v.intoArray(c, c0 + 3 * n);
    }

    private static void tile1x1(float[] a, int a0, int ap, float[] b, int b0, int bs, float[] c, int c0, int kc) {
        FloatVector acc = FloatVector.fromArray(S, c, c0);
        for (int p = 0, ao = a0, bo = b0; p < kc; p++, ao += ap, bo += bs) {
            acc = FloatVector.broadcast(S, a[ao]).fma(FloatVector.fromArray(S, b, bo), acc);
        }
        acc.intoArray(c, c0);
    }
}
