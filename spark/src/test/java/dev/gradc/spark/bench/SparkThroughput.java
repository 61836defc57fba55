package dev.gradc.spark.bench;

import dev.gradc.compiler.Compilation;
import dev.gradc.compiler.Compiler;
import dev.gradc.dsl.Source;
import dev.gradc.runtime.Trainer;
import dev.gradc.spark.EpochStats;
import dev.gradc.spark.Mode;
import dev.gradc.spark.SparkData;
import dev.gradc.spark.SparkTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Throughput of the W2-like and W4-like benchmark models: one JVM stepping a trainer on two
 * threads against SparkTrainer on {@code local[2]} (two partitions, one task per core) in both
 * modes, at the same global batch, on synthetic data; and Spark's fixed cost of a job. See
 * docs/distributed.md for the command and the results.
 *
 * <p>Arguments: {@code W2|W4 [rows] [averaging H]}.
 */
public final class SparkThroughput {
    private SparkThroughput() {}

    public static void main(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : "W2";
        boolean w4 = which.equals("W4");
        Path model = Path.of("../bench/models", w4 ? "W4Wide.grad" : "W2MnistMlp.grad");
        int batch = w4 ? 256 : 128, features = w4 ? 1024 : 784;
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : (w4 ? 256 * 24 : 128 * 160);
        int h = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        Compilation c = Compiler.compile(Source.read(model), Compiler.Options.DEFAULT);
        System.out.printf(Locale.ROOT, "%s (%s): batch %d, %d rows, %d parameters; %s, %d processors; load average %s%n", which, model,
                batch, rows, parameters(c.newTrainer(1, 1)), cpu(), Runtime.getRuntime().availableProcessors(), load());

        // One JVM: the trainer on two threads, then on one at half the batch (one worker's share of a synchronous step).
        double[] two = singleJvm(c, batch, features, 2, rows / batch);
        double[] one = singleJvm(c, batch / 2, features, 1, rows / batch);
        System.out.printf(Locale.ROOT, "one JVM, setThreads(2), batch %d: %.2f ms a step, %.0f examples/s%n", batch, two[0], two[1]);
        System.out.printf(Locale.ROOT, "one JVM, setThreads(1), batch %d: %.2f ms a step, %.0f examples/s%n", batch / 2, one[0], one[1]);
        // One thread at two more batch sizes: the per-step and per-example compute of the cost model (docs/distributed.md).
        for (int b : new int[] {batch / 8, batch}) {
            double[] r = singleJvm(c, b, features, 1, rows / batch);
            System.out.printf(Locale.ROOT, "one JVM, setThreads(1), batch %d: %.2f ms a step, %.0f examples/s%n", b, r[0], r[1]);
        }
        System.out.printf(Locale.ROOT, "update() alone (the driver's optimizer step of a synchronous round): %.3f ms%n", updateMillis(c, features));

        SparkSession spark = SparkSession.builder().master("local[2]").appName("gradc throughput")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1").getOrCreate();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        System.out.printf(Locale.ROOT, "an empty job of two tasks: %.1f ms (median of 30)%n", emptyJob(jsc));
        Dataset<Row> data = synthetic(spark, jsc, rows, features);
        for (Mode mode : List.of(Mode.SYNCHRONOUS, Mode.averaging(h))) {
            // Two epochs: the first warms up the JIT and caches the data; the second is measured.
            SparkTrainer st = SparkTrainer.fromCompilation(c, batch, 1).globalBatch(batch).epochs(2).mode(mode).shuffle(true);
            List<EpochStats> history = st.fit(data, null).history();
            EpochStats e = history.get(1);
            System.out.printf(Locale.ROOT, "local[2] %s: %.0f examples/s, %.1f ms a round (%d rounds), longest tasks %.1f ms a round, "
                            + "overhead %.1f ms a round%n", mode, e.examplesPerSecond(), 1e3 * e.seconds() / e.rounds(), e.rounds(),
                    1e3 * e.criticalComputeSeconds() / e.rounds(), 1e3 * e.overheadPerRound());
        }
        spark.stop();
        System.out.println("load average at the end " + load());
    }

    private static String load() throws java.io.IOException {
        return Files.readString(Path.of("/proc/loadavg")).trim();
    }

    /** The median time of update() after accumulating one small micro-batch. */
    private static double updateMillis(Compilation c, int features) {
        Trainer t = c.newTrainer(4, 1);
        t.input(t.inputs().get(0).name()).copyFrom(new float[4 * features]);
        t.input(t.inputs().get(1).name()).copyFrom(new float[] {1, 2, 3, 4});
        double[] ms = new double[201];
        for (int warm = 0; warm < 2; warm++) {
            for (int i = 0; i < ms.length; i++) {
                t.accumulate();
                long start = System.nanoTime();
                t.update();
                ms[i] = (System.nanoTime() - start) / 1e6;
            }
        }
        Arrays.sort(ms);
        return ms[ms.length / 2];
    }

    private static long parameters(Trainer t) {
        return t.params().stream().mapToLong(p -> p.sizeAt(1)).sum();
    }

    private static String cpu() throws java.io.IOException {
        return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 2)).findFirst().orElse("unknown CPU");
    }

    /** Milliseconds a step and examples a second: the median of five timings of {@code steps} steps, after warm-up. */
    private static double[] singleJvm(Compilation c, int batch, int features, int threads, int steps) {
        Trainer t = c.newTrainer(batch, 1);
        t.setThreads(threads);
        Random r = new Random(1);
        float[] x = new float[batch * features], y = new float[batch];
        for (int i = 0; i < x.length; i++) x[i] = r.nextFloat();
        for (int i = 0; i < batch; i++) y[i] = r.nextInt(10);
        t.input(t.inputs().get(0).name()).copyFrom(x);
        t.input(t.inputs().get(1).name()).copyFrom(y);
        for (int i = 0; i < Math.max(200, steps); i++) t.step();
        double[] ms = new double[5];
        for (int k = 0; k < ms.length; k++) {
            long start = System.nanoTime();
            for (int i = 0; i < steps; i++) t.step();
            ms[k] = (System.nanoTime() - start) / 1e6 / steps;
        }
        Arrays.sort(ms);
        t.setThreads(1);
        return new double[] {ms[2], batch / ms[2] * 1e3};
    }

    private static double emptyJob(JavaSparkContext jsc) {
        var rdd = jsc.parallelize(List.of(1, 2), 2);
        for (int i = 0; i < 10; i++) rdd.map(v -> v + 1).count();
        double[] ms = new double[30];
        for (int i = 0; i < ms.length; i++) {
            long start = System.nanoTime();
            rdd.map(v -> v + 1).count();
            ms[i] = (System.nanoTime() - start) / 1e6;
        }
        Arrays.sort(ms);
        return ms[ms.length / 2];
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
