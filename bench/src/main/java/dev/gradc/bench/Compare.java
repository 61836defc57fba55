package dev.gradc.bench;

import dev.gradc.runtime.internal.MatMul;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.gradc.runtime.Trainer;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code bench/compare}: runs the JMH step benchmarks of W1-W4 (one thread, and W4 on two), the
 * compile-time benchmarks and the micrograd-style scalar reference, then the PyTorch peer in its
 * own processes where {@code import torch} works, and prints one table (or JSON with
 * {@code --json}): median µs per step for each, the ratio, GFLOP/s and bytes allocated per step.
 */
public final class Compare {
    /** One row of the table: a workload at a thread count. */
    record Row(Workload workload, int threads, double gradcUs, double allocBytes, long flops, Double peerUs, String peerNote) {
        double ratio() {
            return peerUs == null ? Double.NaN : peerUs / gradcUs;
        }
    }

    public static void main(String[] args) throws Exception {
        boolean json = false, quick = false, peer = true;
        for (String a : args) {
            switch (a) {
                case "--json" -> json = true;
                case "--quick" -> quick = true;
                case "--no-peer" -> peer = false;
                default -> {
                    System.err.println("usage: bench/compare [--json] [--quick] [--no-peer]");
                    System.exit(2);
                }
            }
        }
        Map<String, RunResult> steps = run(StepBenchmark.class, quick, "workload", List.of("W1", "W2", "W3", "W4"), "threads", List.of("1"));
        Map<String, RunResult> steps2 = run(StepBenchmark.class, quick, "workload", List.of("W4"), "threads", List.of("2"));
        Map<String, RunResult> compiles = run(CompileBenchmark.class, quick, "workload", List.of("W1", "W2", "W3", "W4"), null, null);
        Map<String, RunResult> micrograd = run(MicrogradBenchmark.class, quick, null, null, null, null);

        Peer pytorch = peer ? Peer.find() : null;
        List<Row> rows = new ArrayList<>();
        for (Workload w : Workload.values()) rows.add(row(w, 1, steps.get(w.name()), pytorch));
        rows.add(row(Workload.W4, 2, steps2.get("W4"), pytorch));

        double microgradUs = median(micrograd.values().iterator().next());
        if (json) printJson(rows, compiles, microgradUs, pytorch);
        else printTable(rows, compiles, microgradUs, pytorch);
    }

    private static Row row(Workload w, int threads, RunResult r, Peer peer) throws IOException, InterruptedException {
        long flops = w.flopsPerStep(w.compile());
        Double peerUs = null;
        String note = null;
        if (peer != null) {
            Peer.Result p = peer.run(w, threads);
            peerUs = p.medianUs();
            note = p.blas();
        }
        return new Row(w, threads, median(r), allocatedPerStep(w, threads), flops, peerUs, note);
    }

    /** Runs one benchmark class over the given parameter values; results by the first parameter's value. */
    private static Map<String, RunResult> run(Class<?> benchmark, boolean quick, String param, List<String> values,
                                              String param2, List<String> values2) throws RunnerException {
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include(benchmark.getName() + "\\.")
                .verbosity(org.openjdk.jmh.runner.options.VerboseMode.SILENT);
        if (param != null) o.param(param, values.toArray(String[]::new));
        if (param2 != null) o.param(param2, values2.toArray(String[]::new));
        if (quick) {
            o.warmupIterations(2).warmupTime(TimeValue.milliseconds(500)).measurementIterations(2).measurementTime(TimeValue.milliseconds(500));
        }
        System.err.println("running " + benchmark.getSimpleName() + (param == null ? "" : " " + values) + (param2 == null ? "" : " threads " + values2) + " ...");
        Map<String, RunResult> out = new LinkedHashMap<>();
        if (Boolean.getBoolean("gradc.bench.verbose")) o.verbosity(org.openjdk.jmh.runner.options.VerboseMode.NORMAL);
        for (RunResult r : new Runner(o.build()).run()) {
            String key = param == null ? "" : r.getParams().getParam(param);
            out.put(key, r);
        }
        return out;
    }

    /**
     * The median sample, in the benchmark's unit (µs for steps, ms for compiles): the median of
     * each measured iteration's median (the run's aggregate statistics summarize iteration means).
     */
    static double median(RunResult r) {
        List<Double> medians = new ArrayList<>();
        for (BenchmarkResult b : r.getBenchmarkResults()) {
            for (IterationResult i : b.getIterationResults()) medians.add(i.getPrimaryResult().getStatistics().getPercentile(50));
        }
        medians.sort(null);
        int n = medians.size();
        return n % 2 == 1 ? medians.get(n / 2) : (medians.get(n / 2 - 1) + medians.get(n / 2)) / 2;
    }

    /**
     * Bytes allocated per step after warm-up, by the stepping thread and the pool's helpers,
     * measured here rather than by JMH's GC profiler, whose figure includes JMH's own sampling.
     * Warm-up runs until C2 has compiled the Vector API tiles, which box their vectors before.
     */
    static double allocatedPerStep(Workload w, int threads) {
        Trainer t = w.trainer(w.compile());
        t.setThreads(threads);
        t.setLearningRate(1e-4);
        try {
            long end = System.nanoTime() + 4_000_000_000L;
            int warm = 0;
            while (warm < 20_000 && (System.nanoTime() < end || warm < 50)) {
                t.step();
                warm++;
            }
            long[] ids = Thread.getAllStackTraces().keySet().stream()
                    .filter(th -> th == Thread.currentThread() || th.getName().startsWith("gradc-worker-"))
                    .mapToLong(Thread::getId).toArray();
            com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            long before = sum(mx.getThreadAllocatedBytes(ids));
            long calibration = sum(mx.getThreadAllocatedBytes(ids)) - before;
            before = sum(mx.getThreadAllocatedBytes(ids));
            int steps = Math.max(20, Math.min(1000, warm / 10));
            for (int i = 0; i < steps; i++) t.step();
            return (double) (sum(mx.getThreadAllocatedBytes(ids)) - before - calibration) / steps;
        } finally {
            t.setThreads(1);
        }
    }

    private static long sum(long[] values) {
        long s = 0;
        for (long v : values) s += v;
        return s;
    }

    private static void printTable(List<Row> rows, Map<String, RunResult> compiles, double microgradUs, Peer peer) {
        System.out.println("gradc vs PyTorch eager, one training step, float32 (" + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.version") + "; matmul: " + MatMul.implementation() + ")");
        System.out.println(peer == null ? "PyTorch: not run (no python3 with torch, or --no-peer)"
                : "PyTorch: " + peer.describe() + "; BLAS: " + rows.get(0).peerNote());
        System.out.printf("%-4s %-48s %3s %12s %12s %8s %9s %11s%n", "", "workload", "thr", "gradc µs", "PyTorch µs", "ratio", "GFLOP/s", "bytes/step");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "%-4s %-48s %3d %12.1f %12s %8s %9.1f %11.0f%n", r.workload().name(), r.workload().description,
                    r.threads(), r.gradcUs(), r.peerUs() == null ? "-" : String.format(Locale.ROOT, "%.1f", r.peerUs()),
                    r.peerUs() == null ? "-" : String.format(Locale.ROOT, "%.2fx", r.ratio()),
                    r.flops() / (r.gradcUs() * 1e3), r.allocBytes());
        }
        System.out.printf(Locale.ROOT, "micrograd-style scalar objects, W1: %.1f µs per step (%.0fx gradc)%n", microgradUs, microgradUs / rows.get(0).gradcUs());
        StringBuilder c = new StringBuilder("compile time in a warm JVM (median ms):");
        compiles.forEach((w, r) -> c.append(String.format(Locale.ROOT, " %s %.1f", w, median(r))));
        System.out.println(c);
        System.out.println("ratio = PyTorch µs / gradc µs (above 1: gradc faster); GFLOP/s counts matrix products only.");
    }

    private static void printJson(List<Row> rows, Map<String, RunResult> compiles, double microgradUs, Peer peer) {
        StringBuilder j = new StringBuilder("{\n  \"jvm\": \"").append(System.getProperty("java.version")).append("\",\n");
        j.append("  \"matmul\": \"").append(MatMul.implementation()).append("\",\n");
        j.append("  \"pytorch\": ").append(peer == null ? "null" : "\"" + peer.describe().replace("\"", "'") + "\"").append(",\n");
        j.append("  \"pytorch_blas\": ").append(peer == null ? "null" : "\"" + rows.get(0).peerNote().replace("\"", "'") + "\"").append(",\n");
        j.append("  \"steps\": [\n");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            j.append(String.format(Locale.ROOT, "    {\"workload\": \"%s\", \"threads\": %d, \"gradc_median_us\": %.3f, \"pytorch_median_us\": %s, "
                            + "\"ratio\": %s, \"gflops\": %.3f, \"bytes_per_step\": %.1f, \"flops_per_step\": %d}%s%n",
                    r.workload().name(), r.threads(), r.gradcUs(), r.peerUs() == null ? "null" : String.format(Locale.ROOT, "%.3f", r.peerUs()),
                    r.peerUs() == null ? "null" : String.format(Locale.ROOT, "%.4f", r.ratio()), r.flops() / (r.gradcUs() * 1e3),
                    r.allocBytes(), r.flops(), i + 1 < rows.size() ? "," : ""));
        }
        j.append("  ],\n  \"micrograd_w1_median_us\": ").append(String.format(Locale.ROOT, "%.3f", microgradUs)).append(",\n");
        j.append("  \"compile_median_ms\": {");
        List<String> parts = new ArrayList<>();
        compiles.forEach((w, r) -> parts.add(String.format(Locale.ROOT, "\"%s\": %.3f", w, median(r))));
        j.append(String.join(", ", parts)).append("}\n}");
        System.out.println(j);
    }

    /** The PyTorch peer: {@code bench/peers/pytorch_step.py} under a Python that imports torch, one process per thread count. */
    record Peer(String python, Path script, String version) {
        record Result(double medianUs, String blas) {}

        private static final Pattern MEDIAN = Pattern.compile("\"median_us\":\\s*([0-9.eE+-]+)");
        private static final Pattern BLAS = Pattern.compile("\"blas\":\\s*\"([^\"]*)\"");

        static Peer find() throws IOException, InterruptedException {
            Path script = Path.of(System.getProperty("gradc.bench.peer", "bench/peers/pytorch_step.py"));
            if (!Files.exists(script)) {
                System.err.println("PyTorch peer skipped: " + script + " not found (run from the repository root)");
                return null;
            }
            String env = System.getenv("GRADC_PEER_PYTHON");
            for (String python : env != null ? List.of(env) : List.of("/usr/bin/python3", "python3")) {
                try {
                    Process p = new ProcessBuilder(python, "-c", "import torch; print(torch.__version__)").redirectErrorStream(true).start();
                    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                    if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) return new Peer(python, script, out);
                } catch (IOException e) {
                    // this python does not exist; try the next
                }
            }
            System.err.println("PyTorch peer skipped: no python3 that can 'import torch' (Debian: apt-get install python3-torch)");
            return null;
        }

        String describe() {
            return "torch " + version + " via " + python;
        }

        /**
         * One process per thread count, measured fairly: this machine's environment forces
         * OpenBLAS onto AVX2 kernels with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE, so both are
         * removed for the peer only; torch.set_num_threads does not limit OpenBLAS, the
         * environment does; idle OpenMP threads must not spin against ours.
         */
        Result run(Workload w, int threads) throws IOException, InterruptedException {
            ProcessBuilder pb = new ProcessBuilder(python, script.toString(), "--workload", w.name(), "--json");
            Map<String, String> env = pb.environment();
            env.remove("OPENBLAS_CORETYPE");
            env.remove("OPENBLAS_L2_SIZE");
            env.put("OMP_NUM_THREADS", Integer.toString(threads));
            env.put("OPENBLAS_NUM_THREADS", Integer.toString(threads));
            env.put("MKL_NUM_THREADS", Integer.toString(threads));
            if (threads > 1) env.put("OMP_WAIT_POLICY", "PASSIVE");
            pb.redirectError(ProcessBuilder.Redirect.INHERIT);
            System.err.println("running PyTorch " + w.name() + " on " + threads + " thread(s) ...");
            Process p = pb.start();
            StringBuilder out = new StringBuilder();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) out.append(line).append('\n');
            }
            if (p.waitFor() != 0) throw new IOException("the PyTorch peer failed on " + w + ":\n" + out);
            Matcher m = MEDIAN.matcher(out), b = BLAS.matcher(out);
            if (!m.find()) throw new IOException("the PyTorch peer printed no median for " + w + ":\n" + out);
            return new Result(Double.parseDouble(m.group(1)), b.find() ? b.group(1) : "unknown");
        }
    }
}
