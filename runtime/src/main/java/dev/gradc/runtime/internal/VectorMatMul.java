package dev.gradc.runtime.internal;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API float path of {@link MatMul}: register tiles of {@code jdk.incubator.vector}
 * accumulators, A broadcast, B read as vectors along a row, k in blocks of {@value #KC}. Two
 * drivers share that shape. Large products (at least {@value #PACKED_MACS} multiply-adds) run
 * BLIS-style: B packed per block of {@value #NC} columns into strips two vectors wide, A packed
 * k-major per block of {@value #MR} rows unless its rows are k-contiguous already, and one 6 x
 * 2-vector tile walking A and the B strip with constant strides, which lets C2 drop the inner
 * loop's range checks (measured 65 -> 79 GFLOP/s with the data in L1; W2's and W4's products
 * 50-57 -> 56-74). Small products cannot repay packing A (W3's
 * 32x64x64 ran at 35 packed, 55 unpacked): they read A in place with 6x2, 4x2 and narrower tiles,
 * packing only a transposed or long-rowed B. Every orientation runs the same tiles without a
 * materialized transpose; each element sees the same sequence of multiply-adds however rows are
 * split. Scratch is per thread, allocated on first use. Loaded only when the incubator module is
 * present.
 */
final class VectorMatMul {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int KC = 256;
    /** Rows and columns (two vectors) of the packed path's register tile. */
    private static final int MR = 6, NR = 2 * L;
    /** Columns per block of the packed path: a B pack of KC x NC (256 KB in float32) stays in L2. */
    private static final int NC = 256;
    /** Products from this many multiply-adds up take the packed path. */
    private static final long PACKED_MACS = 1L << 22;

    /** A B with rows at least this long is packed even on the unpacked path: its strip would span a page per row. */
    private static final int PACK_ABOVE = 256;
    private static final ThreadLocal<float[]> PACK = ThreadLocal.withInitial(() -> new float[KC * 2 * L]);

    /** One thread's packs and edge tile. */
    private static final class Scratch {
        final float[] a = new float[MR * KC];
        final float[] b = new float[KC * (NC + NR)];
        final float[] tile = new float[MR * NR];
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private VectorMatMul() {}

    static String describe() {
        return S.vectorBitSize() + "-bit float vectors, 6x2 register tiles, packed for large products";
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
        if (isPacked(m, n, k)) {
            packed(c, co, a, ao, ta, b, bo, tb, m, n, k, rowStart, rowEnd, 0, n);
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
        int block = blockOf(k);
        for (int p0 = 0; p0 < k; p0 += block) {
            int kc = Math.min(block, k - p0);
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

    /** k-steps per block: at most {@value #KC}, balanced so that no block is a short remainder (784 = 4 x 196, not 3 x 256 + 16). */
    private static int blockOf(int k) {
        int blocks = (k + KC - 1) / KC;
        return (k + blocks - 1) / blocks;
    }

    /** Whether a product takes the packed path. */
    static boolean isPacked(int m, int n, int k) {
        return (long) m * n * k >= PACKED_MACS && n > 1;
    }

    /** Columns {@code [colStart, colEnd)} of a packed product, all rows: a thread's share that packs only its part of B. */
    static void multiplyColumns(float[] c, int co, float[] a, int ao, boolean ta, float[] b, int bo, boolean tb,
                                int m, int n, int k, int colStart, int colEnd) {
        packed(c, co, a, ao, ta, b, bo, tb, m, n, k, 0, m, colStart, colEnd);
    }

    /** The packed driver for large products (see the class comment), over a block of rows and columns. */
    private static void packed(float[] c, int co, float[] a, int ao, boolean ta, float[] b, int bo, boolean tb,
                               int m, int n, int k, int rowStart, int rowEnd, int colStart, int colEnd) {
        int ai = ta ? 1 : k, ap = ta ? m : 1;
        int bj = tb ? k : 1, bp = tb ? 1 : n;
        Scratch s = SCRATCH.get();
        for (int i = rowStart; i < rowEnd; i++) java.util.Arrays.fill(c, co + i * n + colStart, co + i * n + colEnd, 0f);
        int block = blockOf(k);
        for (int p0 = 0; p0 < k; p0 += block) {
            int kc = Math.min(block, k - p0);
            for (int j0 = colStart; j0 < colEnd; j0 += NC) {
                int nc = Math.min(NC, colEnd - j0);
                packB(b, bo + p0 * bp + j0 * bj, bp, bj, kc, nc, s.b);
                for (int i0 = rowStart; i0 < rowEnd; i0 += MR) {
                    int mr = Math.min(MR, rowEnd - i0), aBlock = ao + i0 * ai + p0 * ap;
                    // Rows of an untransposed A are already k-contiguous: a full block reads them
                    // in place (constant stride 1); others are packed.
                    boolean inPlace = ap == 1 && mr == MR;
                    if (!inPlace) packA(a, aBlock, ai, ap, mr, kc, s.a);
                    for (int j = 0; j < nc; j += NR) {
                        int nr = Math.min(NR, nc - j), cOff = co + i0 * n + j0 + j, strip = (j / NR) * kc * NR;
                        if (inPlace && nr == NR) {
                            inPlaceTile(a, aBlock, ai, s.b, strip, c, cOff, n, kc);
                        } else if (mr == MR && nr == NR) {
                            packedTile(s.a, s.b, strip, c, cOff, n, kc);
                        } else {
                            if (inPlace) {
                                packA(a, aBlock, ai, ap, mr, kc, s.a);
                                inPlace = false;
                            }
                            edgeTile(s, strip, c, cOff, n, mr, nr, kc);
                        }
                    }
                }
            }
        }
    }

    /** {@code pack[strip][p][j] = B(p, strip*NR + j)} for the block, columns past its end zero. */
    private static void packB(float[] b, int b0, int bp, int bj, int kc, int nc, float[] pack) {
        for (int j0 = 0; j0 < nc; j0 += NR) {
            int nr = Math.min(NR, nc - j0), base = (j0 / NR) * kc * NR;
            if (bj == 1 && nr == NR) { // rows of B hold the strip's columns side by side: two vectors per k-step
                for (int p = 0, src = b0 + j0, dst = base; p < kc; p++, src += bp, dst += NR) {
                    FloatVector.fromArray(S, b, src).intoArray(pack, dst);
                    FloatVector.fromArray(S, b, src + L).intoArray(pack, dst + L);
                }
            } else if (bj == 1) {
                for (int p = 0; p < kc; p++) {
                    int dst = base + p * NR;
                    System.arraycopy(b, b0 + p * bp + j0, pack, dst, nr);
                    for (int j = nr; j < NR; j++) pack[dst + j] = 0f;
                }
            } else { // B stored transposed: read each column along k, where it is contiguous
                for (int j = 0; j < NR; j++) {
                    int src = b0 + (j0 + j) * bj;
                    for (int p = 0; p < kc; p++) pack[base + p * NR + j] = j < nr ? b[src + p * bp] : 0f;
                }
            }
        }
    }

    /** {@code pack[p][r] = A(r, p)} for the block's rows, rows past its end zero. */
    private static void packA(float[] a, int a0, int ai, int ap, int mr, int kc, float[] pack) {
        if (ai == 1) { // A stored transposed: each k-step's rows are adjacent, so copy them k-step by k-step
            for (int p = 0; p < kc; p++) {
                int src = a0 + p * ap, dst = p * MR;
                for (int r = 0; r < MR; r++) pack[dst + r] = r < mr ? a[src + r] : 0f;
            }
            return;
        }
        for (int r = 0; r < MR; r++) {
            if (r < mr) {
                int src = a0 + r * ai;
                for (int p = 0; p < kc; p++) pack[p * MR + r] = a[src + p * ap];
            } else {
                for (int p = 0; p < kc; p++) pack[p * MR + r] = 0f;
            }
        }
    }

    /** A partial tile: computed in full over zero-padded packs into a scratch tile, then its valid part added to C. */
    private static void edgeTile(Scratch s, int strip, float[] c, int cOff, int n, int mr, int nr, int kc) {
        float[] t = s.tile;
        for (int r = 0; r < MR; r++) {
            for (int j = 0; j < NR; j++) t[r * NR + j] = r < mr && j < nr ? c[cOff + r * n + j] : 0f;
        }
        packedTile(s.a, s.b, strip, t, 0, NR, kc);
        for (int r = 0; r < mr; r++) System.arraycopy(t, r * NR, c, cOff + r * n, nr);
    }

    /** {@code C[6 x NR] += Apack[kc x 6]ᵀ · Bpack[kc x NR]}: the inner loop, every stride a constant. */
    private static void packedTile(float[] a, float[] b, int b0, float[] c, int c0, int n, int kc) {
        FloatVector c00 = FloatVector.fromArray(S, c, c0),         c01 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector c10 = FloatVector.fromArray(S, c, c0 + n),     c11 = FloatVector.fromArray(S, c, c0 + n + L);
        FloatVector c20 = FloatVector.fromArray(S, c, c0 + 2 * n), c21 = FloatVector.fromArray(S, c, c0 + 2 * n + L);
        FloatVector c30 = FloatVector.fromArray(S, c, c0 + 3 * n), c31 = FloatVector.fromArray(S, c, c0 + 3 * n + L);
        FloatVector c40 = FloatVector.fromArray(S, c, c0 + 4 * n), c41 = FloatVector.fromArray(S, c, c0 + 4 * n + L);
        FloatVector c50 = FloatVector.fromArray(S, c, c0 + 5 * n), c51 = FloatVector.fromArray(S, c, c0 + 5 * n + L);
        for (int p = 0, ao = 0, bo = b0; p < kc; p++, ao += MR, bo += NR) {
            FloatVector b0v = FloatVector.fromArray(S, b, bo), b1v = FloatVector.fromArray(S, b, bo + L);
            FloatVector av = FloatVector.broadcast(S, a[ao]);
            c00 = av.fma(b0v, c00); c01 = av.fma(b1v, c01);
            av = FloatVector.broadcast(S, a[ao + 1]);
            c10 = av.fma(b0v, c10); c11 = av.fma(b1v, c11);
            av = FloatVector.broadcast(S, a[ao + 2]);
            c20 = av.fma(b0v, c20); c21 = av.fma(b1v, c21);
            av = FloatVector.broadcast(S, a[ao + 3]);
            c30 = av.fma(b0v, c30); c31 = av.fma(b1v, c31);
            av = FloatVector.broadcast(S, a[ao + 4]);
            c40 = av.fma(b0v, c40); c41 = av.fma(b1v, c41);
            av = FloatVector.broadcast(S, a[ao + 5]);
            c50 = av.fma(b0v, c50); c51 = av.fma(b1v, c51);
        }
        c00.intoArray(c, c0);         c01.intoArray(c, c0 + L);
        c10.intoArray(c, c0 + n);     c11.intoArray(c, c0 + n + L);
        c20.intoArray(c, c0 + 2 * n); c21.intoArray(c, c0 + 2 * n + L);
        c30.intoArray(c, c0 + 3 * n); c31.intoArray(c, c0 + 3 * n + L);
        c40.intoArray(c, c0 + 4 * n); c41.intoArray(c, c0 + 4 * n + L);
        c50.intoArray(c, c0 + 5 * n); c51.intoArray(c, c0 + 5 * n + L);
    }

    /** As {@link #packedTile}, A read in place: rows {@code ai} apart, k-steps contiguous (a constant stride again). */
    private static void inPlaceTile(float[] a, int a0, int ai, float[] b, int b0, float[] c, int c0, int n, int kc) {
        FloatVector c00 = FloatVector.fromArray(S, c, c0),         c01 = FloatVector.fromArray(S, c, c0 + L);
        FloatVector c10 = FloatVector.fromArray(S, c, c0 + n),     c11 = FloatVector.fromArray(S, c, c0 + n + L);
        FloatVector c20 = FloatVector.fromArray(S, c, c0 + 2 * n), c21 = FloatVector.fromArray(S, c, c0 + 2 * n + L);
        FloatVector c30 = FloatVector.fromArray(S, c, c0 + 3 * n), c31 = FloatVector.fromArray(S, c, c0 + 3 * n + L);
        FloatVector c40 = FloatVector.fromArray(S, c, c0 + 4 * n), c41 = FloatVector.fromArray(S, c, c0 + 4 * n + L);
        FloatVector c50 = FloatVector.fromArray(S, c, c0 + 5 * n), c51 = FloatVector.fromArray(S, c, c0 + 5 * n + L);
        for (int p = 0, ao = a0, bo = b0; p < kc; p++, ao++, bo += NR) {
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
