package dev.gradc.spark;

import dev.gradc.compiler.Compilation;
import dev.gradc.compiler.Compiler;
import dev.gradc.dsl.Source;
import dev.gradc.runtime.DType;
import dev.gradc.runtime.TensorInfo;
import dev.gradc.runtime.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** One local Spark for every test class of the module (starting one costs seconds), and small data. */
final class SparkTests {
    private SparkTests() {}

    private static SparkSession spark;

    /**
     * {@code local[2,2]}: two cores, as the issue's {@code local[2]}, and a task may fail once and be
     * retried (plain {@code local[2]} never retries), which the injected failure needs.
     */
    static synchronized SparkSession spark() {
        if (spark == null) {
            spark = SparkSession.builder().master("local[2,2]").appName("gradc-spark tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.ui.showConsoleProgress", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "2")
                    .getOrCreate();
        }
        return spark;
    }

    static JavaSparkContext jsc() {
        return JavaSparkContext.fromSparkContext(spark().sparkContext());
    }

    static Compilation compile(String name, String text, DType dtype) {
        return Compiler.compile(new Source(name + ".grad", text), Compiler.Options.DEFAULT.withDtype(dtype));
    }

    /** A classifier of {@code features} inputs and {@code classes} classes with the given optimizer lines. */
    static String classifier(String name, int features, int hidden, int classes, String optimizer) {
        return "class " + name + " {\n"
                + "    Input x = input(batch, " + features + ");\n"
                + "    Input y = input(batch);\n"
                + "    Param w1 = heUniform(" + features + ", " + hidden + "), b1 = zeros(" + hidden + ");\n"
                + "    Param w2 = xavierUniform(" + hidden + ", " + classes + "), b2 = zeros(" + classes + ");\n"
                + "    Tensor logits() { return matmul(tanh(matmul(x, w1) + b1), w2) + b2; }\n"
                + "    Tensor loss() { return crossEntropy(logits(), y); }\n"
                + "    " + optimizer + "\n"
                + "}\n";
    }

    /** Gaussian blobs: row i has features[i] and label labels[i]. */
    record Data(double[][] x, int[] y) {
        static Data blobs(int n, int features, int classes, long seed) {
            Random r = new Random(seed);
            double[][] centers = new double[classes][features];
            for (double[] c : centers) for (int j = 0; j < features; j++) c[j] = 2 * r.nextGaussian();
            double[][] x = new double[n][features];
            int[] y = new int[n];
            for (int i = 0; i < n; i++) {
                y[i] = r.nextInt(classes);
                for (int j = 0; j < features; j++) x[i][j] = centers[y[i]][j] + r.nextGaussian();
            }
            return new Data(x, y);
        }

        /** Rows {@code from..to} as Spark rows: features array<double>, label int. */
        List<Row> rows(int from, int to) {
            List<Row> out = new ArrayList<>();
            for (int i = from; i < to; i++) {
                Double[] boxed = new Double[x[i].length];
                for (int j = 0; j < boxed.length; j++) boxed[j] = x[i][j];
                out.add(RowFactory.create(boxed, y[i]));
            }
            return out;
        }
    }

    static final StructType SCHEMA = new StructType()
            .add("features", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
            .add("label", DataTypes.IntegerType, false);

    /** The data in partitions of exactly the given sizes, in order (partition p holds the next sizes[p] rows). */
    static Dataset<Row> frame(Data d, int... sizes) {
        List<List<Row>> parts = new ArrayList<>();
        int at = 0;
        for (int s : sizes) {
            parts.add(d.rows(at, at + s));
            at += s;
        }
        if (at != d.y().length) throw new IllegalArgumentException("sizes add up to " + at + ", data has " + d.y().length);
        List<Integer> index = new ArrayList<>();
        for (int p = 0; p < sizes.length; p++) index.add(p);
        var rdd = jsc().parallelize(index, sizes.length).flatMap(p -> parts.get(p).iterator());
        return spark().createDataFrame(rdd, SCHEMA);
    }

    /** Every parameter and state of a trainer (but the empty gradient sums), end to end. */
    static double[] everything(Trainer t) {
        List<Double> out = new ArrayList<>();
        for (TensorInfo p : t.params()) for (double v : t.param(p.name()).toDoubleArray()) out.add(v);
        for (TensorInfo s : t.states()) {
            if (s.name().endsWith(".gradSum") || s.name().equals("accumulated.examples")) continue;
            for (double v : t.state(s.name()).toDoubleArray()) out.add(v);
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
