package dev.gradc.runtime.internal;

import java.lang.management.ManagementFactory;

/**
 * Compiles Vector API code before a trainer uses it. Until C2 has compiled a vector kernel, it runs
 * interpreted and boxes every vector (slow, and it allocates on the stepping thread), so a
 * generated class keeps to its scalar kernels, which give the same bits, while a daemon thread runs
 * the vector ones on scratch arrays; once rounds of them allocate nothing, the JIT has taken over
 * and the class switches ({@link Job#ready}).
 */
public final class Warmup {
    private Warmup() {}

    /** Rounds in a row that must allocate nothing. */
    private static final int QUIET_ROUNDS = 200;
    /** After this long, a job that still allocates is left on its scalar path. */
    private static final long GIVE_UP_NANOS = 120_000_000_000L;

    /** Work to warm up: one round runs every loop of every vector kernel; {@link #ready} switches to them. */
    public interface Job {
        /** One round: every loop of every vector kernel run at least once. */
        void round();

        /** Called once the kernels are compiled: switch to them. */
        void ready();
    }

    /**
     * Runs {@code job} on a daemon thread of its own.
     *
     * @param job the kernels' warm-up
     */
    public static void start(Job job) {
        Thread t = new Thread(() -> run(job), "gradc-vector-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /** Values that take every branch of a kernel's scalar code: signs, both zeros, ties and differences. */
    private static final float[] PATTERN = {0.5f, -1f, 0f, 2f, -0f, 1f, -0.25f};

    /**
     * A scratch array for the warm-up's calls to a kernel. Its values matter: a comparison or a
     * {@code max} that only ever went one way while the JIT profiled it is compiled as a trap, and
     * the trainer's first other outcome would send the kernel back to the interpreter. Each argument
     * repeats the pattern with a period of its own, so that two arguments are equal at some
     * positions and differ at others.
     *
     * @param length the array's length
     * @param argument which of the kernel's arguments it is
     * @return the filled array
     */
    public static float[] scratch(int length, int argument) {
        float[] a = new float[length];
        int period = 3 + argument % (PATTERN.length - 2);
        for (int i = 0; i < length; i++) a[i] = PATTERN[i % period];
        return a;
    }

    static void run(Job job) {
        com.sun.management.ThreadMXBean threads;
        try {
            threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            if (!threads.isThreadAllocatedMemorySupported()) threads = null;
        } catch (Throwable e) { // no jdk.management: warm up for a fixed number of rounds
            threads = null;
        }
        long deadline = System.nanoTime() + GIVE_UP_NANOS;
        int quiet = 0;
        for (int round = 0; System.nanoTime() < deadline; round++) {
            long before = threads == null ? 0 : threads.getCurrentThreadAllocatedBytes();
            job.round();
            long allocated = threads == null ? (round < 50_000 ? 1 : 0) : threads.getCurrentThreadAllocatedBytes() - before;
            quiet = allocated == 0 ? quiet + 1 : 0;
            if (quiet >= QUIET_ROUNDS) {
                job.ready();
                return;
            }
        }
    }
}
