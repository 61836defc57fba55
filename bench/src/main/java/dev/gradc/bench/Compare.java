package dev.gradc.bench;

import dev.gradc.runtime.Trainer;
import dev.gradc.runtime.internal.MatMul;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * {@code bench/compare}: gradc's training step beside its peers, measured in one run on the
 * machine at hand, with the targets of issue 10 marked met or missed.
 *
 * <ul>
 *   <li>default: the JMH step benchmarks of W1-W4 (one thread, and W4 on two), each followed by its
 *       peers in their own processes (PyTorch eager, and DL4J with {@code --peer dl4j|all}) on
 *       OpenBLAS's best kernel for the CPU; the core's FMA peak; compile times; the micrograd-style
 *       scalar engine; bytes allocated per step.</li>
 *   <li>{@code --avx2}: gradc under {@code -XX:UseAVX=2} (256-bit species) against PyTorch on
 *       OpenBLAS's AVX2 kernel, and gradc's plain-Java path beside them.</li>
 *   <li>{@code --e2e}: whole processes ({@link EndToEnd}): the moons main job and the Fashion-MNIST
 *       sample against PyTorch scripts of the same jobs.</li>
 * </ul>
 */
public final class Compare {
    private Compare() {}

    static final String USAGE = """
            usage: bench/compare [--json] [--quick] [--peer pytorch|dl4j|all] [--no-peer] [--avx2] [--e2e [--runs N]] [--coretype NAME]
              (default)   W1-W4 one training step, gradc beside PyTorch eager (--peer dl4j|all: DL4J too), FMA peak, targets
              --avx2      gradc under -XX:UseAVX=2 against PyTorch on OpenBLAS's AVX2 kernel, and gradc's plain-Java path
              --e2e       whole processes: the moons main job and Fashion-MNIST (5 epochs) against PyTorch scripts, N runs each (5)
              --json      the same as JSON;  --quick  a smoke run (too short for results);  --no-peer  gradc alone
              --coretype  the peers' OPENBLAS_CORETYPE instead of the one chosen from /proc/cpuinfo""";

    /** The command line. */
    record Options(boolean json, boolean quick, Set<String> peers, boolean avx2, boolean e2e, int runs, String coreType) {
        static Options parse(String... args) {
            boolean json = false, quick = false, avx2 = false, e2e = false;
            Set<String> peers = new LinkedHashSet<>(Set.of("pytorch"));
            int runs = 5;
            String coreType = null;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--json" -> json = true;
                    case "--quick" -> quick = true;
                    case "--no-peer" -> peers.clear();
                    case "--avx2" -> avx2 = true;
                    case "--e2e" -> e2e = true;
                    case "--peer", "--runs", "--coretype" -> {
                        if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
                        String v = args[++i];
                        if (a.equals("--runs")) runs = Integer.parseInt(v);
                        else if (a.equals("--coretype")) coreType = v;
                        else {
                            peers.clear();
                            switch (v) {
                                case "pytorch" -> peers.add("pytorch");
                                case "dl4j" -> peers.add("dl4j");
                                case "all" -> peers.addAll(List.of("pytorch", "dl4j"));
                                default -> throw new IllegalArgumentException("unknown peer " + v + " (pytorch, dl4j or all)");
                            }
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (runs < 1) throw new IllegalArgumentException("--runs must be at least 1");
            if (avx2 && e2e) throw new IllegalArgumentException("--avx2 and --e2e are separate runs");
            return new Options(json, quick, peers, avx2, e2e, runs, coreType);
        }
    }

    /**
     * A target of issue 10: {@code measured} against {@code threshold} ({@code atLeast}: measured
     * must be at least the threshold, else at most); null when not measured (a peer not run, or a
     * ratio refused).
     */
    record Target(String name, Double measured, boolean atLeast, double threshold, String unit) {
        Boolean met() {
            if (measured == null || measured.isNaN()) return null;
            return atLeast ? measured >= threshold : measured <= threshold;
        }

        String verdict() {
            Boolean m = met();
            return m == null ? "not measured" : m ? "met" : "missed";
        }

        /** ">=30x", "<=0.5x", ">=70%". */
        String goal() {
            return (atLeast ? ">=" : "<=") + number(threshold) + unit;
        }

        String cell() {
            return goal() + " " + (met() == null ? "-" : verdict());
        }

        Map<String, Object> toJson() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("target", name);
            m.put("goal", goal());
            m.put("measured", measured == null || measured.isNaN() ? null : measured);
            m.put("met", met());
            return m;
        }

        private static String number(double v) {
            return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
        }
    }

    /** How a JMH fork's JVM is started, and the matrix-product path it must then report. */
    record Jvm(String label, List<String> flags, String kernels) {
        static final Jvm VECTOR = new Jvm("Vector API", List.of("--add-modules", "jdk.incubator.vector"), "Vector API");
        static final Jvm VECTOR_AVX2 = new Jvm("Vector API, -XX:UseAVX=2",
                List.of("--add-modules", "jdk.incubator.vector", "-XX:UseAVX=2"), "Vector API");
        static final Jvm PLAIN = new Jvm("plain Java (no jdk.incubator.vector)", List.of(), "plain Java");
    }

    /** What a JVM started with some flags says about itself ({@code --describe}, in a child process). */
    record JvmInfo(String java, String vm, int speciesBits, String useAvx, String kernels) {
        String describe() {
            return vm + " " + java + (useAvx == null ? "" : ", UseAVX=" + useAvx)
                    + (speciesBits > 0 ? ", preferred species " + speciesBits + "-bit" : "") + "; gradc matrix products: " + kernels;
        }
    }

    /** One row of the step table: a workload at a thread count, gradc and each peer. */
    record Row(Workload workload, int threads, double gradcUs, Double allocBytes, long flops, Map<String, Peers.Result> peers) {
        double gflops() {
            return flops / (gradcUs * 1e3);
        }

        /** peer µs / gradc µs, or null when the peer did not run or its ratio is refused. */
        Double ratio(String peer) {
            Peers.Result r = peers.get(peer);
            return r == null || r.refusal() != null ? null : r.medianUs() / gradcUs;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("--describe")) {
            describeThisJvm();
            return;
        }
        Options o;
        try {
            o = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench/compare: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        Cpu cpu = Cpu.read();
        if (o.e2e()) {
            EndToEnd.main(o, cpu);
            return;
        }
        if (o.avx2()) avx2(o, cpu);
        else steps(o, cpu);
    }

    // ---------------------------------------------------------------- the default run

    static final String[] PEER_ORDER = {"pytorch", "dl4j"};

    private static void steps(Options o, Cpu cpu) throws Exception {
        String started = now(), loadBefore = loadAverage();
        String coreType = o.coreType() != null ? o.coreType() : cpu.bestCoreType();
        Map<String, Peers.Peer> peers = findPeers(o);
        JvmInfo jvm = describe(Jvm.VECTOR);
        double peak = fmaPeak(o, Jvm.VECTOR, jvm);

        List<Row> rows = new ArrayList<>();
        for (Workload w : Workload.values()) rows.add(row(o, w, 1, Jvm.VECTOR, peers, coreType, true));
        rows.add(row(o, Workload.W4, 2, Jvm.VECTOR, peers, coreType, true));
        Map<String, Double> compiles = new LinkedHashMap<>();
        run(CompileBenchmark.class, o.quick(), Map.of("workload", List.of("W1", "W2", "W3", "W4")), Jvm.VECTOR)
                .forEach((k, r) -> compiles.put(k, median(r)));
        double microgradUs = median(run(MicrogradBenchmark.class, o.quick(), Map.of(), Jvm.VECTOR).values().iterator().next());
        String loadAfter = loadAverage();

        List<Target> targets = stepTargets(rows, peak, peers.keySet());
        Map<String, Object> header = header(cpu, jvm, started, loadBefore, loadAfter, peak, coreType, peers, rows);
        if (o.coreType() != null) header.put("openblas_coretype_reason", "given with --coretype");
        if (o.json()) {
            Map<String, Object> j = new LinkedHashMap<>(header);
            List<Object> steps = new ArrayList<>();
            for (Row r : rows) steps.add(rowJson(r, peak, targets));
            j.put("steps", steps);
            j.put("micrograd_w1_median_us", microgradUs);
            j.put("compile_median_ms", compiles);
            j.put("targets", targets.stream().map(Target::toJson).toList());
            System.out.println(json(j));
            return;
        }
        printHeader(header, "gradc vs peers: one training step, float32, median µs per step");
        printRows(rows, peers.keySet(), peak, targets, "of peak", true);
        Row w4 = rows.get(3), w4two = rows.get(4);
        System.out.printf(Locale.ROOT, "W4 on 2 threads against 1 (gradc): %.2fx, target %s%n", w4.gradcUs() / w4two.gradcUs(),
                find(targets, "W4 2 threads >= 1.8x gradc 1 thread").cell());
        System.out.printf(Locale.ROOT, "products against the FMA peak: W4 %.0f%% (target %s), W3 %.0f%% (target %s)%n",
                100 * w4.gflops() / peak, find(targets, "W4 products >= 70% of FMA peak").cell(),
                100 * rows.get(2).gflops() / peak, find(targets, "W3 products >= 50% of FMA peak").cell());
        System.out.printf(Locale.ROOT, "micrograd-style scalar objects, W1: %.1f µs per step (%.0fx gradc)%n", microgradUs, microgradUs / rows.get(0).gradcUs());
        StringBuilder c = new StringBuilder("compile time in a warm JVM (median ms):");
        compiles.forEach((w, ms) -> c.append(String.format(Locale.ROOT, " %s %.1f", w, ms)));
        System.out.println(c);
        System.out.println("ratio = peer µs / gradc µs (above 1: gradc faster); GFLOP/s = the step's matrix-product FLOPs over the whole step's time.");
        printTargets(targets);
    }

    private static Map<String, Peers.Peer> findPeers(Options o) throws InterruptedException {
        Map<String, Peers.Peer> peers = new LinkedHashMap<>();
        if (o.peers().contains("pytorch")) {
            Peers.Peer p = Peers.PyTorch.find();
            if (p != null) peers.put("pytorch", p);
        }
        if (o.peers().contains("dl4j")) {
            Peers.Peer p = Peers.Dl4j.build();
            if (p != null) peers.put("dl4j", p);
        }
        return peers;
    }

    /** gradc's step in a JMH fork, then each peer in its own process right after it (so machine drift hits both alike). */
    private static Row row(Options o, Workload w, int threads, Jvm jvm, Map<String, Peers.Peer> peers, String coreType, boolean alloc)
            throws Exception {
        Map<String, RunResult> r = run(StepBenchmark.class, o.quick(), Map.of("workload", List.of(w.name()), "threads", List.of(Integer.toString(threads))), jvm);
        double us = median(r.get(w.name()));
        Map<String, Peers.Result> results = new LinkedHashMap<>();
        for (var e : peers.entrySet()) results.put(e.getKey(), e.getValue().run(w, threads, coreType, o.quick()));
        Double bytes = alloc ? allocatedPerStep(w, threads) : null;
        return new Row(w, threads, us, bytes, w.flopsPerStep(w.compile()), results);
    }

    /** Issue 10's targets for the step table. */
    static List<Target> stepTargets(List<Row> rows, double peak, Set<String> peers) {
        List<Target> t = new ArrayList<>();
        double[] goals = {30, 2, 4, 1.2};
        for (int i = 0; i < 4; i++) {
            Row r = rows.get(i);
            if (peers.contains("pytorch")) t.add(new Target(r.workload().name() + " >= " + Target.number(goals[i]) + "x PyTorch", r.ratio("pytorch"), true, goals[i], "x"));
        }
        Row w4 = rows.get(3), w4two = rows.get(4);
        if (peers.contains("pytorch")) t.add(new Target("W4 2 threads >= 1.2x PyTorch 2 threads", w4two.ratio("pytorch"), true, 1.2, "x"));
        t.add(new Target("W4 2 threads >= 1.8x gradc 1 thread", w4.gradcUs() / w4two.gradcUs(), true, 1.8, "x"));
        if (peers.contains("dl4j")) {
            for (int i = 0; i < 4; i++) {
                Row r = rows.get(i);
                t.add(new Target(r.workload().name() + " faster than DL4J", r.ratio("dl4j"), true, 1, "x"));
            }
        }
        t.add(new Target("W4 products >= 70% of FMA peak", peak > 0 ? 100 * w4.gflops() / peak : null, true, 70, "%"));
        t.add(new Target("W3 products >= 50% of FMA peak", peak > 0 ? 100 * rows.get(2).gflops() / peak : null, true, 50, "%"));
        for (Row r : rows) {
            if (r.allocBytes() != null) {
                t.add(new Target(r.workload().name() + (r.threads() > 1 ? " " + r.threads() + " threads" : "") + " allocates 0 bytes per step",
                        r.allocBytes(), false, 0, " B"));
            }
        }
        return t;
    }

    // ---------------------------------------------------------------- --avx2

    private static void avx2(Options o, Cpu cpu) throws Exception {
        String started = now(), loadBefore = loadAverage();
        String coreType = o.coreType() != null ? o.coreType() : cpu.avx2CoreType();
        Map<String, Peers.Peer> peers = new LinkedHashMap<>();
        if (o.peers().contains("pytorch")) {
            Peers.Peer p = Peers.PyTorch.find();
            if (p != null) peers.put("pytorch", p);
        }
        if (o.peers().contains("dl4j")) System.err.println("--avx2 pairs gradc with PyTorch only; DL4J is not run");
        JvmInfo jvm = describe(Jvm.VECTOR_AVX2), plainJvm = describe(Jvm.PLAIN);
        double peak = fmaPeak(o, Jvm.VECTOR_AVX2, jvm);
        List<Row> rows = new ArrayList<>(), plain = new ArrayList<>();
        for (Workload w : Workload.values()) {
            rows.add(row(o, w, 1, Jvm.VECTOR_AVX2, peers, coreType, false));
            plain.add(row(o, w, 1, Jvm.PLAIN, Map.of(), coreType, false));
        }
        String loadAfter = loadAverage();
        List<Target> targets = new ArrayList<>();
        double[] goals = {25, 1.5, 3, 1.0};
        for (int i = 0; i < 4; i++) {
            if (peers.containsKey("pytorch")) {
                targets.add(new Target("AVX2: " + rows.get(i).workload().name() + " >= " + Target.number(goals[i]) + "x PyTorch",
                        rows.get(i).ratio("pytorch"), true, goals[i], "x"));
            }
        }
        Map<String, Object> header = header(cpu, jvm, started, loadBefore, loadAfter, peak, coreType, peers, rows);
        header.put("jvm_plain", plainJvm.describe());
        header.put("openblas_coretype_reason", o.coreType() != null ? "given with --coretype"
                : "the best AVX2 kernel for " + cpu.vendor() + " (Zen on AMD, Haswell elsewhere), to pair with gradc's 256-bit species");
        if (o.json()) {
            Map<String, Object> j = new LinkedHashMap<>(header);
            j.put("mode", "avx2");
            List<Object> steps = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                Map<String, Object> m = rowJson(rows.get(i), peak, targets);
                m.put("gradc_plain_median_us", plain.get(i).gradcUs());
                Double pr = rows.get(i).ratio("pytorch");
                Peers.Result p = rows.get(i).peers().get("pytorch");
                m.put("plain_ratio_pytorch", pr == null || p == null ? null : p.medianUs() / plain.get(i).gradcUs());
                steps.add(m);
            }
            j.put("steps", steps);
            j.put("targets", targets.stream().map(Target::toJson).toList());
            System.out.println(json(j));
            return;
        }
        printHeader(header, "AVX2 against AVX2: gradc under -XX:UseAVX=2 (256-bit species) vs PyTorch on OpenBLAS " + coreType
                + ", float32, median µs per step; gradc's plain-Java path beside them");
        System.out.println("plain JVM: " + plainJvm.describe());
        System.out.printf("%-16s %3s %11s %12s %8s %-14s %12s %9s %8s %8s%n", "", "thr", "gradc µs", "PyTorch µs", "ratio", "target",
                "plain µs", "ratio", "GFLOP/s", "of peak");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i), p = plain.get(i);
            Peers.Result pr = r.peers().get("pytorch");
            Double ratio = r.ratio("pytorch");
            Target target = targets.isEmpty() ? null : targets.get(i);
            System.out.printf(Locale.ROOT, "%-16s %3d %11s %12s %8s %-14s %12s %9s %8.1f %7.1f%%%n", r.workload().name() + " " + shortName(r.workload()),
                    r.threads(), us(r.gradcUs()), pr == null ? "-" : us(pr.medianUs()), ratio == null ? (pr == null ? "-" : "refused") : x(ratio),
                    target == null ? "" : target.cell(), us(p.gradcUs()), pr == null || ratio == null ? "-" : x(pr.medianUs() / p.gradcUs()),
                    r.gflops(), 100 * r.gflops() / peak);
        }
        System.out.println("ratio = PyTorch µs / gradc µs (above 1: gradc faster); 'of peak' against the FMA peak under UseAVX=2.");
        printTargets(targets);
    }

    // ---------------------------------------------------------------- the FMA peak

    /** GFLOP/s of {@link FmaPeakBenchmark} in a fork started as {@code jvm}, at that JVM's species length. */
    static double fmaPeak(Options o, Jvm jvm, JvmInfo info) throws RunnerException {
        if (info.speciesBits() <= 0) return Double.NaN;
        RunResult r = run(FmaPeakBenchmark.class, o.quick(), Map.of(), jvm).values().iterator().next();
        double nsPerCall = median(r);
        long flops = 2L * FmaPeakBenchmark.ACCUMULATORS * (info.speciesBits() / 32) * FmaPeakBenchmark.TRIPS;
        return flops / nsPerCall;
    }

    // ---------------------------------------------------------------- JVMs, JMH

    /** {@code Compare --describe}: one JSON line about this JVM, for the parent. */
    private static void describeThisJvm() {
        boolean vector = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        String useAvx = null;
        try {
            useAvx = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class).getVMOption("UseAVX").getValue();
        } catch (RuntimeException e) {
            // not HotSpot on x86
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("java", System.getProperty("java.version"));
        m.put("vm", System.getProperty("java.vm.name"));
        m.put("species_bits", vector ? FmaPeakBenchmark.SPECIES.vectorBitSize() : 0);
        m.put("use_avx", useAvx);
        m.put("kernels", MatMul.implementation());
        System.out.println(json(m).replaceAll("\n\\s*", " ")); // one line (strings escape their newlines)
    }

    /** Starts a JVM the way {@code jvm}'s forks are started and asks it about itself. */
    static JvmInfo describe(Jvm jvm) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(jvm.flags());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Compare.class.getName(), "--describe"));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException("cannot start a JVM with " + jvm.flags() + ":\n" + out);
        for (String line : out.split("\n")) {
            if (!line.startsWith("{")) continue;
            Map<String, String> m = Peers.parse(line);
            return new JvmInfo(m.get("java"), m.get("vm"), Integer.parseInt(m.get("species_bits")), m.get("use_avx"), m.get("kernels"));
        }
        throw new IOException("a JVM with " + jvm.flags() + " did not describe itself:\n" + out);
    }

    /** Runs one benchmark class over the given parameters in forks started as {@code jvm}; results by the "workload" parameter. */
    static Map<String, RunResult> run(Class<?> benchmark, boolean quick, Map<String, List<String>> params, Jvm jvm) throws RunnerException {
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include(benchmark.getName() + "\\.")
                .verbosity(Boolean.getBoolean("gradc.bench.verbose") ? VerboseMode.NORMAL : VerboseMode.SILENT)
                // both set, so neither the annotations' nor this JVM's flags leak into the fork
                .jvmArgs(jvm.flags().toArray(String[]::new))
                .jvmArgsAppend("-Dgradc.bench.kernels=" + jvm.kernels());
        params.forEach((k, v) -> o.param(k, v.toArray(String[]::new)));
        if (quick) {
            o.warmupIterations(2).warmupTime(TimeValue.milliseconds(500)).measurementIterations(2).measurementTime(TimeValue.milliseconds(500));
        }
        System.err.println("running " + benchmark.getSimpleName() + (params.isEmpty() ? "" : " " + params) + " (" + jvm.label() + ") ...");
        Map<String, RunResult> out = new LinkedHashMap<>();
        for (RunResult r : new Runner(o.build()).run()) {
            String key = r.getParams().getParam("workload");
            out.put(key == null ? "" : key, r);
        }
        return out;
    }

    /**
     * The median sample, in the benchmark's unit (µs for steps, ms for compiles, ns for the FMA
     * loop): the median of each measured iteration's median (the run's aggregate statistics
     * summarize iteration means).
     */
    static double median(RunResult r) {
        List<Double> medians = new ArrayList<>();
        for (BenchmarkResult b : r.getBenchmarkResults()) {
            for (IterationResult i : b.getIterationResults()) medians.add(i.getPrimaryResult().getStatistics().getPercentile(50));
        }
        return median(medians);
    }

    static double median(List<Double> values) {
        List<Double> v = new ArrayList<>(values);
        v.sort(null);
        int n = v.size();
        if (n == 0) return Double.NaN;
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    /**
     * Bytes allocated per step after warm-up, by the stepping thread and the pool's helpers,
     * measured here rather than by JMH's GC profiler, whose figure includes JMH's own sampling.
     * Warm-up runs until C2 has compiled the Vector API tiles, which box their vectors before: at
     * least 4 s (and 50 steps); on a loaded machine that may not be enough for W4, so a window
     * that allocated is followed by more warm-up and another window, up to three.
     */
    static double allocatedPerStep(Workload w, int threads) {
        Trainer t = w.trainer(w.compile());
        t.setThreads(threads);
        t.setLearningRate(1e-4);
        try {
            com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            double perStep = Double.NaN;
            for (int window = 0; window < 3 && !(perStep == 0); window++) {
                long end = System.nanoTime() + 4_000_000_000L;
                int warm = 0;
                while (warm < 20_000 && (System.nanoTime() < end || warm < 50)) {
                    t.step();
                    warm++;
                }
                long[] ids = Thread.getAllStackTraces().keySet().stream()
                        .filter(th -> th == Thread.currentThread() || th.getName().startsWith("gradc-worker-"))
                        .mapToLong(Thread::getId).toArray();
                long before = sum(mx.getThreadAllocatedBytes(ids));
                long calibration = sum(mx.getThreadAllocatedBytes(ids)) - before;
                before = sum(mx.getThreadAllocatedBytes(ids));
                int steps = Math.max(20, Math.min(1000, warm / 10));
                for (int i = 0; i < steps; i++) t.step();
                perStep = (double) (sum(mx.getThreadAllocatedBytes(ids)) - before - calibration) / steps;
            }
            return perStep;
        } finally {
            t.setThreads(1);
        }
    }

    private static long sum(long[] values) {
        long s = 0;
        for (long v : values) s += v;
        return s;
    }

    // ---------------------------------------------------------------- output

    /** What every report starts with: when, where, on what, against what. */
    static Map<String, Object> header(Cpu cpu, JvmInfo jvm, String started, String loadBefore, String loadAfter, double peak,
                                      String coreType, Map<String, Peers.Peer> peers, List<Row> rows) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("date", started);
        h.put("cpu", cpu.describe());
        h.put("cpu_model", cpu.model());
        h.put("cpu_vendor", cpu.vendor());
        h.put("isa", cpu.isa());
        h.put("avx512", cpu.avx512());
        h.put("load_average_before", loadBefore);
        h.put("load_average_after", loadAfter);
        h.put("busy_warning", busy(loadBefore, loadAfter));
        h.put("jvm", jvm == null ? null : jvm.describe());
        h.put("fma_peak_gflops", Double.isNaN(peak) ? null : peak);
        h.put("fma_peak_method", "register-only Vector API loop, " + FmaPeakBenchmark.ACCUMULATORS + " accumulators of "
                + (jvm == null ? "?" : jvm.speciesBits()) + "-bit FloatVector, f32, 1 thread");
        h.put("openblas_coretype", coreType);
        h.put("openblas_coretype_reason", coreType == null ? "none chosen (no AVX on this CPU): OpenBLAS chooses"
                : "the best kernel for an " + cpu.isa() + " " + cpu.vendor() + " CPU, from /proc/cpuinfo");
        h.put("threads", "gradc: setThreads(n) in its JMH fork; peers: OMP_NUM_THREADS = OPENBLAS_NUM_THREADS = n (n > 1: OMP_WAIT_POLICY=PASSIVE), "
                + "every inherited OPENBLAS_* removed, one process per workload and thread count");
        Map<String, Object> p = new LinkedHashMap<>();
        for (var e : peers.entrySet()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("describe", e.getValue().describe());
            Peers.Result any = rows.isEmpty() ? null : rows.get(0).peers().get(e.getKey());
            m.put("blas", any == null ? null : any.blas());
            m.put("kernel", any == null ? null : any.kernel());
            m.put("ratio_refused", any == null ? null : any.refusal());
            p.put(e.getKey(), m);
        }
        h.put("peers", p);
        return h;
    }

    @SuppressWarnings("unchecked")
    static void printHeader(Map<String, Object> h, String title) {
        System.out.println(title + " (" + h.get("date") + ")");
        System.out.println("CPU:      " + h.get("cpu") + "; load average " + h.get("load_average_before") + " before, " + h.get("load_average_after") + " after");
        System.out.println("JVM:      " + h.get("jvm"));
        Object peak = h.get("fma_peak_gflops");
        System.out.println("FMA peak: " + (peak == null ? "not measured (no Vector API)" : String.format(Locale.ROOT, "%.1f GFLOP/s", (Double) peak))
                + " (" + h.get("fma_peak_method") + ")");
        System.out.println("OpenBLAS: OPENBLAS_CORETYPE=" + h.get("openblas_coretype") + " for the peers' processes only (" + h.get("openblas_coretype_reason") + ")");
        Map<String, Object> peers = (Map<String, Object>) h.get("peers");
        if (peers.isEmpty()) System.out.println("peers:    none run (--no-peer, or no python3 with torch)");
        for (var e : peers.entrySet()) {
            Map<String, Object> m = (Map<String, Object>) e.getValue();
            System.out.println(String.format("%-9s ", e.getKey() + ":") + m.get("describe") + "; " + m.get("blas"));
            if (m.get("ratio_refused") != null) System.out.println("          NO RATIO against " + e.getKey() + ": " + m.get("ratio_refused"));
        }
        System.out.println("threads:  " + h.get("threads"));
        String busy = busy(String.valueOf(h.get("load_average_before")), String.valueOf(h.get("load_average_after")));
        if (busy != null) System.out.println("WARNING:  " + busy);
    }

    /**
     * A warning when other work shared the cores during the run, or null: the 1-minute load average
     * before the run, or after it less the one thread the run itself kept busy, above three quarters
     * of the processors.
     */
    static String busy(String before, String after) {
        int cpus = Runtime.getRuntime().availableProcessors();
        double worst = Math.max(load(before), load(after) - 1);
        return worst > 0.75 * cpus ? String.format(Locale.ROOT, "a load average of %s before and %s after on %d processors: other processes "
                + "shared the cores, so absolute times are inflated and ratios noisy; repeat on a quiet machine", first(before), first(after), cpus) : null;
    }

    private static String first(String loadAverage) {
        return loadAverage.trim().split("\\s+")[0];
    }

    private static double load(String loadAverage) {
        try {
            return Double.parseDouble(first(loadAverage));
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static void printRows(List<Row> rows, Set<String> peers, double peak, List<Target> targets, String peakLabel, boolean alloc) {
        StringBuilder head = new StringBuilder(String.format("%-16s %3s %11s", "", "thr", "gradc µs"));
        for (String p : PEER_ORDER) {
            if (!peers.contains(p)) continue;
            head.append(String.format(" %12s %8s %-14s", name(p) + " µs", "ratio", "target"));
        }
        head.append(String.format(" %8s %8s", "GFLOP/s", peakLabel));
        if (alloc) head.append(String.format(" %10s", "bytes/step"));
        System.out.println(head);
        for (Row r : rows) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-16s %3d %11s", r.workload().name() + " " + shortName(r.workload()),
                    r.threads(), us(r.gradcUs())));
            for (String p : PEER_ORDER) {
                if (!peers.contains(p)) continue;
                Peers.Result res = r.peers().get(p);
                Double ratio = r.ratio(p);
                Target t = targetFor(targets, r, p);
                line.append(String.format(Locale.ROOT, " %12s %8s %-14s", res == null ? "-" : us(res.medianUs()),
                        ratio == null ? (res == null ? "-" : "refused") : x(ratio), t == null ? "" : t.cell()));
            }
            line.append(String.format(Locale.ROOT, " %8.1f %7.1f%%", r.gflops(), 100 * r.gflops() / peak));
            if (alloc) line.append(String.format(Locale.ROOT, " %10s", r.allocBytes() == null ? "-" : String.format(Locale.ROOT, "%.0f", r.allocBytes())));
            System.out.println(line);
        }
    }

    /** The target a row's ratio against a peer is measured by, or null. */
    static Target targetFor(List<Target> targets, Row r, String peer) {
        String w = r.workload().name();
        for (Target t : targets) {
            if (peer.equals("pytorch") && r.threads() == 1 && t.name().startsWith(w + " >= ") && t.name().endsWith("x PyTorch")) return t;
            if (peer.equals("pytorch") && r.threads() == 2 && t.name().startsWith(w + " 2 threads >= ") && t.name().endsWith("PyTorch 2 threads")) return t;
            if (peer.equals("dl4j") && r.threads() == 1 && t.name().equals(w + " faster than DL4J")) return t;
        }
        return null;
    }

    static Target find(List<Target> targets, String name) {
        for (Target t : targets) if (t.name().equals(name)) return t;
        return new Target(name, null, true, 0, "");
    }

    static void printTargets(List<Target> targets) {
        long met = targets.stream().filter(t -> Boolean.TRUE.equals(t.met())).count();
        long missed = targets.stream().filter(t -> Boolean.FALSE.equals(t.met())).count();
        System.out.printf("targets (issue 10): %d met, %d missed, %d not measured%n", met, missed, targets.size() - met - missed);
        for (Target t : targets) {
            System.out.printf(Locale.ROOT, "  %-7s %-48s %s%n", t.verdict().equals("not measured") ? "-" : t.verdict(), t.name(),
                    t.measured() == null || t.measured().isNaN() ? "" : "measured " + format(t.measured()) + t.unit().trim());
        }
    }

    private static Map<String, Object> rowJson(Row r, double peak, List<Target> targets) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("workload", r.workload().name());
        m.put("description", r.workload().description);
        m.put("threads", r.threads());
        m.put("gradc_median_us", r.gradcUs());
        m.put("flops_per_step", r.flops());
        m.put("gflops", r.gflops());
        m.put("fraction_of_fma_peak", Double.isNaN(peak) ? null : r.gflops() / peak);
        m.put("bytes_per_step", r.allocBytes());
        for (String p : PEER_ORDER) {
            Peers.Result res = r.peers().get(p);
            if (res == null) continue;
            Map<String, Object> pm = new LinkedHashMap<>();
            pm.put("median_us", res.medianUs());
            pm.put("ratio", r.ratio(p));
            pm.put("ratio_refused", res.refusal());
            pm.put("kernel", res.kernel());
            Target t = targetFor(targets, r, p);
            pm.put("target", t == null ? null : t.goal());
            pm.put("met", t == null ? null : t.met());
            m.put(p, pm);
        }
        return m;
    }

    static String name(String peer) {
        return peer.equals("pytorch") ? "PyTorch" : peer.equals("dl4j") ? "DL4J" : peer;
    }

    static String shortName(Workload w) {
        return w.description.split(" ")[0];
    }

    static String us(double v) {
        return v >= 1000 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    static String x(double ratio) {
        return String.format(Locale.ROOT, ratio >= 10 ? "%.1fx" : "%.2fx", ratio);
    }

    private static String format(double v) {
        return Math.abs(v) >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    static String now() {
        return ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    /** JSON of maps, lists, strings, numbers, booleans and nulls. */
    static String json(Object v) {
        StringBuilder b = new StringBuilder();
        json(v, b, "");
        return b.toString();
    }

    private static void json(Object v, StringBuilder b, String indent) {
        if (v == null) {
            b.append("null");
        } else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                b.append("{}");
                return;
            }
            b.append("{\n");
            int i = 0;
            for (var e : m.entrySet()) {
                b.append(indent).append("  ");
                string(String.valueOf(e.getKey()), b);
                b.append(": ");
                json(e.getValue(), b, indent + "  ");
                b.append(++i < m.size() ? ",\n" : "\n");
            }
            b.append(indent).append('}');
        } else if (v instanceof List<?> l) {
            if (l.isEmpty()) {
                b.append("[]");
                return;
            }
            b.append("[\n");
            for (int i = 0; i < l.size(); i++) {
                b.append(indent).append("  ");
                json(l.get(i), b, indent + "  ");
                b.append(i + 1 < l.size() ? ",\n" : "\n");
            }
            b.append(indent).append(']');
        } else if (v instanceof Double d) {
            // six significant digits, no exponent: "13.6", "27512.3", "0.0001234"
            b.append(d.isNaN() || d.isInfinite() ? "null"
                    : new java.math.BigDecimal(d).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString());
        } else if (v instanceof Number || v instanceof Boolean) {
            b.append(v);
        } else {
            string(v.toString(), b);
        }
    }

    private static void string(String s, StringBuilder b) {
        b.append('"');
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        b.append('"');
    }
}
