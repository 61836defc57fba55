package dev.gradc.peers.dl4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.UniformDistribution;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/**
 * The DL4J peer of gradc's step benchmark: the four workloads of {@code bench/models} as DL4J
 * {@link MultiLayerNetwork}s (same layer sizes, activations, initializers, loss, optimizer and
 * hyper-parameters, batch, float32), one training step = {@code fit} on one fixed mini-batch.
 * Prints the median µs per step after warm-up, one JSON object per line with {@code --json}, in
 * the form {@code bench/peers/pytorch_step.py} prints, so {@code bench/compare} reads both.
 *
 * <p>Threads and the OpenBLAS kernel come from the environment, set by {@code bench/compare} for
 * this process only: {@code OMP_NUM_THREADS} (libnd4j's OpenMP), {@code OPENBLAS_NUM_THREADS} and
 * {@code OPENBLAS_CORETYPE} (ND4J calls its own bundled OpenBLAS for the products).
 *
 * <p>Where DL4J cannot say exactly what gradc's model says: W3's "SGD with momentum 0.9" is
 * {@link Nesterovs} (DL4J has no classic-momentum updater; the work per step is the same), and
 * W1's {@code 1e-4 * sum(w*w)} is {@code l2(2e-4)}, DL4J's L2 being {@code 0.5 * l2 * sum(w*w)}.
 */
public final class Dl4jStep {
    private Dl4jStep() {}

    record Workload(String name, int batch, MultiLayerNetwork net, DataSet data) {}

    public static void main(String[] args) {
        List<String> names = new ArrayList<>();
        double seconds = 3.0, warmupSeconds = 3.0;
        int minSteps = 20;
        boolean json = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--workload" -> names.addAll(Arrays.asList(args[++i].split(",")));
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--warmup-seconds" -> warmupSeconds = Double.parseDouble(args[++i]);
                case "--min-steps" -> minSteps = Integer.parseInt(args[++i]);
                case "--json" -> json = true;
                default -> {
                    System.err.println("usage: Dl4jStep [--workload W1,W2,W3,W4] [--seconds S] [--warmup-seconds S] [--min-steps N] [--json]");
                    System.exit(2);
                }
            }
        }
        if (names.isEmpty()) names.addAll(List.of("W1", "W2", "W3", "W4"));
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        // ND4J's own periodic System.gc() (off by default in this version; reported, since it would cost)
        boolean gcActive = Nd4j.getMemoryManager().isPeriodicGcActive();
        String blas = blas();
        int k = blas.indexOf(", kernel ");
        String kernel = k < 0 ? "unknown" : blas.substring(k + 9).split(" ")[0];
        String threads = threads();
        for (String name : names) {
            Workload w = workload(name);
            double[] t = measure(w, seconds, warmupSeconds, minSteps);
            double score = w.net().score();
            if (json) {
                System.out.printf(Locale.ROOT, "{\"workload\": \"%s\", \"median_us\": %.2f, \"p10_us\": %.2f, \"p90_us\": %.2f, \"steps\": %d, "
                                + "\"score\": %s, \"periodic_gc\": %s, \"omp_num_threads\": %s, \"openblas_num_threads\": %s, \"threads\": \"%s\", "
                                + "\"openblas_coretype\": %s, \"dl4j\": \"1.0.0-M2.1\", \"jvm\": \"%s\", \"blas\": \"%s\", \"kernel\": \"%s\"}%n",
                        name, t[0], t[1], t[2], (long) t[3], Double.isFinite(score) ? String.format(Locale.ROOT, "%.6g", score) : "null", gcActive,
                        quoted(System.getenv("OMP_NUM_THREADS")), quoted(System.getenv("OPENBLAS_NUM_THREADS")), threads,
                        quoted(System.getenv("OPENBLAS_CORETYPE")), System.getProperty("java.version"), blas.replace("\"", "'"), kernel);
            } else {
                System.out.printf(Locale.ROOT, "%s  median %10.1f us  (p10 %.1f, p90 %.1f, %d steps, %s, %s)%n",
                        name, t[0], t[1], t[2], (long) t[3], threads, blas);
            }
            System.out.flush();
        }
    }

    private static String quoted(String s) {
        return s == null ? "null" : "\"" + s + "\"";
    }

    /** {median, p10, p90, steps} in µs: warm-up for {@code warmupSeconds} (and 50 steps), then steps timed one by one. */
    static double[] measure(Workload w, double seconds, double warmupSeconds, int minSteps) {
        long start = System.nanoTime();
        for (int warm = 0; warm < 50 || System.nanoTime() - start < warmupSeconds * 1e9; warm++) w.net().fit(w.data());
        List<Double> times = new ArrayList<>();
        start = System.nanoTime();
        while (times.size() < minSteps || System.nanoTime() - start < seconds * 1e9) {
            long t0 = System.nanoTime();
            w.net().fit(w.data());
            times.add((System.nanoTime() - t0) / 1e3);
        }
        times.sort(null);
        int n = times.size();
        double median = n % 2 == 1 ? times.get(n / 2) : (times.get(n / 2 - 1) + times.get(n / 2)) / 2;
        return new double[] {median, times.get(n / 10), times.get(n * 9 / 10), n};
    }

    /** The network and a fixed random mini-batch of one workload. */
    static Workload workload(String name) {
        Random rng = new Random(7);
        return switch (name) {
            // moons: 2-16-16-1 ReLU, weights U(-1, 1), max-margin (hinge) loss + 1e-4 * sum(w^2), SGD 0.1, batch 100
            case "W1" -> {
                NeuralNetConfiguration.ListBuilder b = base(new Sgd(0.1)).weightInit(new UniformDistribution(-1, 1)).l2(2e-4).list();
                b.layer(dense(2, 16, Activation.RELU, null)).layer(dense(16, 16, Activation.RELU, null));
                b.layer(new OutputLayer.Builder(LossFunction.HINGE).nIn(16).nOut(1).activation(Activation.IDENTITY).build());
                yield new Workload(name, 100, net(b.build()), new DataSet(uniform(rng, 100, 2), signs(rng, 100)));
            }
            // mnist-mlp: 784-128-64-10 ReLU, He-uniform / Xavier-uniform, softmax cross-entropy, Adam 1e-3, batch 128
            case "W2" -> {
                NeuralNetConfiguration.ListBuilder b = base(new Adam(1e-3)).list();
                b.layer(dense(784, 128, Activation.RELU, WeightInit.RELU_UNIFORM)).layer(dense(128, 64, Activation.RELU, WeightInit.RELU_UNIFORM));
                b.layer(output(64, 10));
                yield new Workload(name, 128, net(b.build()), new DataSet(uniform(rng, 128, 784), oneHot(rng, 128, 10)));
            }
            // deep-narrow: 64 -> 8 x (64, tanh) -> 1, Xavier-uniform, MSE, SGD 0.01 with (Nesterov) momentum 0.9, batch 32
            case "W3" -> {
                NeuralNetConfiguration.ListBuilder b = base(new Nesterovs(0.01, 0.9)).list();
                for (int i = 0; i < 8; i++) b.layer(dense(64, 64, Activation.TANH, WeightInit.XAVIER_UNIFORM));
                b.layer(new OutputLayer.Builder(LossFunction.MSE).nIn(64).nOut(1).activation(Activation.IDENTITY)
                        .weightInit(WeightInit.XAVIER_UNIFORM).build());
                yield new Workload(name, 32, net(b.build()), new DataSet(uniform(rng, 32, 64), uniform(rng, 32, 1)));
            }
            // wide: 1024-1024-1024-10 ReLU, He-uniform / Xavier-uniform, softmax cross-entropy, SGD 0.01, batch 256
            case "W4" -> {
                NeuralNetConfiguration.ListBuilder b = base(new Sgd(0.01)).list();
                b.layer(dense(1024, 1024, Activation.RELU, WeightInit.RELU_UNIFORM)).layer(dense(1024, 1024, Activation.RELU, WeightInit.RELU_UNIFORM));
                b.layer(output(1024, 10));
                yield new Workload(name, 256, net(b.build()), new DataSet(uniform(rng, 256, 1024), oneHot(rng, 256, 10)));
            }
            default -> throw new IllegalArgumentException("unknown workload " + name + " (W1, W2, W3 or W4)");
        };
    }

    private static NeuralNetConfiguration.Builder base(IUpdater updater) {
        return new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT).updater(updater).biasInit(0);
    }

    private static DenseLayer dense(int in, int out, Activation activation, WeightInit init) {
        DenseLayer.Builder b = new DenseLayer.Builder().nIn(in).nOut(out).activation(activation);
        if (init != null) b.weightInit(init);
        return b.build();
    }

    private static OutputLayer output(int in, int classes) {
        return new OutputLayer.Builder(LossFunction.MCXENT).nIn(in).nOut(classes).activation(Activation.SOFTMAX)
                .weightInit(WeightInit.XAVIER_UNIFORM).build();
    }

    private static MultiLayerNetwork net(MultiLayerConfiguration conf) {
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static INDArray uniform(Random rng, int rows, int cols) {
        float[] v = new float[rows * cols];
        for (int i = 0; i < v.length; i++) v[i] = rng.nextFloat() * 2 - 1;
        return Nd4j.create(v, new long[] {rows, cols}, DataType.FLOAT);
    }

    private static INDArray signs(Random rng, int rows) {
        float[] v = new float[rows];
        for (int i = 0; i < rows; i++) v[i] = rng.nextBoolean() ? 1 : -1;
        return Nd4j.create(v, new long[] {rows, 1}, DataType.FLOAT);
    }

    private static INDArray oneHot(Random rng, int rows, int classes) {
        float[] v = new float[rows * classes];
        for (int i = 0; i < rows; i++) v[i * classes + rng.nextInt(classes)] = 1;
        return Nd4j.create(v, new long[] {rows, classes}, DataType.FLOAT);
    }

    /** ND4J's and OpenBLAS's own account of their threads. */
    private static String threads() {
        StringBuilder s = new StringBuilder();
        try {
            s.append("nd4j max threads ").append(Nd4j.getEnvironment().maxThreads())
                    .append(", master threads ").append(Nd4j.getEnvironment().maxMasterThreads());
        } catch (RuntimeException | LinkageError e) {
            s.append("nd4j threads unknown");
        }
        try {
            s.append(", openblas threads ").append(org.bytedeco.openblas.global.openblas_nolapack.blas_get_num_threads());
        } catch (RuntimeException | LinkageError e) {
            // reported by blas() when OpenBLAS is not what ND4J loaded
        }
        return s.toString();
    }

    /**
     * Which OpenBLAS build and kernel ND4J runs its products on, from the loaded library itself
     * (so a forced {@code OPENBLAS_CORETYPE} shows as what OpenBLAS actually took).
     */
    static String blas() {
        Nd4j.create(DataType.FLOAT, 8, 8).mmul(Nd4j.create(DataType.FLOAT, 8, 8)); // loads the backend and its BLAS
        String vendor;
        try {
            vendor = String.valueOf(Nd4j.factory().blas().getBlasVendor());
        } catch (RuntimeException | LinkageError e) {
            vendor = "unknown vendor";
        }
        try {
            java.util.Optional<String> openblas = OpenBlasCore.describe();
            if (openblas.isPresent()) return openblas.get() + " (ND4J BLAS vendor " + vendor + ")";
            return "unknown (no openblas_get_corename loaded; ND4J BLAS vendor " + vendor + ")";
        } catch (Throwable e) {
            return "unknown (cannot ask OpenBLAS: " + e + "; ND4J BLAS vendor " + vendor + ")";
        }
    }
}
