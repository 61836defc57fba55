package dev.gradc.spark;

import java.util.Locale;

/**
 * The simulation of docs/distributed.md: time per epoch and speed-up of SparkTrainer with 4 to 64
 * single-core workers at 1, 10 and 25 Gbit/s, for the W2-like and W4-like models, from compute
 * measured on this machine by {@code bench.SparkThroughput} and a stated model of Spark's costs. What is
 * measured and what is assumed is named where each number is defined.
 */
public final class CostModel {
    private CostModel() {}

    /** An epoch: Fashion-MNIST's size. */
    static final double EXAMPLES = 60_000;
    /** The global batch of every simulated run, and the averaging period. */
    static final int GLOBAL_BATCH = 1024, H = 8;
    /** Assumed: Spark's fixed cost of a job, and per task launched (the driver launches tasks one by one). */
    static final double JOB_SECONDS = 0.030, PER_TASK_SECONDS = 0.0005;
    /** Assumed: a treeAggregate level is one more stage. */
    static final double STAGE_SECONDS = 0.015;
    /** Spark's torrent broadcast block (spark.broadcast.blockSize). */
    static final double BROADCAST_BLOCK = 4 << 20;
    /** Assumed: adding vectors at reducers and driver, seconds per double. */
    static final double ADD_SECONDS = 1e-9;

    /**
     * A model: parameters; optimizer state per parameter (Adam 2, plain SGD 0); measured one-thread step
     * time at two batch sizes (fit as a + c b); measured update() time.
     */
    record Model(String name, double params, int statesPerParam, int b1, double t1, int b2, double t2, double update) {
        double step(double batch) {
            double c = (t2 - t1) / (b2 - b1), a = t1 - c * b1;
            return a + c * batch;
        }
    }

    public static void main(String[] args) {
        // Measured by SparkThroughput on this machine (see docs/distributed.md for the run and its load).
        Model w2 = new Model("W2 (784-128-64-10, Adam)", 109_386, 2, 16, parse(args, 0, 0.00090), 128, parse(args, 1, 0.0046),
                parse(args, 2, 0.00040));
        Model w4 = new Model("W4 (1024-1024-1024-10, SGD)", 2_109_450, 0, 32, parse(args, 3, 0.0080), 256, parse(args, 4, 0.050),
                parse(args, 5, 0.0020));
        for (Model m : new Model[] {w2, w4}) {
            double single = EXAMPLES / GLOBAL_BATCH * m.step(GLOBAL_BATCH);
            System.out.printf(Locale.ROOT, "%n%s: one core, one JVM, global batch %d: %.2f s an epoch (modelled from the measured step)%n",
                    m.name, GLOBAL_BATCH, single);
            for (boolean sync : new boolean[] {true, false}) {
                System.out.printf(Locale.ROOT, "%s%n%-8s", sync ? "synchronous" : "averaging every " + H + " steps", "workers");
                for (double gbit : new double[] {1, 10, 25}) System.out.printf(Locale.ROOT, "  %6.0f Gbit/s: s/epoch speed-up", gbit);
                System.out.println();
                for (int w : new int[] {4, 8, 16, 32, 64}) {
                    System.out.printf(Locale.ROOT, "%-8d", w);
                    for (double gbit : new double[] {1, 10, 25}) {
                        double t = epoch(m, w, gbit * 1e9 / 8, sync);
                        System.out.printf(Locale.ROOT, "  %16.2f %8.2fx", t, single / t);
                    }
                    System.out.println();
                }
            }
            for (double gbit : new double[] {1, 10, 25}) {
                System.out.printf(Locale.ROOT, "  %2.0f Gbit/s: best synchronous %s; best averaging %s%n", gbit,
                        best(m, gbit * 1e9 / 8, true, single), best(m, gbit * 1e9 / 8, false, single));
            }
        }
    }

    /** Seconds an epoch on {@code w} workers with {@code bytesPerSecond} links. */
    static double epoch(Model m, int w, double bytesPerSecond, boolean sync) {
        double share = (double) GLOBAL_BATCH / w;
        // Out: parameters (float32), plus the optimizer state when averaging; back: float64 sums of as much.
        double values = sync ? m.params : m.params * (1 + m.statesPerParam);
        double out = 4 * values, back = 8 * values;
        double broadcast = out / bytesPerSecond + Math.log(w) / Math.log(2) * Math.min(out, BROADCAST_BLOCK) / bytesPerSecond;
        int groups = OrderedSum.groupsFor(w);
        boolean level = groups < w;
        int perReducer = (w + groups - 1) / groups;
        // treeAggregate: with a level, each reducer takes its group's vectors and the driver one per group; else the driver takes all.
        double aggregate = level ? (perReducer + groups) * back / bytesPerSecond + STAGE_SECONDS : w * back / bytesPerSecond;
        double adds = (level ? perReducer + groups : w) * values * ADD_SECONDS;
        double fixed = JOB_SECONDS + w * PER_TASK_SECONDS;
        double round = sync ? fixed + broadcast + m.step(share) + aggregate + adds + m.update
                : fixed + broadcast + H * m.step(share) + aggregate + adds;
        double rounds = sync ? EXAMPLES / GLOBAL_BATCH : EXAMPLES / GLOBAL_BATCH / H;
        return rounds * round;
    }

    /** The worker count (1 to 64) with the shortest epoch, and the smallest that beats one core. */
    static String best(Model m, double bytesPerSecond, boolean sync, double single) {
        int bestW = 1, firstFaster = -1;
        double bestT = Double.MAX_VALUE;
        for (int w = 2; w <= 64; w++) {
            double t = epoch(m, w, bytesPerSecond, sync);
            if (t < bestT) {
                bestT = t;
                bestW = w;
            }
            if (firstFaster < 0 && t < single) firstFaster = w;
        }
        return String.format(Locale.ROOT, "%d workers (%.2fx), faster than one core from %s", bestW, single / bestT,
                firstFaster < 0 ? "never" : firstFaster + " workers");
    }

    private static double parse(String[] args, int i, double fallback) {
        return args.length > i ? Double.parseDouble(args[i]) : fallback;
    }
}
