package dev.gradc.runtime.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The kernels generated code calls ({@link #multiply}, {@link #multiplyBias}, {@link #columnSums},
 * {@link #run}), and a small fixed pool that splits one of them into shares: the calling thread takes
 * the first and {@code threads - 1} persistent helper threads the others. Every entry point takes the
 * pool as its first argument; null runs the work on the caller alone.
 *
 * <p>Nothing is allocated per call: the job lives in this object's fields, published by a volatile
 * generation counter; helpers spin briefly for the next job, then park. Products under
 * {@link #PARALLEL_MACS} multiply-adds run on the caller alone, where waking a helper would cost more
 * than it saves. A product is split into bands of columns (each thread then packs only its part of B)
 * or, when it has too few columns, of rows; bands start at multiples of the kernels' tile. Every
 * element is computed the same way whichever band it falls in ({@link MatMul}), so a split never
 * changes a bit of the result.
 */
public final class Workers implements AutoCloseable {
    /** Below this many multiply-adds (about 20 µs of work) a product is not split. */
    public static final long PARALLEL_MACS = 1L << 20;
    /** Below this many elements a column sum is not split. */
    public static final long PARALLEL_ELEMENTS = 1L << 16;
    private static final int SPINS = 20_000;

    private static final int TASK = 0, FLOAT_PRODUCT = 1, DOUBLE_PRODUCT = 2, FLOAT_SUMS = 3, DOUBLE_SUMS = 4;

    private final Thread[] helpers;
    private volatile int generation;
    private volatile boolean closed;
    private final AtomicInteger finished = new AtomicInteger();

    // The current job, written before the generation is bumped.
    private int kind;
    private Object c, a, b, q; // float[] or double[], as the kind says
    private int co, ao, bo, qo, m, n, k;
    private boolean ta, tb, relu, byColumns;
    private Task task;
    private int taskId;

    static {
        LockSupport.unpark(null); // looks LockSupport up now, not in a trainer's first pooled step (see MatMul)
    }

    /** Work a pool can split: part {@code part} of {@code parts} of job {@code id} (a generated trainer's large loops). */
    public interface Task {
        /**
         * Runs one part of a job.
         *
         * @param id the job
         * @param part this thread's part, from 0
         * @param parts how many parts the job is split into
         */
        void runPart(int id, int part, int parts);
    }

    /**
     * A pool of {@code threads - 1} daemon helper threads; the caller is the last thread.
     *
     * @param threads the caller and its helpers, at least 2
     * @throws IllegalArgumentException if fewer
     */
    public Workers(int threads) {
        if (threads < 2) throw KernelText.poolSize(threads);
        helpers = new Thread[threads - 1];
        for (int i = 0; i < helpers.length; i++) {
            int share = i + 1;
            helpers[i] = new Thread(() -> work(share), KernelText.workerName(share));
            helpers[i].setDaemon(true);
            helpers[i].start();
        }
    }

    /**
     * How many threads share a job.
     *
     * @return the caller and the helpers
     */
    public int threads() {
        return helpers.length + 1;
    }

    /**
     * Initializes the kernels ahead of the first product; on the Vector API path this starts compiling
     * them on a background thread (until they are compiled, products take the plain path, with the same
     * results). A trainer calls it when constructed, so that its first step neither initializes classes
     * nor allocates. Returns whether the Vector API kernels are in use yet.
     *
     * @return whether the Vector API kernels are in use yet
     */
    public static boolean prepare() {
        return MatMul.vectorReady();
    }

    /**
     * Runs job {@code id} of {@code task}: whole on the caller without a pool, else one part per thread.
     *
     * @param workers the pool, or null
     * @param task the work
     * @param id the job to run
     */
    public static void run(Workers workers, Task task, int id) {
        if (workers == null) {
            task.runPart(id, 0, 1);
            return;
        }
        workers.task = task;
        workers.taskId = id;
        workers.submit(TASK);
    }

    /**
     * {@code C = op(A)·op(B)}, C overwritten: C is m x n at {@code co}; {@code op(A)} is m x k, A stored
     * m x k at {@code ao} or, when {@code ta}, k x m; {@code op(B)} is k x n, B stored k x n at {@code bo}
     * or, when {@code tb}, n x k. All row-major. Each element is {@code fma} over k in ascending order
     * from +0 ({@link MatMul}).
     *
     * @param workers the pool, or null to run on the caller
     * @param c the product
     * @param co its offset
     * @param a A
     * @param ao its offset
     * @param ta whether A is stored transposed
     * @param b B
     * @param bo its offset
     * @param tb whether B is stored transposed
     * @param m rows of C
     * @param n columns of C
     * @param k the inner dimension
     */
    public static void multiply(Workers workers, float[] c, int co, float[] a, int ao, boolean ta, float[] b, int bo, boolean tb,
                                int m, int n, int k) {
        multiplyBias(workers, c, co, a, ao, ta, b, bo, tb, m, n, k, null, 0, false);
    }

    /**
     * The double twin of {@link #multiply(Workers, float[], int, float[], int, boolean, float[], int, boolean, int, int, int)}, multiply and add rounded separately.
     *
     * @param workers the pool, or null to run on the caller
     * @param c the product
     * @param co its offset
     * @param a A
     * @param ao its offset
     * @param ta whether A is stored transposed
     * @param b B
     * @param bo its offset
     * @param tb whether B is stored transposed
     * @param m rows of C
     * @param n columns of C
     * @param k the inner dimension
     */
    public static void multiply(Workers workers, double[] c, int co, double[] a, int ao, boolean ta, double[] b, int bo, boolean tb,
                                int m, int n, int k) {
        multiplyBias(workers, c, co, a, ao, ta, b, bo, tb, m, n, k, null, 0, false);
    }

    /**
     * A forward layer in one pass: {@code C[i][j] = act(sum_p op(A)[i][p]·op(B)[p][j] + bias[qo + j])},
     * arguments as in {@link #multiply(Workers, float[], int, float[], int, boolean, float[], int, boolean, int, int, int)}
     * followed by the bias (a row of n values at {@code qo}, added to every row; null for none) and
     * {@code relu} ({@code act(x) = Math.max(0f, x)}; false for the identity). The bias and ReLU are
     * applied to each output tile in registers before it is stored, and the result is bit for bit
     * that of {@code multiply}, then {@code c += bias[j]} (one float add), then {@code c = Math.max(0f, c)}.
     *
     * @param workers the pool, or null to run on the caller
     * @param c the product
     * @param co its offset
     * @param a A
     * @param ao its offset
     * @param ta whether A is stored transposed
     * @param b B
     * @param bo its offset
     * @param tb whether B is stored transposed
     * @param m rows of C
     * @param n columns of C
     * @param k the inner dimension
     * @param bias the bias row, or null
     * @param qo its offset
     * @param relu whether ReLU follows
     */
    public static void multiplyBias(Workers workers, float[] c, int co, float[] a, int ao, boolean ta, float[] b, int bo, boolean tb,
                                    int m, int n, int k, float[] bias, int qo, boolean relu) {
        if (workers == null || !workers.splits(m, n, k, true)) MatMul.multiply(c, co, a, ao, ta, b, bo, tb, m, n, k, bias, qo, relu, 0, m, 0, n);
        else workers.product(FLOAT_PRODUCT, c, co, a, ao, ta, b, bo, tb, m, n, k, bias, qo, relu);
    }

    /**
     * The double twin of {@link #multiplyBias(Workers, float[], int, float[], int, boolean, float[], int, boolean, int, int, int, float[], int, boolean)}.
     *
     * @param workers the pool, or null to run on the caller
     * @param c the product
     * @param co its offset
     * @param a A
     * @param ao its offset
     * @param ta whether A is stored transposed
     * @param b B
     * @param bo its offset
     * @param tb whether B is stored transposed
     * @param m rows of C
     * @param n columns of C
     * @param k the inner dimension
     * @param bias the bias row, or null
     * @param qo its offset
     * @param relu whether ReLU follows
     */
    public static void multiplyBias(Workers workers, double[] c, int co, double[] a, int ao, boolean ta, double[] b, int bo, boolean tb,
                                    int m, int n, int k, double[] bias, int qo, boolean relu) {
        if (workers == null || !workers.splits(m, n, k, false)) MatMul.multiply(c, co, a, ao, ta, b, bo, tb, m, n, k, bias, qo, relu, 0, m, 0, n);
        else workers.product(DOUBLE_PRODUCT, c, co, a, ao, ta, b, bo, tb, m, n, k, bias, qo, relu);
    }

    /**
     * A bias gradient: {@code out[oo + j] = sum_i g[go + i*n + j]} for j in {@code [0, n)}, out
     * overwritten; g is m x n, row-major. Each column sums its rows in ascending order from +0 (float
     * adds), whatever the vector width or split.
     *
     * @param workers the pool, or null to run on the caller
     * @param out the sums
     * @param oo their offset
     * @param g the gradient, m x n
     * @param go its offset
     * @param m rows
     * @param n columns
     */
    public static void columnSums(Workers workers, float[] out, int oo, float[] g, int go, int m, int n) {
        if (workers == null || !workers.splitsSums(m, n)) MatMul.columnSums(out, oo, g, go, m, n, 0, n);
        else workers.product(FLOAT_SUMS, out, oo, g, go, false, null, 0, false, m, n, 0, null, 0, false);
    }

    /**
     * The double twin of {@link #columnSums(Workers, float[], int, float[], int, int, int)}.
     *
     * @param workers the pool, or null to run on the caller
     * @param out the sums
     * @param oo their offset
     * @param g the gradient, m x n
     * @param go its offset
     * @param m rows
     * @param n columns
     */
    public static void columnSums(Workers workers, double[] out, int oo, double[] g, int go, int m, int n) {
        if (workers == null || !workers.splitsSums(m, n)) MatMul.columnSums(out, oo, g, go, m, n, 0, n);
        else workers.product(DOUBLE_SUMS, out, oo, g, go, false, null, 0, false, m, n, 0, null, 0, false);
    }

    /** Whether a product is worth splitting and can be: every share gets at least one tile of columns or rows. */
    private boolean splits(int m, int n, int k, boolean isFloat) {
        if ((long) m * n * k < PARALLEL_MACS) return false;
        int cols = isFloat ? MatMul.columnAlignment() : 1, rows = isFloat ? MatMul.rowAlignment() : 1;
        byColumns = n >= threads() * cols;
        return byColumns || m >= threads() * rows;
    }

    private boolean splitsSums(int m, int n) {
        byColumns = true;
        return (long) m * n >= PARALLEL_ELEMENTS && n >= threads() * MatMul.columnAlignment();
    }

    /** Publishes a product or column sum (arrays of the kind's type) and runs it. */
    private void product(int kind, Object c, int co, Object a, int ao, boolean ta, Object b, int bo, boolean tb, int m, int n, int k,
                         Object bias, int qo, boolean relu) {
        this.c = c; this.a = a; this.b = b; this.q = bias;
        this.co = co; this.ao = ao; this.ta = ta; this.bo = bo; this.tb = tb; this.qo = qo; this.relu = relu;
        this.m = m; this.n = n; this.k = k;
        submit(kind);
    }

    private void submit(int kind) {
        this.kind = kind;
        finished.set(0);
        generation++; // publishes the job (a volatile write after the plain ones)
        for (Thread h : helpers) LockSupport.unpark(h);
        share(0);
        int spins = 0;
        while (finished.get() < helpers.length) {
            if (++spins < SPINS) Thread.onSpinWait();
            else Thread.yield();
        }
        // Hold no arrays or trainer between jobs: a pool must not keep a dropped trainer alive.
        c = a = b = q = null;
        task = null;
    }

    /** Share {@code s} of the current job: a band of columns or rows (see the class comment). */
    private void share(int s) {
        int parts = threads();
        if (kind == TASK) {
            task.runPart(taskId, s, parts);
            return;
        }
        boolean isFloat = kind == FLOAT_PRODUCT || kind == FLOAT_SUMS;
        int align = byColumns ? (isFloat ? MatMul.columnAlignment() : 1) : (isFloat ? MatMul.rowAlignment() : 1);
        int extent = byColumns ? n : m;
        int start = boundary(s, parts, extent, align), end = boundary(s + 1, parts, extent, align);
        if (start >= end) return;
        int r0 = byColumns ? 0 : start, r1 = byColumns ? m : end, c0 = byColumns ? start : 0, c1 = byColumns ? end : n;
        switch (kind) {
            case FLOAT_PRODUCT -> MatMul.multiply((float[]) c, co, (float[]) a, ao, ta, (float[]) b, bo, tb, m, n, k, (float[]) q, qo, relu,
                    r0, r1, c0, c1);
            case DOUBLE_PRODUCT -> MatMul.multiply((double[]) c, co, (double[]) a, ao, ta, (double[]) b, bo, tb, m, n, k, (double[]) q, qo, relu,
                    r0, r1, c0, c1);
            case FLOAT_SUMS -> MatMul.columnSums((float[]) c, co, (float[]) a, ao, m, n, c0, c1);
            default -> MatMul.columnSums((double[]) c, co, (double[]) a, ao, m, n, c0, c1);
        }
    }

    private static int boundary(int s, int parts, int extent, int align) {
        if (s == parts) return extent;
        return (int) ((long) extent * s / parts) / align * align;
    }

    private void work(int s) {
        int seen = 0;
        while (true) {
            int spins = 0;
            while (generation == seen && !closed) {
                if (++spins < SPINS) Thread.onSpinWait();
                else LockSupport.park(this);
            }
            if (closed) return;
            seen = generation;
            share(s);
            finished.incrementAndGet();
        }
    }

    /** Stops the helper threads; the pool must not be used afterwards. */
    @Override
    public void close() {
        closed = true;
        for (Thread h : helpers) LockSupport.unpark(h);
    }
}
