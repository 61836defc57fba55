package dev.gradc.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench/compare --e2e}: gradc's jobs as whole processes against PyTorch scripts of the same
 * jobs: the moons main job ({@code ./gradc train samples/moons/Moons.grad} against
 * {@code bench/peers/pytorch_moons.py}) and the Fashion-MNIST sample, 5 epochs
 * ({@code ./gradc train samples/fashion-mnist/FashionMnist.grad --epochs 5} against
 * {@code bench/peers/pytorch_fashion_mnist.py}). Each side runs once to warm up (and build gradc
 * if its sources changed), not counted, then N times alternating gradc, peer, gradc, peer, ...;
 * each run is measured by {@code bench/peers/rusage.py} (wall time, user and system CPU seconds,
 * and peak RSS from {@code os.wait4}), and the medians are compared. One thread on each side:
 * gradc's default, and {@code OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=1} with OpenBLAS on its best
 * kernel for the peer.
 */
final class EndToEnd {
    private EndToEnd() {}

    static final Path RUSAGE = Path.of("bench/peers/rusage.py");
    static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");

    /** A job: its two commands and how its accuracy is read from their output. */
    record Job(String name, String title, List<String> gradc, List<String> peer, Pattern accuracy, String accuracyLabel) {}

    /** One measured process. */
    record Run(double wallS, double userS, double sysS, double cpuS, double rssMb, String output) {
        Double accuracy(Pattern p) {
            Matcher m = p.matcher(output);
            Double last = null;
            while (m.find()) last = Double.parseDouble(m.group(1));
            return last;
        }

        /** µs per training step, as the program itself reports its time in step(). */
        Double usPerStep() {
            Matcher m = PER_STEP.matcher(output);
            return m.find() ? Double.parseDouble(m.group(1)) : null;
        }

        /** Seconds in step() of each epoch, in order. */
        List<Double> epochSeconds() {
            List<Double> out = new ArrayList<>();
            Matcher m = EPOCH.matcher(output);
            while (m.find()) out.add(Double.parseDouble(m.group(2)));
            return out;
        }

        /** The first epoch's time in step() over the median of the later ones, or null. */
        Double firstEpochRatio() {
            List<Double> e = epochSeconds();
            if (e.size() < 2) return null;
            return e.get(0) / Compare.median(e.subList(1, e.size()));
        }
    }

    static final Pattern PER_STEP = Pattern.compile("([0-9.]+) \\S+ per step");
    static final Pattern EPOCH = Pattern.compile("epoch\\s+(\\d+)/\\d+[^\\n]*?([0-9.]+) s in step\\(\\)");
    static final Pattern TEST_ACCURACY = Pattern.compile("test loss [0-9.]+, accuracy ([0-9.]+)%");
    static final Pattern TRAIN_ACCURACY = Pattern.compile("training accuracy ([0-9.]+)%");
    static final Pattern PEER_BLAS = Pattern.compile("(?m)^blas: (.*), kernel (\\S+)$");
    static final Pattern GRADC_KERNELS = Pattern.compile("matrix products: ([^\\n]*)");

    /** Both sides of one job. */
    record Outcome(Job job, List<Run> gradc, List<Run> peer) {
        static double median(List<Run> runs, ToDoubleFunction<Run> f) {
            List<Double> v = new ArrayList<>();
            for (Run r : runs) v.add(f.applyAsDouble(r));
            return Compare.median(v);
        }

        static Double medianOf(List<Run> runs, java.util.function.Function<Run, Double> f) {
            List<Double> v = new ArrayList<>();
            for (Run r : runs) {
                Double d = f.apply(r);
                if (d != null) v.add(d);
            }
            return v.isEmpty() ? null : Compare.median(v);
        }

        double ratio(ToDoubleFunction<Run> f) {
            return median(gradc, f) / median(peer, f);
        }
    }

    static void main(Compare.Options o, Cpu cpu) throws Exception {
        String started = Compare.now(), loadBefore = Compare.loadAverage();
        String python = Peers.python();
        if (python == null) {
            System.err.println("bench/compare --e2e: needs a python3 that imports torch (Debian: apt-get install python3-torch libopenblas0-pthread); "
                    + "it also measures gradc's processes (bench/peers/rusage.py)");
            System.exit(1);
        }
        String coreType = o.coreType() != null ? o.coreType() : cpu.bestCoreType();
        int runs = o.quick() ? 1 : o.runs();
        Path tmp = Files.createTempDirectory("gradc-e2e");
        List<Job> jobs = new ArrayList<>();
        jobs.add(new Job("moons", "moons main job (100 full-batch steps)",
                List.of("./gradc", "train", "samples/moons/Moons.grad", "--save", tmp.resolve("Moons.npz").toString()),
                List.of(python, "bench/peers/pytorch_moons.py", "--save", tmp.resolve("Moons-pytorch.npz").toString()),
                TRAIN_ACCURACY, "train"));
        String epochs = o.quick() ? "1" : "5";
        if (Files.exists(FASHION_MNIST.resolve("train-images-idx3-ubyte.gz"))) {
            jobs.add(new Job("fashion-mnist", "Fashion-MNIST sample (" + epochs + (epochs.equals("1") ? " epoch" : " epochs") + ", batch 128, Adam)",
                    List.of("./gradc", "train", "samples/fashion-mnist/FashionMnist.grad", "--epochs", epochs, "--save", tmp.resolve("FashionMnist.npz").toString()),
                    List.of(python, "bench/peers/pytorch_fashion_mnist.py", "--epochs", epochs, "--save", tmp.resolve("FashionMnist-pytorch.npz").toString()),
                    TEST_ACCURACY, "test"));
        } else {
            System.err.println("Fashion-MNIST job skipped: " + FASHION_MNIST + " not found (apt-get install dataset-fashion-mnist)");
        }

        List<Outcome> outcomes = new ArrayList<>();
        for (Job job : jobs) {
            System.err.println("e2e " + job.name() + ": one warm-up run of each (not counted), then " + runs + " of each, alternating ...");
            measure(python, job.gradc(), null, tmp);
            measure(python, job.peer(), coreType, tmp);
            List<Run> g = new ArrayList<>(), p = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                g.add(measure(python, job.gradc(), null, tmp));
                p.add(measure(python, job.peer(), coreType, tmp));
            }
            outcomes.add(new Outcome(job, g, p));
        }
        String loadAfter = Compare.loadAverage();

        String peerBlas = "unknown", peerKernel = "unknown", gradcKernels = "unknown";
        Run anyPeer = outcomes.get(0).peer().get(0), anyGradc = outcomes.get(0).gradc().get(0);
        Matcher b = PEER_BLAS.matcher(anyPeer.output());
        if (b.find()) {
            peerBlas = b.group(1) + ", kernel " + b.group(2);
            peerKernel = b.group(2);
        }
        Matcher k = GRADC_KERNELS.matcher(anyGradc.output());
        if (k.find()) gradcKernels = k.group(1);
        String refusal = Cpu.refusal(peerKernel, coreType);

        List<Compare.Target> targets = targets(outcomes, refusal);
        if (o.json()) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("mode", "e2e");
            j.put("date", started);
            j.put("cpu", cpu.describe());
            j.put("load_average_before", loadBefore);
            j.put("load_average_after", loadAfter);
            j.put("busy_warning", Compare.busy(loadBefore, loadAfter));
            j.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
            j.put("gradc_matrix_products", gradcKernels);
            j.put("openblas_coretype", coreType);
            j.put("pytorch_blas", peerBlas);
            j.put("ratio_refused", refusal);
            j.put("runs", runs);
            j.put("threads", 1);
            List<Object> js = new ArrayList<>();
            for (Outcome out : outcomes) js.add(jobJson(out, refusal));
            j.put("jobs", js);
            j.put("targets", targets.stream().map(Compare.Target::toJson).toList());
            System.out.println(Compare.json(j));
            return;
        }
        System.out.println("end to end: whole processes, gradc against PyTorch, medians of " + runs + " runs each (alternating; one warm-up run each not counted) ("
                + started + ")");
        System.out.println("CPU:      " + cpu.describe() + "; load average " + loadBefore + " before, " + loadAfter + " after");
        System.out.println("gradc:    ./gradc (" + System.getProperty("java.vm.name") + " " + System.getProperty("java.version") + "), matrix products: " + gradcKernels);
        System.out.println("PyTorch:  " + python + ", OPENBLAS_CORETYPE=" + coreType + " -> " + peerBlas);
        if (refusal != null) System.out.println("          NO RATIO: " + refusal);
        String busy = Compare.busy(loadBefore, loadAfter);
        System.out.println("threads:  1 each (gradc's default; the peer with OMP_NUM_THREADS=OPENBLAS_NUM_THREADS=1); "
                + "measured: wall, user+sys CPU seconds and peak RSS of the process tree (os.wait4)");
        if (busy != null) System.out.println("WARNING:  " + busy);
        System.out.printf("%-50s %-14s %9s %15s %8s %13s %14s %10s%n", "job", "", "wall s", "(min-max)", "CPU s", "peak RSS MB", "accuracy", "µs/step");
        for (Outcome out : outcomes) {
            printSide(out.job().title(), "gradc", out.gradc(), out.job());
            printSide("", "PyTorch", out.peer(), out.job());
            if (refusal == null) {
                Double gs = Outcome.medianOf(out.gradc(), Run::usPerStep), ps = Outcome.medianOf(out.peer(), Run::usPerStep);
                System.out.printf(Locale.ROOT, "%-50s %-14s %9s %15s %8s %13s %14s %10s%n", "", "gradc:PyTorch", Compare.x(out.ratio(Run::wallS)), "",
                        Compare.x(out.ratio(Run::cpuS)), Compare.x(out.ratio(Run::rssMb)), "", gs == null || ps == null ? "" : Compare.x(gs / ps));
            }
        }
        Outcome fashion = outcomes.stream().filter(x -> x.job().name().equals("fashion-mnist")).findFirst().orElse(null);
        if (fashion != null) {
            Double e = Outcome.medianOf(fashion.gradc(), Run::firstEpochRatio);
            List<Double> epochsG = fashion.gradc().get(fashion.gradc().size() - 1).epochSeconds();
            System.out.println("gradc's seconds in step() per epoch (last run): " + epochsG + (e == null ? "" : String.format(Locale.ROOT,
                    "; first epoch %.2fx the median later one", e)));
            System.out.println("PyTorch's: " + fashion.peer().get(fashion.peer().size() - 1).epochSeconds());
        }
        System.out.println("gradc:PyTorch = gradc's median over PyTorch's (below 1: gradc takes less); µs/step: each program's own time in its training step.");
        Compare.printTargets(targets);
    }

    private static void printSide(String title, String side, List<Run> runs, Job job) {
        double lo = runs.stream().mapToDouble(Run::wallS).min().orElse(Double.NaN), hi = runs.stream().mapToDouble(Run::wallS).max().orElse(Double.NaN);
        Double acc = Outcome.medianOf(runs, r -> r.accuracy(job.accuracy()));
        Double us = Outcome.medianOf(runs, Run::usPerStep);
        System.out.printf(Locale.ROOT, "%-50s %-14s %9.2f %15s %8.2f %13.0f %14s %10s%n", title, side, Outcome.median(runs, Run::wallS),
                String.format(Locale.ROOT, "(%.2f-%.2f)", lo, hi), Outcome.median(runs, Run::cpuS), Outcome.median(runs, Run::rssMb),
                acc == null ? "-" : String.format(Locale.ROOT, "%.1f%% %s", acc, job.accuracyLabel()), us == null ? "-" : Compare.us(us));
    }

    /** Issue 10's whole-process targets. */
    static List<Compare.Target> targets(List<Outcome> outcomes, String refusal) {
        List<Compare.Target> t = new ArrayList<>();
        for (Outcome out : outcomes) {
            if (out.job().name().equals("moons")) {
                Double g = Outcome.medianOf(out.gradc(), Run::usPerStep), p = Outcome.medianOf(out.peer(), Run::usPerStep);
                t.add(new Compare.Target("moons, fresh JVM: mean step <= PyTorch's (ratio)", refusal != null || g == null || p == null ? null : g / p, false, 1, "x"));
            } else {
                t.add(new Compare.Target("fashion-mnist wall <= 0.5x PyTorch", refusal != null ? null : out.ratio(Run::wallS), false, 0.5, "x"));
                t.add(new Compare.Target("fashion-mnist peak RSS <= PyTorch's (ratio)", refusal != null ? null : out.ratio(Run::rssMb), false, 1, "x"));
                t.add(new Compare.Target("fashion-mnist test accuracy >= 86%", Outcome.medianOf(out.gradc(), r -> r.accuracy(out.job().accuracy())), true, 86, "%"));
                t.add(new Compare.Target("fashion-mnist first epoch <= 1.2x a later one", Outcome.medianOf(out.gradc(), Run::firstEpochRatio), false, 1.2, "x"));
            }
        }
        return t;
    }

    private static Map<String, Object> jobJson(Outcome out, String refusal) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("job", out.job().name());
        m.put("title", out.job().title());
        m.put("gradc_command", String.join(" ", out.job().gradc()));
        m.put("pytorch_command", String.join(" ", out.job().peer()));
        m.put("gradc", sideJson(out.gradc(), out.job()));
        m.put("pytorch", sideJson(out.peer(), out.job()));
        Map<String, Object> r = new LinkedHashMap<>();
        if (refusal == null) {
            r.put("wall", out.ratio(Run::wallS));
            r.put("cpu", out.ratio(Run::cpuS));
            r.put("peak_rss", out.ratio(Run::rssMb));
        }
        m.put("gradc_over_pytorch", r);
        return m;
    }

    private static Map<String, Object> sideJson(List<Run> runs, Job job) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("median_wall_s", Outcome.median(runs, Run::wallS));
        m.put("median_cpu_s", Outcome.median(runs, Run::cpuS));
        m.put("median_user_s", Outcome.median(runs, Run::userS));
        m.put("median_sys_s", Outcome.median(runs, Run::sysS));
        m.put("median_peak_rss_mb", Outcome.median(runs, Run::rssMb));
        m.put("accuracy_percent", Outcome.medianOf(runs, r -> r.accuracy(job.accuracy())));
        m.put("accuracy_of", job.accuracyLabel());
        m.put("us_per_step", Outcome.medianOf(runs, Run::usPerStep));
        m.put("first_epoch_over_later", Outcome.medianOf(runs, Run::firstEpochRatio));
        List<Object> rs = new ArrayList<>();
        for (Run r : runs) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("wall_s", r.wallS());
            x.put("cpu_s", r.cpuS());
            x.put("peak_rss_mb", r.rssMb());
            rs.add(x);
        }
        m.put("runs", rs);
        return m;
    }

    /** Runs {@code command} under {@code rusage.py}; a peer (coreType given or not) gets the peer's environment. */
    private static Run measure(String python, List<String> command, String coreType, Path tmp) throws IOException, InterruptedException {
        boolean peer = !command.get(0).equals("./gradc");
        Path log = Files.createTempFile(tmp, "run", ".log");
        List<String> cmd = new ArrayList<>(List.of(python, RUSAGE.toString(), "--out", log.toString(), "--"));
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        if (peer) Peers.environment(pb.environment(), 1, coreType);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException("rusage.py failed on " + command + ":\n" + out);
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Map<String, String> m = null;
        for (String line : out.split("\n")) if (line.startsWith("{")) m = Peers.parse(line);
        if (m == null) throw new IOException("rusage.py printed nothing for " + command + ":\n" + out);
        if (!"0".equals(m.get("exit"))) throw new IOException(command + " exited with " + m.get("exit") + ":\n" + output);
        return new Run(Double.parseDouble(m.get("wall_s")), Double.parseDouble(m.get("user_s")), Double.parseDouble(m.get("sys_s")),
                Double.parseDouble(m.get("cpu_s")), Double.parseDouble(m.get("maxrss_kib")) / 1024.0, output);
    }
}
