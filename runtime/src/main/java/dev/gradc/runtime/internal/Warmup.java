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
    /** After this long in its rounds, a job that still allocates is left on its scalar path. */
    private static final long GIVE_UP_NANOS = 120_000_000_000L;

    /** Work to warm up: one round runs every loop of every vector kernel; {@link #ready} switches to them. */
    public interface Job {
        /** One round: every loop of every vector kernel run at least once. */
        void round();

        /** Called once the kernels are compiled: switch to them. */
        void ready();
    }

    /**
     * Queues {@code job} for the warm-up thread, which serves the newest job first: after each round it
     * turns to a job queued since, and comes back to the others when the newer ones are done. One
     * thread for all, so that models compiled one after another (a test suite, a sweep, an application
     * reloading its model) do not each run a thread of boxed rounds beside the trainer that is in use,
     * keeping the JIT's queue long for all of them. The thread holds a job weakly: a job whose class is
     * no longer used (it is reachable from that class alone) is dropped once collected.
     *
     * @param job the kernels' warm-up
     */
    public static void start(Job job) {
        OWN_JOB.get(job.getClass())[0] = job; // the class holds its job, and only the class does
        synchronized (PENDING) {
            PENDING.addLast(new Pending(job));
            if (server == null) {
                server = new Thread(Warmup::serve, "gradc-vector-warmup");
                server.setDaemon(true);
                server.setPriority(Thread.MIN_PRIORITY);
                server.start();
            }
        }
    }

    /** Each job's holder in its own class (a class value does not keep the class from being unloaded). */
    private static final ClassValue<Job[]> OWN_JOB = new ClassValue<>() {
        @Override
        protected Job[] computeValue(Class<?> type) {
            return new Job[1];
        }
    };

    /** A queued job and how far it got: quiet rounds in a row, rounds and time spent. */
    private static final class Pending {
        final java.lang.ref.WeakReference<Job> job;
        int quiet;
        long rounds, nanos;

        Pending(Job job) {
            this.job = new java.lang.ref.WeakReference<>(job);
        }
    }

    /** Jobs not yet ready nor given up, newest last; the lock for {@link #server} too. */
    private static final java.util.ArrayDeque<Pending> PENDING = new java.util.ArrayDeque<>();
    /** The thread serving {@link #PENDING}, null while there is none. */
    private static Thread server;

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

    private static void serve() {
        com.sun.management.ThreadMXBean threads;
        try {
            threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            if (!threads.isThreadAllocatedMemorySupported()) threads = null;
        } catch (Throwable e) { // no jdk.management: warm up for a fixed number of rounds
            threads = null;
        }
        while (true) {
            Pending p;
            synchronized (PENDING) {
                p = PENDING.peekLast();
                if (p == null) {
                    server = null;
                    return;
                }
            }
            boolean done;
            try {
                done = round(p, threads);
            } catch (Throwable e) { // that job's kernels stay on the scalar path; the others' warm-ups go on
                done = true;
            }
            if (done) {
                synchronized (PENDING) {
                    PENDING.remove(p);
                }
            }
        }
    }

    /** Runs one round of {@code p}'s job; true once the job is ready, given up or gone. */
    private static boolean round(Pending p, com.sun.management.ThreadMXBean threads) {
        Job job = p.job.get();
        if (job == null) return true;
        long start = System.nanoTime();
        long before = threads == null ? 0 : threads.getCurrentThreadAllocatedBytes();
        job.round();
        long allocated = threads == null ? (p.rounds < 50_000 ? 1 : 0) : threads.getCurrentThreadAllocatedBytes() - before;
        p.rounds++;
        p.nanos += System.nanoTime() - start;
        p.quiet = allocated == 0 ? p.quiet + 1 : 0;
        if (p.quiet >= QUIET_ROUNDS) {
            job.ready();
            return true;
        }
        return p.nanos >= GIVE_UP_NANOS;
    }
}
