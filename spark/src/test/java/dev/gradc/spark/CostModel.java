package dev.gradc.spark;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The simulation of docs/distributed.md: time per epoch and speed-up of SparkTrainer with 4 to 64
 * single-core workers at 1, 10 and 25 Gbit/s, for W2 and W4, in both modes. Its inputs are the
 * figures {@code bench.SparkThroughput} measured on this machine (read from the properties files it
 * writes: one-thread step times (CPU time) at every worker share, update(), the fastest of 50 empty
 * Spark jobs on local[2]) and
 * the constants below, which are assumptions about a cluster and are named as such. Prints Markdown.
 *
 * <p>Arguments: the properties files, e.g. {@code target/spark-throughput-W2.properties target/spark-throughput-W4.properties}.
 */
public final class CostModel {
    private CostModel() {}

    /** An epoch: Fashion-MNIST's size. */
    static final double EXAMPLES = 60_000;
    /** The global batch of every simulated run, and the averaging period. */
    static final int GLOBAL_BATCH = 1024, H = 8;
    static final int[] WORKERS = {4, 8, 16, 32, 64};
    static final double[] GBITS = {1, 10, 25};
    /** Assumed: what the driver spends per task of a round on a cluster (serializing it, an RPC to launch it, its status back). */
    static final double PER_TASK_SECONDS = 0.0005;
    /** Assumed: the extra stage of treeAggregate's intermediate level (shuffle write, fetch, a second task wave). */
    static final double STAGE_SECONDS = 0.015;
    /** Spark's torrent broadcast block (spark.broadcast.blockSize, 4 MiB). */
    static final double BROADCAST_BLOCK = 4 << 20;
    /** Assumed: adding result vectors at the reducers and the driver, seconds per double added. */
    static final double ADD_SECONDS = 1e-9;

    /**
     * A model as measured: its parameters and optimizer state values (both float32, as the trainers
     * hold them), one-thread step times by batch, update() time, and local[2]'s empty job.
     */
    record Model(String name, double params, double optimizerValues, TreeMap<Integer, Double> stepSeconds, double update,
                 double emptyJob, Properties measured) {
        static Model read(Path file) throws IOException {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file)) {
                p.load(r);
            }
            TreeMap<Integer, Double> steps = new TreeMap<>();
            for (String k : p.stringPropertyNames()) {
                if (k.startsWith("step.ms.")) steps.put(Integer.parseInt(k.substring(8)), Double.parseDouble(p.getProperty(k)) / 1e3);
            }
            if (steps.size() < 2) throw new IllegalArgumentException(file + " holds no step.ms.<batch> figures: not SparkThroughput's output");
            return new Model(p.getProperty("model"), num(p, "params"), num(p, "optimizer.values"), steps, num(p, "update.ms") / 1e3,
                    num(p, "spark.empty_job.min.ms") / 1e3, p);
        }

        private static double num(Properties p, String key) {
            String v = p.getProperty(key);
            if (v == null) throw new IllegalArgumentException("missing " + key + " in SparkThroughput's figures");
            return Double.parseDouble(v);
        }

        /** One-thread seconds of a step at {@code batch}: measured there, else on the line through the two nearest measured batches. */
        double step(double batch) {
            Map.Entry<Integer, Double> lo = stepSeconds.floorEntry((int) Math.floor(batch)), hi = stepSeconds.ceilingEntry((int) Math.ceil(batch));
            if (lo != null && hi != null && lo.getKey().equals(hi.getKey())) return lo.getValue();
            if (lo == null) {
                lo = stepSeconds.firstEntry();
                hi = stepSeconds.higherEntry(lo.getKey());
            } else if (hi == null) {
                hi = stepSeconds.lastEntry();
                lo = stepSeconds.lowerEntry(hi.getKey());
            }
            double c = (hi.getValue() - lo.getValue()) / (hi.getKey() - lo.getKey());
            return lo.getValue() + c * (batch - lo.getKey());
        }
    }

    /** Where a round's time goes on {@code w} workers with {@code bytesPerSecond} links; seconds. */
    record Round(double fixed, double broadcast, double compute, double aggregate, double driver) {
        double total() {
            return fixed + broadcast + compute + aggregate + driver;
        }
    }

    /** Values sent out (float32) and back (float64 sums) per worker per round: the parameters, and the optimizer state when averaging. */
    static double values(Model m, boolean sync) {
        return sync ? m.params : m.params + m.optimizerValues;
    }

    static Round round(Model m, int w, double bytesPerSecond, boolean sync) {
        double share = (double) GLOBAL_BATCH / w;
        double values = values(m, sync);
        double out = 4 * values, back = 8 * values;
        // Torrent broadcast: the driver sends every block once, then each block spreads in about log2(w) hops between executors.
        double broadcast = out / bytesPerSecond + Math.log(w) / Math.log(2) * Math.min(out, BROADCAST_BLOCK) / bytesPerSecond;
        int groups = OrderedSum.groupsFor(w);
        boolean level = groups < w;
        int perReducer = (w + groups - 1) / groups;
        // treeAggregate: with a level, each reducer takes its group's vectors, then the driver one per group; else the driver takes all.
        double aggregate = level ? (perReducer + groups) * back / bytesPerSecond + STAGE_SECONDS : w * back / bytesPerSecond;
        double adds = (level ? perReducer + groups : w) * values * ADD_SECONDS;
        double fixed = m.emptyJob + w * PER_TASK_SECONDS;
        double compute = sync ? m.step(share) : H * m.step(share);
        return new Round(fixed, broadcast, compute, aggregate, adds + (sync ? m.update : 0));
    }

    static double rounds(boolean sync) {
        double steps = Math.ceil(EXAMPLES / GLOBAL_BATCH);
        return sync ? steps : Math.ceil(steps / H);
    }

    /** Seconds an epoch. */
    static double epoch(Model m, int w, double bytesPerSecond, boolean sync) {
        return rounds(sync) * round(m, w, bytesPerSecond, sync).total();
    }

    /** One JVM on one core, global batch 1024: the measured step at 1024 times the epoch's steps. */
    static double single(Model m) {
        return Math.ceil(EXAMPLES / GLOBAL_BATCH) * m.step(GLOBAL_BATCH);
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) throw new IllegalArgumentException("give SparkThroughput's properties files (target/spark-throughput-W2.properties ...)");
        for (String a : args) print(Model.read(Path.of(a)));
    }

    static void print(Model m) {
        Properties p = m.measured;
        double single = single(m);
        System.out.printf(Locale.ROOT, "%n### %s%n%n", m.name);
        System.out.printf(Locale.ROOT, "Measured on %s (%s processors, load average %s at the start, %s at the end): "
                        + "%.0f parameters, %.0f optimizer values; one thread, step at batch 16: %.3f ms CPU, at 1024: %.2f ms CPU; update(): %.3f ms; "
                        + "local[2] empty job: %.2f ms at best (the model's J), median %s ms.%n%n", p.getProperty("cpu"), p.getProperty("processors"),
                p.getProperty("load.start"), p.getProperty("load.end"), m.params, m.optimizerValues, 1e3 * m.step(16), 1e3 * m.step(1024),
                1e3 * m.update, 1e3 * m.emptyJob, p.getProperty("spark.empty_job.ms"));
        System.out.printf(Locale.ROOT, "One JVM on one core, global batch %d: %.2f s an epoch (%.0f steps of the measured %.1f ms).%n%n",
                GLOBAL_BATCH, single, Math.ceil(EXAMPLES / GLOBAL_BATCH), 1e3 * m.step(GLOBAL_BATCH));
        for (boolean sync : new boolean[] {true, false}) {
            Round r10 = round(m, 16, 10e9 / 8, sync);
            System.out.printf(Locale.ROOT, "%s: %.0f rounds an epoch, %.2f MB out and %.2f MB back per worker per round; "
                            + "at 16 workers on 10 Gbit/s a round is %.1f ms fixed, %.1f ms broadcast, %.1f ms compute, %.1f ms aggregate, %.1f ms driver.%n%n",
                    sync ? "Synchronous" : "Averaging every " + H + " steps", rounds(sync), 4 * values(m, sync) / 1e6, 8 * values(m, sync) / 1e6,
                    1e3 * r10.fixed, 1e3 * r10.broadcast, 1e3 * r10.compute, 1e3 * r10.aggregate, 1e3 * r10.driver);
            StringBuilder head = new StringBuilder("| workers |"), rule = new StringBuilder("|---:|");
            for (double g : GBITS) {
                head.append(String.format(Locale.ROOT, " %.0f Gbit/s: s/epoch | speed-up |", g));
                rule.append("---:|---:|");
            }
            System.out.println(head);
            System.out.println(rule);
            for (int w : WORKERS) {
                StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "| %d |", w));
                for (double g : GBITS) {
                    double t = epoch(m, w, g * 1e9 / 8, sync);
                    row.append(String.format(Locale.ROOT, " %.2f | %.2fx |", t, single / t));
                }
                System.out.println(row);
            }
            System.out.println();
        }
        for (double g : GBITS) {
            System.out.printf(Locale.ROOT, "- %.0f Gbit/s: synchronous %s; averaging %s.%n", g, best(m, g * 1e9 / 8, true, single),
                    best(m, g * 1e9 / 8, false, single));
        }
        System.out.printf(Locale.ROOT, "%nThe fixed cost J decides most of this; with other values of J (assumed), at 10 Gbit/s:%n%n");
        for (double j : new double[] {m.emptyJob, 0.020, 0.005}) {
            Model other = new Model(m.name, m.params, m.optimizerValues, m.stepSeconds, m.update, j, m.measured);
            System.out.printf(Locale.ROOT, "- J = %.1f ms%s: synchronous %s; averaging %s.%n", 1e3 * j, j == m.emptyJob ? " (measured)" : "",
                    best(other, 10e9 / 8, true, single), best(other, 10e9 / 8, false, single));
        }
        System.out.printf(Locale.ROOT, "%nCheck against local[2] (2 workers, links taken as free): modelled synchronous round at global batch %s "
                        + "%.2f ms (measured %s ms), averaging round %.2f ms (measured %s ms).%n",
                p.getProperty("batch"), 1e3 * localRound(m, true), p.getProperty("spark.sync.round.ms"),
                1e3 * localRound(m, false), p.getProperty("spark.averaging.round.ms"));
    }

    /** The model's round on this machine's local[2] at the throughput run's global batch, with free links and no per-task cost. */
    static double localRound(Model m, boolean sync) {
        double batch = Double.parseDouble(m.measured.getProperty("batch"));
        int h = Integer.parseInt(m.measured.getProperty("spark.averaging.steps_per_round", Integer.toString(H)));
        double compute = m.step(batch / 2) * (sync ? 1 : h);
        return m.emptyJob + compute + (sync ? m.update : 0) + 2 * values(m, sync) * ADD_SECONDS;
    }

    /** The worker count (2 to 64) with the shortest epoch, and the smallest that beats one core. */
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
        return String.format(Locale.ROOT, "fastest at %d workers (%.2fx one core), faster than one core from %s", bestW, single / bestT,
                firstFaster < 0 ? "no worker count up to 64" : firstFaster + " workers");
    }
}
