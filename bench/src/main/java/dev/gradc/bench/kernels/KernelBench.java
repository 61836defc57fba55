package dev.gradc.bench.kernels;

import dev.gradc.bench.FmaPeakBenchmark;
import dev.gradc.bench.Workload;
import dev.gradc.compiler.ir.Graph;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ops.MatMul;
import dev.gradc.runtime.internal.Workers;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The matrix kernels alone: every product of the workloads' training steps (their own shapes and
 * orientations, read from the compiled graphs), each as {@code Workers.multiply} on one thread,
 * with the core's FMA peak ({@link FmaPeakBenchmark}) measured between them in the same run. Prints GFLOP/s
 * (a multiply-add is two FLOPs) and the fraction of that peak, medians over rounds.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/gradc-bench.jar dev.gradc.bench.kernels.KernelBench [W3 W4 ...]
 *     [--shape 256x1024x1024:NT ...] [--rounds 7] [--millis 150] [--epilogue] [--threads 2]
 * </pre>
 * {@code --epilogue} adds, for every untransposed product, the same product with a bias and ReLU
 * fused ({@code Workers.multiplyBias}). {@code --threads n} splits each product across a pool of n
 * threads (wall time then, and "of peak" is of one core's peak). Single-thread times are the measuring
 * thread's CPU time, so that time the scheduler gave to other processes does not count (a busy
 * sibling hyperthread still does: run it on a quiet machine, and compare only figures from one run).
 */
public final class KernelBench {
    private record Shape(String source, int m, int n, int k, boolean ta, boolean tb, boolean epilogue) {
        String orientation() {
            return (ta ? "T" : "N") + (tb ? "T" : "N") + (epilogue ? "+bias+relu" : "");
        }
    }

    private KernelBench() {}

    public static void main(String[] args) throws InterruptedException {
        List<String> workloads = new ArrayList<>();
        List<Shape> shapes = new ArrayList<>();
        int rounds = 7, millis = 150, threads = 1;
        boolean epilogue = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--millis" -> millis = Integer.parseInt(args[++i]);
                case "--epilogue" -> epilogue = true;
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--shape" -> shapes.add(parseShape(args[++i]));
                default -> workloads.add(args[i]);
            }
        }
        if (workloads.isEmpty() && shapes.isEmpty()) workloads = List.of("W1", "W2", "W3", "W4");
        for (String w : workloads) shapes.addAll(productsOf(Workload.valueOf(w), epilogue));

        long start = System.nanoTime();
        while (!Workers.prepare()) Thread.sleep(10); // measure the Vector API kernels, not the plain path before them
        System.out.printf(Locale.ROOT, "kernels ready after %.1f s: %s%n", (System.nanoTime() - start) / 1e9,
                dev.gradc.runtime.internal.MatMul.implementation());
        System.out.println("FMA peak probe: " + FmaPeakBenchmark.describe() + "; java " + System.getProperty("java.version") + "; "
                + cpuName());
        FmaPeakBenchmark.gflops(200); // compiles the probe

        double[][] rates = new double[shapes.size()][rounds];
        double[] peaks = new double[rounds];
        Workers pool = threads > 1 ? new Workers(threads) : null;
        Bench[] benches = shapes.stream().map(s -> new Bench(s, pool)).toArray(Bench[]::new);
        for (Bench b : benches) b.run(millis / 3); // warm every shape before the first round
        for (int r = 0; r < rounds; r++) {
            peaks[r] = FmaPeakBenchmark.gflops(millis);
            for (int s = 0; s < benches.length; s++) rates[s][r] = benches[s].run(millis);
        }
        double peak = median(peaks);
        if (pool != null) pool.close();
        System.out.printf(Locale.ROOT, "FMA peak (one core): median %.1f GFLOP/s (min %.1f, max %.1f) over %d rounds; products on %d thread%s%n", peak,
                Arrays.stream(peaks).min().orElse(0), Arrays.stream(peaks).max().orElse(0), rounds, threads, threads > 1 ? "s" : "");
        System.out.printf(Locale.ROOT, "%-4s %-16s %-12s %10s %8s %8s%n", "", "m x n x k", "orientation", "GFLOP/s", "of peak", "µs");
        for (int s = 0; s < benches.length; s++) {
            Shape sh = shapes.get(s);
            double g = median(rates[s]);
            System.out.printf(Locale.ROOT, "%-4s %-16s %-12s %10.1f %7.0f%% %8.1f%n", sh.source, sh.m + "x" + sh.n + "x" + sh.k,
                    sh.orientation(), g, 100 * g / peak, 2.0 * sh.m * sh.n * sh.k / g / 1e3);
        }
    }

    /** One shape's operands, and timed batches of its product. */
    private static final class Bench {
        private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
        final Shape s;
        final Workers pool;
        final float[] a, b, c, bias;

        Bench(Shape s, Workers pool) {
            this.s = s;
            this.pool = pool;
            java.util.SplittableRandom rng = new java.util.SplittableRandom(s.m * 31L + s.n * 7L + s.k);
            a = random(rng, s.m * s.k);
            b = random(rng, s.k * s.n);
            c = new float[s.m * s.n];
            bias = random(rng, s.n);
        }

        /** GFLOP/s of as many products as fill about {@code millis} ms (this thread's CPU time alone, wall time with a pool). */
        double run(int millis) {
            long flops = 2L * s.m * s.n * s.k, calls = 0, t0 = now(), dt;
            do {
                for (int i = 0; i < 8; i++) {
                    if (s.epilogue) Workers.multiplyBias(pool, c, 0, a, 0, s.ta, b, 0, s.tb, s.m, s.n, s.k, bias, 0, true);
                    else Workers.multiply(pool, c, 0, a, 0, s.ta, b, 0, s.tb, s.m, s.n, s.k);
                }
                calls += 8;
                dt = now() - t0;
            } while (dt < millis * 1_000_000L);
            return (double) flops * calls / dt;
        }

        private long now() {
            return pool == null ? MX.getCurrentThreadCpuTime() : System.nanoTime();
        }
    }

    /** The matrix products of one training step, once per distinct shape and orientation. */
    static List<Shape> productsOf(Workload w, boolean epilogue) {
        Graph g = w.compile().trained();
        Set<Shape> out = new LinkedHashSet<>();
        for (Node node : g.needed(g.stepRoots())) {
            if (node.op != MatMul.OP || node.shape.at(w.batch).length != 2) continue;
            int[] shape = node.shape.at(w.batch), a = node.input(0).shape.at(w.batch);
            MatMul.Transpose t = (MatMul.Transpose) node.attr;
            int k = a[a.length - (t.a() ? 2 : 1)];
            out.add(new Shape(w.name(), shape[0], shape[1], k, t.a(), t.b(), false));
            if (epilogue && !t.a() && !t.b()) out.add(new Shape(w.name(), shape[0], shape[1], k, false, false, true));
        }
        return new ArrayList<>(out);
    }

    /** {@code 256x1024x1024:NT} */
    static Shape parseShape(String text) {
        String[] parts = text.split(":");
        String[] d = parts[0].split("x");
        String o = parts.length > 1 ? parts[1] : "NN";
        return new Shape("", Integer.parseInt(d[0]), Integer.parseInt(d[1]), Integer.parseInt(d[2]), o.charAt(0) == 'T', o.charAt(1) == 'T',
                o.contains("+"));
    }

    private static float[] random(java.util.SplittableRandom rng, int size) {
        float[] x = new float[size];
        for (int i = 0; i < size; i++) x[i] = (float) rng.nextDouble(-1, 1);
        return x;
    }

    private static double median(double[] x) {
        double[] s = x.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String cpuName() {
        try {
            return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("?");
        } catch (java.io.IOException | RuntimeException e) {
            return System.getProperty("os.arch");
        }
    }
}
