package dev.gradc.spark.bench;

import dev.gradc.compiler.Compilation;
import dev.gradc.compiler.Compiler;
import dev.gradc.dsl.Source;
import dev.gradc.runtime.TensorInfo;
import dev.gradc.runtime.Trainer;
import dev.gradc.spark.EpochStats;
import dev.gradc.spark.Mode;
import dev.gradc.spark.SparkData;
import dev.gradc.spark.SparkTrainer;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Throughput of the W2 and W4 benchmark models (bench/models): one JVM stepping a trainer on two
 * threads against SparkTrainer on {@code local[2]} (two partitions, one task per core) in both
 * modes at the same global batch, on synthetic data; Spark's fixed cost of a job; and the
 * one-thread step times at the per-worker batches the cost model ({@link dev.gradc.spark.CostModel})
 * simulates. Prints a report and writes the figures to a properties file for the cost model.
 * See docs/distributed.md for the command and the results.
 *
 * <p>Arguments: {@code W2|W4 [--rows N] [--every H] [--out FILE]}.
 */
public final class SparkThroughput {
    /** The one-thread batches measured: every worker's share of a global batch of 1024 on 4 to 64 workers, and 1024 itself. */
    static final int[] SHARES = {16, 32, 64, 128, 256, 512, 1024};

    private SparkThroughput() {}

    public static void main(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : "W2";
        if (!which.equals("W2") && !which.equals("W4")) throw new IllegalArgumentException("model W2 or W4, got " + which);
        boolean w4 = which.equals("W4");
        int batch = w4 ? 256 : 128, features = w4 ? 1024 : 784;
        int rows = w4 ? 256 * 24 : 128 * 160, h = 8;
        Path out = Path.of("target", "spark-throughput-" + which + ".properties");
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--rows" -> rows = Integer.parseInt(args[i + 1]);
                case "--every" -> h = Integer.parseInt(args[i + 1]);
                case "--out" -> out = Path.of(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; options: --rows N, --every H, --out FILE");
            }
        }
        Path model = Path.of("../bench/models", w4 ? "W4Wide.grad" : "W2MnistMlp.grad");
        Compilation c = Compiler.compile(Source.read(model), Compiler.Options.DEFAULT);
        Properties p = new Properties();
        Trainer probe = c.newTrainer(1, 1);
        p.setProperty("model", which + " (" + model.getFileName() + ")");
        p.setProperty("params", Long.toString(sizes(probe.params())));
        p.setProperty("optimizer.values", Long.toString(sizes(probe.states().stream().filter(s -> !s.name().endsWith(".gradSum")
                && !s.name().equals("accumulated.examples") && !s.name().contains(".running_")).toList())));
        p.setProperty("cpu", cpu());
        p.setProperty("processors", Integer.toString(Runtime.getRuntime().availableProcessors()));
        p.setProperty("kernels", probe.kernels());
        p.setProperty("load.start", load());
        p.setProperty("batch", Integer.toString(batch));
        p.setProperty("rows", Integer.toString(rows));
        System.out.printf(Locale.ROOT, "%s: batch %d, %d rows, %s parameters; %s, %s processors; %s; load average %s%n", p.getProperty("model"),
                batch, rows, p.getProperty("params"), p.getProperty("cpu"), p.getProperty("processors"), p.getProperty("kernels"),
                p.getProperty("load.start"));

        double[] two = singleJvm(c, batch, features, 2);
        p.setProperty("single.threads2.wall.min.ms", fmt(two[0]));
        p.setProperty("single.threads2.wall.median.ms", fmt(two[1]));
        System.out.printf(Locale.ROOT, "one JVM, setThreads(2), batch %d: wall %.3f ms a step at best (%.0f examples/s), median %.3f ms%n",
                batch, two[0], batch / two[0] * 1e3, two[1]);
        for (int b : SHARES) {
            double[] r = singleJvm(c, b, features, 1);
            p.setProperty("step.ms." + b, fmt(r[2]));
            p.setProperty("step.wall.min.ms." + b, fmt(r[0]));
            p.setProperty("step.wall.median.ms." + b, fmt(r[1]));
            System.out.printf(Locale.ROOT, "one JVM, setThreads(1), batch %d: CPU %.3f ms a step (%.0f examples/s); wall %.3f ms at best, median %.3f%n",
                    b, r[2], b / r[2] * 1e3, r[0], r[1]);
        }
        double update = updateMillis(c, features);
        p.setProperty("update.ms", fmt(update));
        System.out.printf(Locale.ROOT, "update() alone (the driver's optimizer step of a synchronous round): %.3f ms CPU%n", update);

        SparkSession spark = SparkSession.builder().master("local[2]").appName("gradc throughput")
                .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
                .config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        spark.sparkContext().setLogLevel("WARN");
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        double[] empty = emptyJob(jsc);
        p.setProperty("spark.empty_job.ms", fmt(empty[0]));
        p.setProperty("spark.empty_job.min.ms", fmt(empty[1]));
        System.out.printf(Locale.ROOT, "local[2], an empty job of two tasks: %.2f ms (median of 50; fastest %.2f ms)%n", empty[0], empty[1]);
        Dataset<Row> data = synthetic(spark, jsc, rows, features);
        for (Mode mode : List.of(Mode.SYNCHRONOUS, Mode.averaging(h))) {
            // Four epochs: the first warms up the JIT and caches the data; the fastest of the others is reported.
            SparkTrainer st = SparkTrainer.fromCompilation(c, batch, 1).globalBatch(batch).epochs(4).mode(mode);
            List<EpochStats> history = st.fit(data, null).history();
            EpochStats e = history.stream().skip(1).min(java.util.Comparator.comparingDouble(EpochStats::seconds)).orElseThrow();
            String key = "spark." + (mode instanceof Mode.Synchronous ? "sync" : "averaging");
            p.setProperty(key + ".examples_per_s", fmt(e.examplesPerSecond()));
            p.setProperty(key + ".round.ms", fmt(1e3 * e.seconds() / e.rounds()));
            p.setProperty(key + ".longest_tasks.ms", fmt(1e3 * e.criticalComputeSeconds() / e.rounds()));
            p.setProperty(key + ".overhead.ms", fmt(1e3 * e.overheadPerRound()));
            p.setProperty(key + ".steps_per_round", Integer.toString(mode.stepsPerRound()));
            System.out.printf(Locale.ROOT, "local[2] %s: %.0f examples/s, %.2f ms a round (%d rounds an epoch), longest task %.2f ms a round, "
                            + "the rest %.2f ms a round%n", mode, e.examplesPerSecond(), 1e3 * e.seconds() / e.rounds(), e.rounds(),
                    1e3 * e.criticalComputeSeconds() / e.rounds(), 1e3 * e.overheadPerRound());
        }
        spark.stop();
        p.setProperty("load.end", load());
        System.out.println("load average at the end " + p.getProperty("load.end"));
        if (out.getParent() != null) Files.createDirectories(out.getParent());
        try (Writer w = Files.newBufferedWriter(out)) {
            p.store(w, "SparkThroughput " + String.join(" ", args));
        }
        System.out.println("figures written to " + out);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.6g", v);
    }

    private static long sizes(List<TensorInfo> tensors) {
        return tensors.stream().mapToLong(t -> t.sizeAt(1)).sum();
    }

    private static String load() throws IOException {
        return Files.readString(Path.of("/proc/loadavg")).trim();
    }

    private static String cpu() throws IOException {
        return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 2)).findFirst().orElse("unknown CPU");
    }

    /** The CPU time of update() after accumulating one small micro-batch, in milliseconds: the mean of 400, after 400 of warm-up. */
    private static double updateMillis(Compilation c, int features) {
        Trainer t = c.newTrainer(4, 1);
        t.input(t.inputs().get(0).name()).copyFrom(new float[4 * features]);
        t.input(t.inputs().get(1).name()).copyFrom(new float[] {1, 2, 3, 4});
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long cpu = 0;
        for (int i = 0; i < 800; i++) {
            t.accumulate();
            long start = mx.getCurrentThreadCpuTime();
            t.update();
            if (i >= 400) cpu += mx.getCurrentThreadCpuTime() - start;
        }
        return cpu / 1e6 / 400;
    }

    /**
     * A step at {@code batch} on {@code threads} threads, in milliseconds: the fastest and the
     * median wall time of 21 windows of about 0.1 s each (after at least two seconds and 50 steps of
     * warm-up), and the thread's CPU time a step over all windows. On one thread the CPU time is the
     * step's cost whatever else the machine runs (time the thread waits preempted is not counted);
     * on two it covers the calling thread only and is not used.
     */
    private static double[] singleJvm(Compilation c, int batch, int features, int threads) {
        Trainer t = c.newTrainer(batch, 1);
        t.setThreads(threads);
        Random r = new Random(1);
        float[] x = new float[batch * features], y = new float[batch];
        for (int i = 0; i < x.length; i++) x[i] = r.nextFloat();
        for (int i = 0; i < batch; i++) y[i] = r.nextInt(10);
        t.input(t.inputs().get(0).name()).copyFrom(x);
        t.input(t.inputs().get(1).name()).copyFrom(y);
        long warmStart = System.nanoTime();
        int warm = 0;
        while (warm < 50 || System.nanoTime() - warmStart < 2_000_000_000L) {
            t.step();
            warm++;
        }
        int steps = Math.max(2, (int) (0.1e9 * warm / (System.nanoTime() - warmStart)));
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        double[] ms = new double[21];
        long cpuStart = mx.getCurrentThreadCpuTime();
        for (int k = 0; k < ms.length; k++) {
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) t.step();
            ms[k] = (System.nanoTime() - start) / 1e6 / steps;
        }
        double cpu = (mx.getCurrentThreadCpuTime() - cpuStart) / 1e6 / ((long) steps * ms.length);
        Arrays.sort(ms);
        t.setThreads(1);
        return new double[] {ms[0], ms[ms.length / 2], cpu};
    }

    /** The median and the fastest of 50 jobs of two tasks that do nothing, after 20 of warm-up. */
    private static double[] emptyJob(JavaSparkContext jsc) {
        var rdd = jsc.parallelize(List.of(1, 2), 2);
        for (int i = 0; i < 20; i++) rdd.map(v -> v + 1).count();
        double[] ms = new double[50];
        for (int i = 0; i < ms.length; i++) {
            long start = System.nanoTime();
            rdd.map(v -> v + 1).count();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        return new double[] {ms[ms.length / 2], ms[0]};
    }

    /** Random features in [0, 1) and labels 0..9, generated in the two partitions themselves. */
    private static Dataset<Row> synthetic(SparkSession spark, JavaSparkContext jsc, int rows, int features) {
        var rdd = jsc.parallelize(List.of(0, 1), 2).flatMap(p -> {
            Random r = new Random(p);
            List<Row> out = new ArrayList<>();
            for (int i = 0; i < rows / 2; i++) {
                float[] x = new float[features];
                for (int j = 0; j < features; j++) x[j] = r.nextFloat();
                out.add(RowFactory.create(x, r.nextInt(10)));
            }
            return out.iterator();
        });
        return spark.createDataFrame(rdd, SparkData.schema(true));
    }
}
