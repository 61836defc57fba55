package dev.gradc.runtime.internal;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API float path of {@link MatMul}, BLIS-style: a register tile of accumulators (A
 * broadcast, B read as vectors along a row), B packed into strips as wide as the tile, k in blocks
 * whose packed strip fills two thirds of L1, column blocks whose packed B fits half of L2 (or 1 MiB).
 *
 * <p><b>The tile comes from the hardware.</b> With 512-bit vectors (AVX-512: 32 registers) it is 6
 * rows x 4 vectors: 24 accumulators, 4 B vectors and a broadcast in 29 registers; otherwise (AVX2,
 * SSE, NEON: 16 registers) 6 x 2, 12 accumulators in 15. Column strips narrower than half a tile run
 * an 8 x 1-vector tile, and a product of one row or one column a matrix-vector loop. Rows past the
 * end of a block re-read the last real row and are not stored, so A is never padded; a strip past
 * the last column is computed in a small scratch tile. A is read in place when few strips reuse it,
 * else packed into k-contiguous rows, since in place its rows can be a page apart and collide in
 * L1. B is packed, except a small untransposed B, read in place: packing it costs more than it
 * saves (measured on W3's shapes).
 *
 * <p><b>Deterministic by construction.</b> Every element of C is {@code fma(a, b, c)} over k in
 * ascending order starting from +0, then {@code + bias}, then {@code max(0, .)}: whichever tile,
 * block size, split across threads or vector width computed it, and the same as
 * {@link MatMul#plain}, so results are bit-identical with the plain path and across
 * {@code -XX:MaxVectorSize} settings.
 *
 * <p><b>No allocation.</b> Packing buffers come from a small pool of preallocated {@link Scratch}
 * blocks (taken and returned with atomic swaps, no allocation); a thread finding the pool empty,
 * because more threads multiply at once than ever before, allocates one block that then joins the
 * pool. Cold Vector API code runs interpreted and boxes every vector, so a daemon thread started
 * with this class runs every kernel, through the callers' own entry points, until a whole round
 * allocates nothing (C2 compiled it and escape analysis removed the boxes) before {@link #ready}
 * lets other threads in; until then they take {@link MatMul#plain}, which gives the same bits. The
 * warm-up takes every branch both ways (see {@link #warmUpShapes}), since C2 compiles a branch its
 * profile never saw as a trap, and a caller reaching one would run boxing code until recompiled.
 * Loaded only when the incubator module is present.
 */
final class VectorMatMul {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Vector registers of the instruction set the preferred species implies. */
    static final int REGISTERS = S.vectorBitSize() >= 512 ? 32 : 16;
    /** The main tile: rows, and vectors per row (24 accumulators with 32 registers, 12 with 16). */
    static final int MR = 6, NV = REGISTERS >= 32 ? 4 : 2, NR = NV * L;
    /** The narrow tile for strips of one vector: rows. */
    static final int NARROW_ROWS = 8;
    /**
     * k-steps per block: a packed strip of KC x NR floats fills about two thirds of L1, the rest left
     * to the A rows and C tile streaming past it (on Zen 5, 48 KiB: k blocks of 128 ran W4's products
     * 5-10% faster than 96, and 160 or 192 slower).
     */
    static final int KC = clamp(CacheSizes.L1 * 2 / 3 / (NR * Float.BYTES) / 8 * 8, 32, 512);
    /**
     * Columns per block: its packed B (KC x NC) fills about half of L2, or 1 MiB where L2 is smaller:
     * a block larger than L2 still streams from L3 a strip at a time (each strip then serves a whole
     * block of A from L1), while narrower blocks repack A once per block, for a transposed A a
     * scalar transpose. On AMD Zen 1 (512 KiB L2) blocks of 192 columns ran W4's 1024x1024x256 TN
     * product at 70-71% of the FMA peak, blocks of 768 at 76-78%.
     */
    static final int NC = clamp(Math.max(CacheSizes.L2 / 2, 1 << 20) / (KC * Float.BYTES) / NR * NR, 2 * NR, 8192);
    /** Rows per block of a packed transposed A (MC x KC): a quarter of L2. */
    static final int MC = clamp(CacheSizes.L2 / 4 / (KC * Float.BYTES) / MR * MR, 4 * MR, 4096);
    /**
     * A transposed operand whose stored rows are shorter than a page is packed with gathers down its
     * columns; from a page on, each of a gather's lanes falls in another page, and reading the stored
     * rows (TRANSPOSE_ROWS packed rows at a time) wins: for A 1.74 against 0.50 ns per float at
     * 1,024 floats a row, for B 0.46 against 0.32; at 64-512 floats a row gathers took 0.27-0.28
     * against 0.31-0.33 (AMD Zen 5).
     */
    private static final int GATHER_ROW_LIMIT = 4096 / Float.BYTES, TRANSPOSE_ROWS = 64;
    /** A is packed when at least this many strips reuse it. */
    private static final int PACK_A_STRIPS = 3;

    private static final FloatVector ZERO = FloatVector.zero(S);
    /**
     * Zeros: the first k-block's accumulators load from here (stride 0), and a ReLU-only epilogue adds
     * them as its bias (adding +0 changes no value that ReLU keeps).
     */
    private static final float[] ZEROS = new float[NR];
    /** An untransposed B up to this size is read in place: half of L1. */
    private static final int IN_PLACE_B_BYTES = CacheSizes.L1 / 2;

    /** Set once every kernel ran allocation-free on the warm-up thread; until then callers take the plain path. */
    static volatile boolean ready;
    /** Why the warm-up gave up, or null. */
    static volatile String warmUpFailure;

    private VectorMatMul() {}

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    static String describe() {
        return KernelText.vectorDetails(S.vectorBitSize(), REGISTERS, MR, NV, KC, NC, ready, warmUpFailure);
    }

    /** One thread's packing buffers, sized once from the block sizes. */
    static final class Scratch {
        final float[] b = new float[KC * (NC + NR)];
        final float[] a = new float[MC * KC];
        final float[] tile = new float[Math.max(MR * NR, NARROW_ROWS * L)];
        final float[] bias = new float[NR];
        /** Gather offsets of L consecutive rows of a transposed B (stride k) and of a transposed A (stride m). */
        final int[] gather = new int[L], gatherA = new int[L];
    }

    /**
     * The scratch blocks not in use, taken and returned under its lock. Not an AtomicReferenceArray:
     * a class of the JDK with string constants ("[]", "Not array type"), which the thread that first
     * asks for a C2 compilation of one of its methods creates, and that was seen to be a trainer's
     * stepping thread (48 + 56 bytes in one step; see KernelText). An uncontended lock allocates
     * nothing; a contended one inflates into a monitor outside the Java heap.
     */
    private static final Scratch[] POOL = new Scratch[64];

    /** A scratch block from the pool; every slot up to a full one is emptied, so that contention adds no branch the warm-up never took. */
    static Scratch acquire() {
        synchronized (POOL) {
            for (int i = 0; i < POOL.length; i++) {
                Scratch s = POOL[i];
                POOL[i] = null;
                if (s != null) return s;
            }
        }
        return new Scratch(); // more threads at once than ever before: the pool grows by one when it is returned
    }

    static void release(Scratch s) {
        synchronized (POOL) {
            for (int i = 0; i < POOL.length; i++) {
                if (POOL[i] == null) {
                    POOL[i] = s;
                    return;
                }
            }
        }
    }

    /**
     * Rows {@code [r0, r1)} x columns {@code [c0, c1)} of {@code C = act(op(A)·op(B) + bias)}, as
     * {@link MatMul#multiply(float[], int, float[], int, boolean, float[], int, boolean, int, int, int, float[], int, boolean, int, int, int, int)}
     * describes; k is at least 1.
     */
    static void multiply(float[] c, int co, float[] a, int ao, boolean ta, float[] b, int bo, boolean tb, int m, int n, int k,
                         float[] bias, int qo, boolean relu, int r0, int r1, int c0, int c1) {
        if (r0 >= r1 || c0 >= c1) return;
        // This method holds no vector operation: should a branch it never took in the warm-up trap and
        // send it back to the interpreter, it still calls compiled kernels.
        Scratch s = acquire();
        if (n == 1 || m == 1) {
            // One column or one row: a tile would compute mostly padding. A matrix-vector product instead,
            // over the matrix operand's rows (n == 1: op(A), x = op(B)) or columns (m == 1: op(B), x = op(A)).
            if (n == 1) vectorProduct(c, co, a, ao, ta ? 1 : k, ta ? m : 1, b, bo, k, r0, r1, s.gather);
            else vectorProduct(c, co, b, bo, tb ? k : 1, tb ? 1 : n, a, ao, k, c0, c1, s.gather);
            if (bias != null || relu) MatMul.epilogue(c, co, n, bias, qo, relu, r0, r1, c0, c1);
        } else {
            product(s, c, co, a, ao, ta, b, bo, tb, m, n, k, bias != null ? bias : relu ? ZEROS : null, bias != null ? qo : -1, relu,
                    r0, r1, c0, c1);
        }
        release(s);
    }

    /**
     * The driver (see the class comment); {@code q} is the bias or {@link #ZEROS}, {@code qo} -1 for the
     * latter. The first k-block's tiles load their accumulators from {@link #ZEROS}, so C is never
     * cleared first.
     */
    private static void product(Scratch s, float[] c, int co, float[] a, int ao, boolean ta, float[] b, int bo, boolean tb, int m, int n, int k,
                                float[] q, int qo, boolean relu, int r0, int r1, int c0, int c1) {
        int kb = blockOf(k);
        int ai = ta ? 1 : k, as = ta ? m : 1; // A(i, p) = a[ao + i*ai + p*as]
        // A small untransposed B is read in place, rows n apart (only a partial last strip is packed):
        // it stays in cache, and packing it would cost a tenth of the product.
        boolean inPlaceB = !tb && (long) k * n * Float.BYTES <= IN_PLACE_B_BYTES;
        int nb = balanced(c1 - c0, NC, NR), mb = balanced(r1 - r0, MC, MR);
        for (int j0 = c0; j0 < c1; j0 += nb) {
            int nc = Math.min(nb, c1 - j0);
            // Strips: full tiles, then what is left either as one more (padded) tile or, when that would
            // waste more than half of it, as strips of one vector.
            int mains = nc / NR, rest = nc - mains * NR, narrows = 0;
            if (rest > NR / 2) mains++;
            else narrows = (rest + L - 1) / L;
            int strips = mains + narrows;
            // A is packed into k-contiguous rows kc apart once enough strips reuse it: in place its rows are
            // k floats apart, for k = 1024 a page, so a tile's six rows (and its C rows) fall in one L1 set.
            boolean packA = mains >= PACK_A_STRIPS;
            for (int p0 = 0; p0 < k; p0 += kb) {
                int kc = Math.min(kb, k - p0);
                boolean first = p0 == 0;
                float[] tq = p0 + kc == k ? q : null; // the epilogue goes with the last k-block
                packB(b, bo, tb, n, k, p0, kc, j0, nc, mains, strips, inPlaceB, s);
                for (int i0 = r0; i0 < r1; i0 += mb) {
                    int mc = Math.min(mb, r1 - i0);
                    if (packA) packA(a, ao, ta, m, k, i0, p0, mc, kc, s);
                    for (int t = 0; t < strips; t++) {
                        boolean main = t < mains;
                        int width = main ? NR : L, jj = j0 + (main ? t * NR : mains * NR + (t - mains) * L);
                        int valid = Math.min(width, j0 + nc - jj);
                        boolean whole = valid == width, direct = inPlaceB && whole;
                        float[] bs = direct ? b : s.b;
                        int b0 = direct ? bo + p0 * n + jj : (jj - j0) * kc, bStep = direct ? n : width;
                        int qOff = qo >= 0 ? qo + jj : 0;
                        float[] sq = tq;
                        if (tq != null && !whole) { // a bias vector must not read past the end
                            System.arraycopy(tq, qOff, s.bias, 0, valid);
                            Arrays.fill(s.bias, valid, width, 0f);
                            sq = s.bias;
                            qOff = 0;
                        }
                        int tileRows = main ? MR : NARROW_ROWS;
                        for (int i = i0; i < i0 + mc; i += tileRows) {
                            int rows = Math.min(tileRows, i0 + mc - i);
                            float[] src = packA ? s.a : a;
                            int a0 = packA ? (i - i0) * kc : ao + i * ai + p0 * as, ri = packA ? kc : ai, ks = packA ? 1 : as;
                            int cOff = co + i * n + jj;
                            if (whole) {
                                tile(main, src, a0, ri, ks, rows, bs, b0, bStep, first ? ZEROS : c, first ? 0 : cOff, first ? 0 : n,
                                        c, cOff, n, kc, sq, qOff, relu);
                            } else { // the last strip is partial: computed in the scratch tile, then copied
                                float[] t0 = s.tile;
                                if (!first) {
                                    for (int r = 0; r < rows; r++) {
                                        System.arraycopy(c, cOff + r * n, t0, r * width, valid);
                                        Arrays.fill(t0, r * width + valid, (r + 1) * width, 0f);
                                    }
                                }
                                tile(main, src, a0, ri, ks, rows, bs, b0, bStep, first ? ZEROS : t0, 0, first ? 0 : width,
                                        t0, 0, width, kc, sq, qOff, relu);
                                for (int r = 0; r < rows; r++) System.arraycopy(t0, r * width, c, cOff + r * n, valid);
                            }
                        }
                    }
                }
            }
        }
    }

    /** A tile, then the epilogue if {@code q} is not null: bias {@code q[q0 ..]} added, then ReLU if {@code relu}. */
    private static void tile(boolean main, float[] a, int a0, int ai, int as, int rows, float[] b, int b0, int bs,
                             float[] cl, int cl0, int cls, float[] c, int c0, int cs, int kc, float[] q, int q0, boolean relu) {
        if (!main) tile8x1(a, a0, ai, as, rows, b, b0, bs, cl, cl0, cls, c, c0, cs, kc);
        else if (NV == 4) tile6x4(a, a0, ai, as, rows, b, b0, bs, cl, cl0, cls, c, c0, cs, kc);
        else tile6x2(a, a0, ai, as, rows, b, b0, bs, cl, cl0, cls, c, c0, cs, kc);
        if (q != null) epilogue(c, c0, cs, rows, main ? NR : L, q, q0, relu);
    }

    /**
     * The epilogue on a tile just stored, still in L1: bias {@code q[q0 ..]} added to each of its
     * {@code rows} rows ({@code cs} apart, {@code width} columns), then ReLU if {@code relu}. Kept
     * out of the tiles: compiled into them it took registers from their k-loop, which then ran at
     * 149 instead of 236 GFLOP/s (AMD Zen 5, 6x4 tile, data in cache).
     */
    private static void epilogue(float[] c, int c0, int cs, int rows, int width, float[] q, int q0, boolean relu) {
        if (relu) {
            for (int r = 0, o = c0; r < rows; r++, o += cs) {
                for (int v = 0; v < width; v += L) {
                    FloatVector.fromArray(S, c, o + v).add(FloatVector.fromArray(S, q, q0 + v)).max(ZERO).intoArray(c, o + v);
                }
            }
        } else {
            for (int r = 0, o = c0; r < rows; r++, o += cs) {
                for (int v = 0; v < width; v += L) {
                    FloatVector.fromArray(S, c, o + v).add(FloatVector.fromArray(S, q, q0 + v)).intoArray(c, o + v);
                }
            }
        }
    }

    /**
     * {@code c[co + t] = sum_p M(t, p) * x[xo + p]} (fma over p ascending from +0) for t in
     * {@code [t0, t1)}, {@code M(t, p) = mat[mo + t*ts + p*ps]}: vectors along t when {@code ts == 1},
     * else gathers (then {@code ps == 1}); two output vectors at a time, for two independent chains.
     */
    private static void vectorProduct(float[] c, int co, float[] mat, int mo, int ts, int ps, float[] x, int xo, int k, int t0, int t1,
                                      int[] gather) {
        for (int i = 0; i < L; i++) gather[i] = i * ts;
        int t = t0;
        for (; t + 2 * L <= t1; t += 2 * L) {
            FloatVector s0 = FloatVector.zero(S), s1 = s0;
            int m0 = mo + t * ts, m1 = mo + (t + L) * ts;
            if (ts == 1) {
                for (int p = 0; p < k; p++) {
                    FloatVector xv = FloatVector.broadcast(S, x[xo + p]);
                    s0 = FloatVector.fromArray(S, mat, m0 + p * ps).fma(xv, s0);
                    s1 = FloatVector.fromArray(S, mat, m1 + p * ps).fma(xv, s1);
                }
            } else {
                for (int p = 0; p < k; p++) {
                    FloatVector xv = FloatVector.broadcast(S, x[xo + p]);
                    s0 = FloatVector.fromArray(S, mat, m0 + p, gather, 0).fma(xv, s0);
                    s1 = FloatVector.fromArray(S, mat, m1 + p, gather, 0).fma(xv, s1);
                }
            }
            s0.intoArray(c, co + t);
            s1.intoArray(c, co + t + L);
        }
        for (; t + L <= t1; t += L) {
            FloatVector s0 = FloatVector.zero(S);
            int m0 = mo + t * ts;
            if (ts == 1) {
                for (int p = 0; p < k; p++) s0 = FloatVector.fromArray(S, mat, m0 + p * ps).fma(FloatVector.broadcast(S, x[xo + p]), s0);
            } else {
                for (int p = 0; p < k; p++) s0 = FloatVector.fromArray(S, mat, m0 + p, gather, 0).fma(FloatVector.broadcast(S, x[xo + p]), s0);
            }
            s0.intoArray(c, co + t);
        }
        for (; t < t1; t++) {
            float s0 = 0;
            for (int p = 0, mx = mo + t * ts; p < k; p++, mx += ps) s0 = Math.fma(mat[mx], x[xo + p], s0);
            c[co + t] = s0;
        }
    }

    /**
     * Rows or columns per block: at most {@code max} (a multiple of {@code unit}), as even as whole
     * units allow, so that no block is a sliver (1,024 rows in blocks of 342, 342, 340, not 510, 510, 4).
     */
    static int balanced(int count, int max, int unit) {
        int blocks = (count + max - 1) / max;
        int per = (count + blocks - 1) / blocks;
        return (per + unit - 1) / unit * unit;
    }

    /** k-steps per block: at most {@link #KC}, balanced so that no block is a short remainder (784 = 4 x 196, not 3 x 256 + 16). */
    static int blockOf(int k) {
        int blocks = (k + KC - 1) / KC;
        return (k + blocks - 1) / blocks;
    }

    /**
     * Packs {@code op(B)} rows {@code [p0, p0+kc)}, columns {@code [j0, j0+nc)} strip by strip: strip
     * {@code t} (width {@code w}: NR for the first {@code mains}, then L) holds {@code pack[p*w + j]},
     * columns past the block zero, at {@code (first column - j0) * kc}; with {@code inPlace} only a
     * partial strip.
     */
    private static void packB(float[] b, int bo, boolean tb, int n, int k, int p0, int kc, int j0, int nc, int mains, int strips,
                              boolean inPlace, Scratch s) {
        float[] pack = s.b;
        // Refilled every call: a branch on "same stride as last time" would be compiled from the
        // warm-up's profile and trap for a caller's new stride.
        for (int i = 0; i < L; i++) s.gather[i] = i * k;
        boolean gathers = k < GATHER_ROW_LIMIT;
        for (int t = 0; t < strips; t++) {
            int width = t < mains ? NR : L, jj = j0 + (t < mains ? t * NR : mains * NR + (t - mains) * L);
            int valid = Math.min(width, j0 + nc - jj), base = (jj - j0) * kc;
            if (inPlace && valid == width) continue; // read where it is
            // Each loop below is a plain counted loop, its conditions decided outside it: C2 speculates on
            // what a loop's profile showed, and a caller's shape breaking a speculation would send this
            // method back to the interpreter, boxing vectors.
            if (!tb && valid == width) { // B(p, j) = b[bo + p*n + j]: the strip's rows are contiguous
                for (int p = 0, src = bo + p0 * n + jj, dst = base; p < kc; p++, src += n, dst += width) {
                    for (int v = 0; v < width; v += L) FloatVector.fromArray(S, b, src + v).intoArray(pack, dst + v);
                }
            } else if (!tb) {
                for (int p = 0, src = bo + p0 * n + jj, dst = base; p < kc; p++, src += n, dst += width) {
                    System.arraycopy(b, src, pack, dst, valid);
                    Arrays.fill(pack, dst + valid, dst + width, 0f);
                }
            } else if (gathers) { // B(p, j) = b[bo + j*k + p]: a gather of L columns per k-step, scalar for a partial vector
                for (int v = 0; v < width; v += L) {
                    int cols = Math.min(L, valid - v), col = bo + (jj + v) * k + p0;
                    if (cols == L) {
                        for (int p = 0, dst = base + v; p < kc; p++, dst += width) {
                            FloatVector.fromArray(S, b, col + p, s.gather, 0).intoArray(pack, dst);
                        }
                    } else {
                        for (int p = 0, dst = base + v; p < kc; p++, dst += width) Arrays.fill(pack, dst, dst + L, 0f);
                        for (int j = 0; j < cols; j++) {
                            for (int p = 0, dst = base + v + j, src = col + j * k; p < kc; p++, dst += width) pack[dst] = b[src + p];
                        }
                    }
                }
            } else { // the same, rows a page or more apart: each column read along k, written down the strip
                for (int j = 0; j < valid; j++) {
                    for (int p = 0, src = bo + (jj + j) * k + p0, dst = base + j; p < kc; p++, dst += width) pack[dst] = b[src + p];
                }
                if (valid < width) {
                    for (int p = 0, dst = base; p < kc; p++, dst += width) Arrays.fill(pack, dst + valid, dst + width, 0f);
                }
            }
        }
    }

    /**
     * Packs rows {@code [i0, i0+mc)}, steps {@code [p0, p0+kc)} of {@code op(A)} row by row,
     * {@code pack[(i-i0)*kc + p]}: then any tile reads it as it reads an untransposed A, rows kc apart,
     * steps contiguous. Untransposed rows are copied; a transposed A is gathered or read along its
     * stored rows (see {@link #GATHER_ROW_LIMIT}).
     */
    private static void packA(float[] a, int ao, boolean ta, int m, int k, int i0, int p0, int mc, int kc, Scratch s) {
        float[] pack = s.a;
        if (!ta) {
            for (int i = 0; i < mc; i++) System.arraycopy(a, ao + (i0 + i) * k + p0, pack, i * kc, kc);
            return;
        }
        if (m < GATHER_ROW_LIMIT) { // A(i, p) = a[ao + p*m + i]: L steps of a row are a gather, the last kc % L scalar
            for (int i = 0; i < L; i++) s.gatherA[i] = i * m;
            int vectorSteps = kc - kc % L;
            for (int i = 0; i < mc; i++) {
                int dst = i * kc, src = ao + p0 * m + i0 + i;
                int p = 0;
                for (; p < vectorSteps; p += L) FloatVector.fromArray(S, a, src + p * m, s.gatherA, 0).intoArray(pack, dst + p);
                for (; p < kc; p++) pack[dst + p] = a[src + p * m];
            }
            return;
        }
        // Stored rows a page or more apart: read along i, TRANSPOSE_ROWS packed rows at a time, so that
        // the lines written stay in L1 while the reads walk down k.
        for (int c = 0; c < mc; c += TRANSPOSE_ROWS) {
            int ce = Math.min(mc, c + TRANSPOSE_ROWS);
            for (int p = 0; p < kc; p++) {
                for (int i = c, src = ao + (p0 + p) * m + i0; i < ce; i++) pack[i * kc + p] = a[src + i];
            }
        }
    }

    /**
     * {@code out[j] = sum over i of g[i][j]} (g is m x n at go, rows in ascending order from +0) for
     * columns {@code [c0, c1)}; the same sums, in the same order, as {@link MatMul#columnSumsPlain}.
     */
    static void columnSums(float[] out, int oo, float[] g, int go, int m, int n, int c0, int c1) {
        int j = c0;
        for (; j + 4 * L <= c1; j += 4 * L) {
            // zero(S), not ZERO: a loop phi merging a constant vector with computed ones makes JDK 17 box them
            FloatVector s0 = FloatVector.zero(S), s1 = s0, s2 = s0, s3 = s0;
            for (int i = 0, r = go + j; i < m; i++, r += n) {
                s0 = s0.add(FloatVector.fromArray(S, g, r));
                s1 = s1.add(FloatVector.fromArray(S, g, r + L));
                s2 = s2.add(FloatVector.fromArray(S, g, r + 2 * L));
                s3 = s3.add(FloatVector.fromArray(S, g, r + 3 * L));
            }
            s0.intoArray(out, oo + j);
            s1.intoArray(out, oo + j + L);
            s2.intoArray(out, oo + j + 2 * L);
            s3.intoArray(out, oo + j + 3 * L);
        }
        for (; j + L <= c1; j += L) {
            FloatVector s0 = FloatVector.zero(S);
            for (int i = 0, r = go + j; i < m; i++, r += n) s0 = s0.add(FloatVector.fromArray(S, g, r));
            s0.intoArray(out, oo + j);
        }
        for (; j < c1; j++) { // written out rather than a call: this method must stay too large to inline (see warmUp)
            float s0 = 0;
            for (int i = 0, x = go + j; i < m; i++, x += n) s0 += g[x];
            out[oo + j] = s0;
        }
    }

    // ---- warm-up: runs every kernel on a daemon thread until C2 has compiled it allocation-free ----

    /** Scratch blocks made before any caller needs one: a thread per core, and the two the warm-up holds at times. */
    private static final int PREALLOCATED = Math.min(Runtime.getRuntime().availableProcessors(), 8) + 2;
    /** The warm-up gives up (and the plain path stays) after this long. */
    private static final long WARM_UP_LIMIT_NANOS = 120_000_000_000L;
    /** Rounds without an allocation counter (no jdk.management): a generous count instead of a measurement. */
    private static final int BLIND_ROUNDS = 20_000;

    private static final Thread WARM_UP = new Thread(VectorMatMul::warmUp, "gradc-vector-warmup");

    static {
        WARM_UP.setDaemon(true);
        WARM_UP.start();
    }

    /** Does nothing: calling it initializes this class, which starts the warm-up. */
    static void start() {}

    /**
     * Whether the calling thread's products take these kernels: every thread's once they are ready,
     * before that only the warm-up thread's, which so runs them through the callers' own entry points.
     * One branch, not two: written {@code ready || ...}, the test of {@code ready} is never true
     * before the switch, so C2 compiles the callers with a trap there, and a caller's first product
     * after the switch deoptimizes (it allocated 104 bytes on the caller: KernelWidthsTest at 256-bit,
     * 1 run in 3). Or'd in, {@code ready} is read as a value, and the one branch goes both ways in the
     * warm-up (its own thread, and the callers').
     */
    static boolean inUse() {
        return ready | Thread.currentThread() == WARM_UP;
    }

    /**
     * Shapes {m, n, k} that between them take every branch of the driver, the packers and the tiles
     * both ways: every row count of both tiles, a padded last tile, narrow strips ending in a partial
     * vector, several k-blocks, a transposed A packed with and without a scalar tail, transposed
     * operands gathered and read along rows, several row and column blocks, one column, one row. Each
     * runs in all four orientations, cycling through the four epilogues. A branch the warm-up always took one way would be compiled as a trap, and a caller
     * taking the other way would drop back to code that boxes vectors until C2 compiled it again.
     */
    static int[][] warmUpShapes() {
        int[][] rows = new int[NARROW_ROWS][];
        // m = 9 .. 16: every row count of the last tile of both tiles (6 + 3 .. 6 + 6 + 4, 8 + 1 .. 8 + 8)
        for (int r = 1; r <= NARROW_ROWS; r++) rows[r - 1] = new int[] {NARROW_ROWS + r, NR + L + 1, 3};
        int packedK = IN_PLACE_B_BYTES / ((NR + L + 3) * Float.BYTES) + 1; // too large a B to read in place
        int[][] others = {
            {2 * MR + 1, NR + L + 5, 7},
            {MR + 1, NR + L + 3, packedK},
            {2, L + 1, KC + 7}, // several k-blocks, in cheap shapes: the interpreted rounds are slow
            {2, 2 * NR + 1, KC + 7},
            {MR + 1, NR + NR / 2 + 3, 9},
            {NARROW_ROWS + 1, PACK_A_STRIPS * NR + 1, L + 3},
            {5, PACK_A_STRIPS * NR, 2 * L},
            {MR, PACK_A_STRIPS * NR, 3},
            {2 * NARROW_ROWS + 3, L - 1, 3},
            {MR * 3, 2 * NR, L},
            {3 * L + 3, 1, 6},
            {1, 3 * L + 3, 5},
            {1, 1, 3},
            {MC + 1, L, 2},
            {2, NR + L + 1, GATHER_ROW_LIMIT + 1}, // transposed rows a page apart, read along them
            {GATHER_ROW_LIMIT + 1, PACK_A_STRIPS * NR, 2},
            {2, NC + L + 1, 2},
        };
        int[][] all = Arrays.copyOf(rows, rows.length + others.length);
        System.arraycopy(others, 0, all, rows.length, others.length);
        return all;
    }

    private static void warmUp() {
        try {
            for (int i = 0; i < PREALLOCATED; i++) release(new Scratch());
            int[][] shapes = warmUpShapes();
            int size = 0;
            for (int[] s : shapes) size = Math.max(size, Math.max(s[0] * s[2], Math.max(s[2] * s[1], s[0] * s[1])));
            float[] a = new float[size + 3], b = new float[size + 5], c = new float[size + 2], bias = new float[size + 1];
            for (int i = 0; i < a.length; i++) a[i] = (i % 7 - 3) * 0.25f;
            for (int i = 0; i < b.length; i++) b[i] = (i % 5 - 2) * 0.5f;
            for (int i = 0; i < bias.length; i++) bias[i] = (i % 3 - 1) * 0.125f;
            com.sun.management.ThreadMXBean counter = allocationCounter();
            long deadline = System.nanoTime() + WARM_UP_LIMIT_NANOS;
            int clean = 0;
            for (int round = 0; ; round++) {
                long before = counter != null ? counter.getCurrentThreadAllocatedBytes() : 0;
                exercise(shapes, round, a, b, c, bias);
                long after = counter != null ? counter.getCurrentThreadAllocatedBytes() : 0;
                clean = after == before ? clean + 1 : 0;
                if (counter == null ? round >= BLIND_ROUNDS : clean >= 3) break;
                if (System.nanoTime() > deadline) {
                    warmUpFailure = KernelText.stillAllocating(round);
                    return;
                }
            }
            ready = true;
        } catch (Throwable e) { // never let a warm-up failure escape; the plain path stays in use
            warmUpFailure = KernelText.warmUpFailed(e);
        }
    }

    /** One round, through the entry points generated code calls. */
    private static void exercise(int[][] shapes, int round, float[] a, float[] b, float[] c, float[] bias) {
        // Now and then a product finds the pool's first slot empty, as a caller's does beside helpers.
        Scratch held = (round & 15) == 0 ? acquire() : null;
        int mode = 0;
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            for (int o = 0; o < 4; o++, mode++) {
                int e = (mode + round) & 3; // none, bias, bias + ReLU, ReLU alone
                Workers.multiplyBias(null, c, 2, a, 3, (o & 1) != 0, b, 5, (o & 2) != 0, m, n, k, e == 1 || e == 2 ? bias : null, 1, e >= 2);
            }
            Workers.columnSums(null, c, 1, a, 3, m, k);
            Workers.columnSums(null, c, 1, b, 5, k, n);
        }
        multiply(c, 0, a, 0, false, b, 0, false, 4, 4, 4, null, 0, false, 2, 2, 0, 4); // an empty region
        if (held != null) release(held);
    }


    private static com.sun.management.ThreadMXBean allocationCounter() {
        try {
            if (ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean mx && mx.isThreadAllocatedMemorySupported()) {
                if (!mx.isThreadAllocatedMemoryEnabled()) mx.setThreadAllocatedMemoryEnabled(true);
                return mx;
            }
        } catch (Throwable e) { // no jdk.management module: count rounds instead
        }
        return null;
    }

    // ---- the register tiles: written out, since accumulators must be locals to live in registers ----

    /**
     * {@code C[rows x width] = Cl + A·B} over kc k-steps. A's row r, step p is
     * {@code a[a0 + r*ai + p*as]}; B's step p starts at {@code b0 + p*bs}; the accumulators start from
     * {@code cl} (rows {@code cls} apart: C itself, or zeros with stride 0) and are stored to C (rows
     * {@code cs} apart). Rows from {@code rows} on are computed from the last real row (so nothing out
     * of bounds is read) and not stored. The k-loop is written twice: for packed operands (A's steps
     * contiguous, B's strip as wide as the tile), whose indices C2 proves in bounds once before the
     * loop, and for any steps, where it checks each of them on every step: on AMD Zen 1 the first ran
     * a 6x2 tile at 45 GFLOP/s, the second at 36.
     */
    private static void tile6x4(float[] a, int a0, int ai, int as, int rows, float[] b, int b0, int bs,
                                float[] cl, int cl0, int cls, float[] c, int c0, int cs, int kc) {
        int a1 = a0 + Math.min(1, rows - 1) * ai, a2 = a0 + Math.min(2, rows - 1) * ai, a3 = a0 + Math.min(3, rows - 1) * ai, a4 = a0 + Math.min(4, rows - 1) * ai, a5 = a0 + Math.min(5, rows - 1) * ai;
        int y1 = cl0 + Math.min(1, rows - 1) * cls, y2 = cl0 + Math.min(2, rows - 1) * cls, y3 = cl0 + Math.min(3, rows - 1) * cls, y4 = cl0 + Math.min(4, rows - 1) * cls, y5 = cl0 + Math.min(5, rows - 1) * cls;
        FloatVector c00 = FloatVector.fromArray(S, cl, cl0), c01 = FloatVector.fromArray(S, cl, cl0 + L), c02 = FloatVector.fromArray(S, cl, cl0 + 2 * L), c03 = FloatVector.fromArray(S, cl, cl0 + 3 * L);
        FloatVector c10 = FloatVector.fromArray(S, cl, y1), c11 = FloatVector.fromArray(S, cl, y1 + L), c12 = FloatVector.fromArray(S, cl, y1 + 2 * L), c13 = FloatVector.fromArray(S, cl, y1 + 3 * L);
        FloatVector c20 = FloatVector.fromArray(S, cl, y2), c21 = FloatVector.fromArray(S, cl, y2 + L), c22 = FloatVector.fromArray(S, cl, y2 + 2 * L), c23 = FloatVector.fromArray(S, cl, y2 + 3 * L);
        FloatVector c30 = FloatVector.fromArray(S, cl, y3), c31 = FloatVector.fromArray(S, cl, y3 + L), c32 = FloatVector.fromArray(S, cl, y3 + 2 * L), c33 = FloatVector.fromArray(S, cl, y3 + 3 * L);
        FloatVector c40 = FloatVector.fromArray(S, cl, y4), c41 = FloatVector.fromArray(S, cl, y4 + L), c42 = FloatVector.fromArray(S, cl, y4 + 2 * L), c43 = FloatVector.fromArray(S, cl, y4 + 3 * L);
        FloatVector c50 = FloatVector.fromArray(S, cl, y5), c51 = FloatVector.fromArray(S, cl, y5 + L), c52 = FloatVector.fromArray(S, cl, y5 + 2 * L), c53 = FloatVector.fromArray(S, cl, y5 + 3 * L);
        if (as == 1 && bs == 4 * L) { // packed operands: every index p + a constant, so C2 hoists the bounds checks
            for (int p = 0, bo = b0; p < kc; p++, bo += 4 * L) {
                FloatVector v0 = FloatVector.fromArray(S, b, bo), v1 = FloatVector.fromArray(S, b, bo + L), v2 = FloatVector.fromArray(S, b, bo + 2 * L), v3 = FloatVector.fromArray(S, b, bo + 3 * L);
                FloatVector e0 = FloatVector.broadcast(S, a[a0 + p]);
                c00 = e0.fma(v0, c00); c01 = e0.fma(v1, c01); c02 = e0.fma(v2, c02); c03 = e0.fma(v3, c03);
                FloatVector e1 = FloatVector.broadcast(S, a[a1 + p]);
                c10 = e1.fma(v0, c10); c11 = e1.fma(v1, c11); c12 = e1.fma(v2, c12); c13 = e1.fma(v3, c13);
                FloatVector e2 = FloatVector.broadcast(S, a[a2 + p]);
                c20 = e2.fma(v0, c20); c21 = e2.fma(v1, c21); c22 = e2.fma(v2, c22); c23 = e2.fma(v3, c23);
                FloatVector e3 = FloatVector.broadcast(S, a[a3 + p]);
                c30 = e3.fma(v0, c30); c31 = e3.fma(v1, c31); c32 = e3.fma(v2, c32); c33 = e3.fma(v3, c33);
                FloatVector e4 = FloatVector.broadcast(S, a[a4 + p]);
                c40 = e4.fma(v0, c40); c41 = e4.fma(v1, c41); c42 = e4.fma(v2, c42); c43 = e4.fma(v3, c43);
                FloatVector e5 = FloatVector.broadcast(S, a[a5 + p]);
                c50 = e5.fma(v0, c50); c51 = e5.fma(v1, c51); c52 = e5.fma(v2, c52); c53 = e5.fma(v3, c53);
            }
        } else {
            for (int p = 0, d = 0, bo = b0; p < kc; p++, d += as, bo += bs) {
                FloatVector v0 = FloatVector.fromArray(S, b, bo), v1 = FloatVector.fromArray(S, b, bo + L), v2 = FloatVector.fromArray(S, b, bo + 2 * L), v3 = FloatVector.fromArray(S, b, bo + 3 * L);
                FloatVector e0 = FloatVector.broadcast(S, a[a0 + d]);
                c00 = e0.fma(v0, c00); c01 = e0.fma(v1, c01); c02 = e0.fma(v2, c02); c03 = e0.fma(v3, c03);
                FloatVector e1 = FloatVector.broadcast(S, a[a1 + d]);
                c10 = e1.fma(v0, c10); c11 = e1.fma(v1, c11); c12 = e1.fma(v2, c12); c13 = e1.fma(v3, c13);
                FloatVector e2 = FloatVector.broadcast(S, a[a2 + d]);
                c20 = e2.fma(v0, c20); c21 = e2.fma(v1, c21); c22 = e2.fma(v2, c22); c23 = e2.fma(v3, c23);
                FloatVector e3 = FloatVector.broadcast(S, a[a3 + d]);
                c30 = e3.fma(v0, c30); c31 = e3.fma(v1, c31); c32 = e3.fma(v2, c32); c33 = e3.fma(v3, c33);
                FloatVector e4 = FloatVector.broadcast(S, a[a4 + d]);
                c40 = e4.fma(v0, c40); c41 = e4.fma(v1, c41); c42 = e4.fma(v2, c42); c43 = e4.fma(v3, c43);
                FloatVector e5 = FloatVector.broadcast(S, a[a5 + d]);
                c50 = e5.fma(v0, c50); c51 = e5.fma(v1, c51); c52 = e5.fma(v2, c52); c53 = e5.fma(v3, c53);
            }
        }
        c00.intoArray(c, c0); c01.intoArray(c, c0 + L); c02.intoArray(c, c0 + 2 * L); c03.intoArray(c, c0 + 3 * L);
        if (rows > 1) { c10.intoArray(c, c0 + cs); c11.intoArray(c, c0 + cs + L); c12.intoArray(c, c0 + cs + 2 * L); c13.intoArray(c, c0 + cs + 3 * L); }
        if (rows > 2) { c20.intoArray(c, c0 + 2 * cs); c21.intoArray(c, c0 + 2 * cs + L); c22.intoArray(c, c0 + 2 * cs + 2 * L); c23.intoArray(c, c0 + 2 * cs + 3 * L); }
        if (rows > 3) { c30.intoArray(c, c0 + 3 * cs); c31.intoArray(c, c0 + 3 * cs + L); c32.intoArray(c, c0 + 3 * cs + 2 * L); c33.intoArray(c, c0 + 3 * cs + 3 * L); }
        if (rows > 4) { c40.intoArray(c, c0 + 4 * cs); c41.intoArray(c, c0 + 4 * cs + L); c42.intoArray(c, c0 + 4 * cs + 2 * L); c43.intoArray(c, c0 + 4 * cs + 3 * L); }
        if (rows > 5) { c50.intoArray(c, c0 + 5 * cs); c51.intoArray(c, c0 + 5 * cs + L); c52.intoArray(c, c0 + 5 * cs + 2 * L); c53.intoArray(c, c0 + 5 * cs + 3 * L); }
    }

    private static void tile6x2(float[] a, int a0, int ai, int as, int rows, float[] b, int b0, int bs,
                                float[] cl, int cl0, int cls, float[] c, int c0, int cs, int kc) {
        int a1 = a0 + Math.min(1, rows - 1) * ai, a2 = a0 + Math.min(2, rows - 1) * ai, a3 = a0 + Math.min(3, rows - 1) * ai, a4 = a0 + Math.min(4, rows - 1) * ai, a5 = a0 + Math.min(5, rows - 1) * ai;
        int y1 = cl0 + Math.min(1, rows - 1) * cls, y2 = cl0 + Math.min(2, rows - 1) * cls, y3 = cl0 + Math.min(3, rows - 1) * cls, y4 = cl0 + Math.min(4, rows - 1) * cls, y5 = cl0 + Math.min(5, rows - 1) * cls;
        FloatVector c00 = FloatVector.fromArray(S, cl, cl0), c01 = FloatVector.fromArray(S, cl, cl0 + L);
        FloatVector c10 = FloatVector.fromArray(S, cl, y1), c11 = FloatVector.fromArray(S, cl, y1 + L);
        FloatVector c20 = FloatVector.fromArray(S, cl, y2), c21 = FloatVector.fromArray(S, cl, y2 + L);
        FloatVector c30 = FloatVector.fromArray(S, cl, y3), c31 = FloatVector.fromArray(S, cl, y3 + L);
        FloatVector c40 = FloatVector.fromArray(S, cl, y4), c41 = FloatVector.fromArray(S, cl, y4 + L);
        FloatVector c50 = FloatVector.fromArray(S, cl, y5), c51 = FloatVector.fromArray(S, cl, y5 + L);
        if (as == 1 && bs == 2 * L) { // packed operands: every index p + a constant, so C2 hoists the bounds checks
            for (int p = 0, bo = b0; p < kc; p++, bo += 2 * L) {
                FloatVector v0 = FloatVector.fromArray(S, b, bo), v1 = FloatVector.fromArray(S, b, bo + L);
                FloatVector e0 = FloatVector.broadcast(S, a[a0 + p]);
                c00 = e0.fma(v0, c00); c01 = e0.fma(v1, c01);
                FloatVector e1 = FloatVector.broadcast(S, a[a1 + p]);
                c10 = e1.fma(v0, c10); c11 = e1.fma(v1, c11);
                FloatVector e2 = FloatVector.broadcast(S, a[a2 + p]);
                c20 = e2.fma(v0, c20); c21 = e2.fma(v1, c21);
                FloatVector e3 = FloatVector.broadcast(S, a[a3 + p]);
                c30 = e3.fma(v0, c30); c31 = e3.fma(v1, c31);
                FloatVector e4 = FloatVector.broadcast(S, a[a4 + p]);
                c40 = e4.fma(v0, c40); c41 = e4.fma(v1, c41);
                FloatVector e5 = FloatVector.broadcast(S, a[a5 + p]);
                c50 = e5.fma(v0, c50); c51 = e5.fma(v1, c51);
            }
        } else {
            for (int p = 0, d = 0, bo = b0; p < kc; p++, d += as, bo += bs) {
                FloatVector v0 = FloatVector.fromArray(S, b, bo), v1 = FloatVector.fromArray(S, b, bo + L);
                FloatVector e0 = FloatVector.broadcast(S, a[a0 + d]);
                c00 = e0.fma(v0, c00); c01 = e0.fma(v1, c01);
                FloatVector e1 = FloatVector.broadcast(S, a[a1 + d]);
                c10 = e1.fma(v0, c10); c11 = e1.fma(v1, c11);
                FloatVector e2 = FloatVector.broadcast(S, a[a2 + d]);
                c20 = e2.fma(v0, c20); c21 = e2.fma(v1, c21);
                FloatVector e3 = FloatVector.broadcast(S, a[a3 + d]);
                c30 = e3.fma(v0, c30); c31 = e3.fma(v1, c31);
                FloatVector e4 = FloatVector.broadcast(S, a[a4 + d]);
                c40 = e4.fma(v0, c40); c41 = e4.fma(v1, c41);
                FloatVector e5 = FloatVector.broadcast(S, a[a5 + d]);
                c50 = e5.fma(v0, c50); c51 = e5.fma(v1, c51);
            }
        }
        c00.intoArray(c, c0); c01.intoArray(c, c0 + L);
        if (rows > 1) { c10.intoArray(c, c0 + cs); c11.intoArray(c, c0 + cs + L); }
        if (rows > 2) { c20.intoArray(c, c0 + 2 * cs); c21.intoArray(c, c0 + 2 * cs + L); }
        if (rows > 3) { c30.intoArray(c, c0 + 3 * cs); c31.intoArray(c, c0 + 3 * cs + L); }
        if (rows > 4) { c40.intoArray(c, c0 + 4 * cs); c41.intoArray(c, c0 + 4 * cs + L); }
        if (rows > 5) { c50.intoArray(c, c0 + 5 * cs); c51.intoArray(c, c0 + 5 * cs + L); }
    }

    private static void tile8x1(float[] a, int a0, int ai, int as, int rows, float[] b, int b0, int bs,
                                float[] cl, int cl0, int cls, float[] c, int c0, int cs, int kc) {
        int a1 = a0 + Math.min(1, rows - 1) * ai, a2 = a0 + Math.min(2, rows - 1) * ai, a3 = a0 + Math.min(3, rows - 1) * ai, a4 = a0 + Math.min(4, rows - 1) * ai, a5 = a0 + Math.min(5, rows - 1) * ai, a6 = a0 + Math.min(6, rows - 1) * ai, a7 = a0 + Math.min(7, rows - 1) * ai;
        int y1 = cl0 + Math.min(1, rows - 1) * cls, y2 = cl0 + Math.min(2, rows - 1) * cls, y3 = cl0 + Math.min(3, rows - 1) * cls, y4 = cl0 + Math.min(4, rows - 1) * cls, y5 = cl0 + Math.min(5, rows - 1) * cls, y6 = cl0 + Math.min(6, rows - 1) * cls, y7 = cl0 + Math.min(7, rows - 1) * cls;
        FloatVector c00 = FloatVector.fromArray(S, cl, cl0);
        FloatVector c10 = FloatVector.fromArray(S, cl, y1);
        FloatVector c20 = FloatVector.fromArray(S, cl, y2);
        FloatVector c30 = FloatVector.fromArray(S, cl, y3);
        FloatVector c40 = FloatVector.fromArray(S, cl, y4);
        FloatVector c50 = FloatVector.fromArray(S, cl, y5);
        FloatVector c60 = FloatVector.fromArray(S, cl, y6);
        FloatVector c70 = FloatVector.fromArray(S, cl, y7);
        if (as == 1 && bs == L) { // packed operands: every index p + a constant, so C2 hoists the bounds checks
            for (int p = 0, bo = b0; p < kc; p++, bo += L) {
                FloatVector v0 = FloatVector.fromArray(S, b, bo);
                FloatVector e0 = FloatVector.broadcast(S, a[a0 + p]);
                c00 = e0.fma(v0, c00);
                FloatVector e1 = FloatVector.broadcast(S, a[a1 + p]);
                c10 = e1.fma(v0, c10);
                FloatVector e2 = FloatVector.broadcast(S, a[a2 + p]);
                c20 = e2.fma(v0, c20);
                FloatVector e3 = FloatVector.broadcast(S, a[a3 + p]);
                c30 = e3.fma(v0, c30);
                FloatVector e4 = FloatVector.broadcast(S, a[a4 + p]);
                c40 = e4.fma(v0, c40);
                FloatVector e5 = FloatVector.broadcast(S, a[a5 + p]);
                c50 = e5.fma(v0, c50);
                FloatVector e6 = FloatVector.broadcast(S, a[a6 + p]);
                c60 = e6.fma(v0, c60);
                FloatVector e7 = FloatVector.broadcast(S, a[a7 + p]);
                c70 = e7.fma(v0, c70);
            }
        } else {
            for (int p = 0, d = 0, bo = b0; p < kc; p++, d += as, bo += bs) {
                FloatVector v0 = FloatVector.fromArray(S, b, bo);
                FloatVector e0 = FloatVector.broadcast(S, a[a0 + d]);
                c00 = e0.fma(v0, c00);
                FloatVector e1 = FloatVector.broadcast(S, a[a1 + d]);
                c10 = e1.fma(v0, c10);
                FloatVector e2 = FloatVector.broadcast(S, a[a2 + d]);
                c20 = e2.fma(v0, c20);
                FloatVector e3 = FloatVector.broadcast(S, a[a3 + d]);
                c30 = e3.fma(v0, c30);
                FloatVector e4 = FloatVector.broadcast(S, a[a4 + d]);
                c40 = e4.fma(v0, c40);
                FloatVector e5 = FloatVector.broadcast(S, a[a5 + d]);
                c50 = e5.fma(v0, c50);
                FloatVector e6 = FloatVector.broadcast(S, a[a6 + d]);
                c60 = e6.fma(v0, c60);
                FloatVector e7 = FloatVector.broadcast(S, a[a7 + d]);
                c70 = e7.fma(v0, c70);
            }
        }
        c00.intoArray(c, c0);
        if (rows > 1) { c10.intoArray(c, c0 + cs); }
        if (rows > 2) { c20.intoArray(c, c0 + 2 * cs); }
        if (rows > 3) { c30.intoArray(c, c0 + 3 * cs); }
        if (rows > 4) { c40.intoArray(c, c0 + 4 * cs); }
        if (rows > 5) { c50.intoArray(c, c0 + 5 * cs); }
        if (rows > 6) { c60.intoArray(c, c0 + 6 * cs); }
        if (rows > 7) { c70.intoArray(c, c0 + 7 * cs); }
    }
}
