package dev.gradc.runtime.internal;

import java.util.concurrent.locks.LockSupport;

/**
 * A small fixed pool that splits one large matrix product, or one of a trainer's large loops
 * ({@link Task}), into shares: the calling thread takes the first and {@code threads - 1}
 * persistent helper threads the others. Nothing is allocated
 * per product: the job lives in this object's fields, published by a volatile generation counter;
 * helpers spin briefly for the next job, then park. Products under {@link #PARALLEL_MACS}
 * multiply-adds run on the caller alone, where waking a helper would cost more than it saves, and
 * so do single-column products, which the float kernels compute transposed as one row (a row
 * split would round differently; any other split gives the same bits as none).
 */
public final class Workers implements AutoCloseable {
    /** Below this many multiply-adds (about 20 µs of work) a product is not split. */
    public static final long PARALLEL_MACS = 1L << 20;
    private static final int SPINS = 20_000;

    private final Thread[] helpers;
    private volatile int generation;
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicInteger finished = new java.util.concurrent.atomic.AtomicInteger();

    // The current job, written before the generation is bumped.
    private float[] fc, fa, fb;
    private double[] dc, da, db;
    private int co, ao, bo, m, n, k;
    private boolean ta, tb, byColumns;

    /** Work a pool can split: part {@code part} of {@code parts} of job {@code id} (a generated trainer's large loops). */
    public interface Task {
        void runPart(int id, int part, int parts);
    }

    private Task task;
    private int taskId;

    public Workers(int threads) {
        if (threads < 2) throw new IllegalArgumentException("a pool needs at least 2 threads, got " + threads);
        helpers = new Thread[threads - 1];
        for (int i = 0; i < helpers.length; i++) {
            int share = i + 1;
            helpers[i] = new Thread(() -> work(share), "gradc-worker-" + share);
            helpers[i].setDaemon(true);
            helpers[i].start();
        }
    }

    public int threads() {
        return helpers.length + 1;
    }

    /** {@link MatMul#multiply(float[], int, float[], int, boolean, float[], int, boolean, int, int, int, int, int)} over all rows, split when {@code workers} is given and the product is large. */
    /** Runs job {@code id} of {@code task}: whole on the caller without a pool, else one part per thread. */
    public static void run(Workers workers, Task task, int id) {
        if (workers == null) {
            task.runPart(id, 0, 1);
            return;
        }
        workers.task = task;
        workers.taskId = id;
        workers.run(0, 0, false, 0, false, 0, 0, 0);
    }

    public static void multiply(Workers workers, float[] c, int co, float[] a, int ao, boolean ta, float[] b, int bo, boolean tb,
                                int m, int n, int k) {
        if (workers == null || (long) m * n * k < PARALLEL_MACS || m < 8 || n == 1) {
            MatMul.multiply(c, co, a, ao, ta, b, bo, tb, m, n, k, 0, m);
            return;
        }
        workers.fc = c; workers.fa = a; workers.fb = b; workers.dc = null; workers.task = null;
        workers.byColumns = MatMul.splitsByColumns(m, n, k);
        workers.run(co, ao, ta, bo, tb, m, n, k);
    }

    public static void multiply(Workers workers, double[] c, int co, double[] a, int ao, boolean ta, double[] b, int bo, boolean tb,
                                int m, int n, int k) {
        if (workers == null || (long) m * n * k < PARALLEL_MACS || m < 8) {
            MatMul.multiply(c, co, a, ao, ta, b, bo, tb, m, n, k, 0, m);
            return;
        }
        workers.dc = c; workers.da = a; workers.db = b; workers.fc = null; workers.task = null;
        workers.byColumns = false;
        workers.run(co, ao, ta, bo, tb, m, n, k);
    }

    private void run(int co, int ao, boolean ta, int bo, boolean tb, int m, int n, int k) {
        this.co = co; this.ao = ao; this.ta = ta; this.bo = bo; this.tb = tb; this.m = m; this.n = n; this.k = k;
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
        fa = fb = fc = null;
        da = db = dc = null;
        task = null;
    }

    /**
     * Share {@code s} of the product: a band of columns on the packed path (so each thread packs
     * only its part of B), else a band of rows; bands start at multiples of 16. Every element is
     * computed the same way whichever band it falls in, so the split never changes a result.
     */
    private void share(int s) {
        int parts = threads();
        if (task != null) {
            task.runPart(taskId, s, parts);
            return;
        }
        int extent = byColumns ? n : m;
        int start = boundary(s, parts, extent), end = boundary(s + 1, parts, extent);
        if (start >= end) return;
        if (byColumns) MatMul.multiplyColumns(fc, co, fa, ao, ta, fb, bo, tb, m, n, k, start, end);
        else if (fc != null) MatMul.multiply(fc, co, fa, ao, ta, fb, bo, tb, m, n, k, start, end);
        else MatMul.multiply(dc, co, da, ao, ta, db, bo, tb, m, n, k, start, end);
    }

    private static int boundary(int s, int parts, int extent) {
        if (s == parts) return extent;
        return (int) ((long) extent * s / parts) & ~15;
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
