package dev.gradc.compiler.cli;

import dev.gradc.compiler.Compilation;
import dev.gradc.runtime.Checkpoint;
import dev.gradc.runtime.DType;
import dev.gradc.runtime.Dataset;
import dev.gradc.runtime.DivergenceException;
import dev.gradc.runtime.LearningRate;
import dev.gradc.runtime.Npz;
import dev.gradc.runtime.TensorInfo;
import dev.gradc.runtime.TensorView;
import dev.gradc.runtime.Trainer;
import dev.gradc.runtime.Training;
import dev.gradc.runtime.internal.VectorPath;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gradc train Model.grad}: compiles in memory and trains. Defaults for a model's options may
 * sit beside it in {@code Model.train} ({@code option = value} lines, option names without dashes);
 * options given on the command line win.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Compile a model in memory and train it on a data set.")
final class TrainCommand implements Callable<Integer> {
    /** The exit code of a run stopped by Ctrl-C, as a shell reports a process ended by SIGINT. */
    static final int INTERRUPTED = 130;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "MODEL.grad", description = "Model file.")
    Path model;

    @Mixin
    DataOptions data = new DataOptions();

    @Option(names = "--test-data", paramLabel = "SET", description = "Held-out data, same forms (a synthetic set is drawn with "
            + "seed+1; fashion-mnist brings its own test set).")
    String testData;

    @Option(names = "--steps", paramLabel = "N", defaultValue = "100", description = "Training steps, unless --epochs is given (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--epochs", paramLabel = "N", defaultValue = "0", description = "Passes over the training data (overrides --steps).")
    int epochs;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "0", description = "Batch size; 0 for the whole data set (default).")
    int batch;

    @Option(names = "--lr", paramLabel = "X", description = "Initial learning rate, at least 0 (default: the model's optimizer's).")
    Double lr;

    @Option(names = "--lr-schedule", paramLabel = "NAME", defaultValue = "constant", description = "constant, step, linear or cosine (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--lr-end", paramLabel = "X", defaultValue = "0", description = "Rate that linear and cosine reach at the last step.")
    double lrEnd;

    @Option(names = "--lr-every", paramLabel = "N", defaultValue = "1000", description = "Steps between decays of the step schedule.")
    int lrEvery;

    @Option(names = "--lr-gamma", paramLabel = "X", defaultValue = "0.1", description = "Factor of each decay of the step schedule.")
    double lrGamma;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "0", description = "Steps of linear warm-up before the schedule.")
    int warmup;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed of weights, data and shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--float64", description = "Train in double precision (default: float32).")
    boolean float64;

    @Option(names = "--init", paramLabel = "PARAMS.npz", description = "Start from these parameters (NumPy .npz, or a checkpoint's) instead of the initializers.")
    Path init;

    @Option(names = "--save", paramLabel = "PARAMS.npz", description = "Where to write the trained parameters (default: MODEL.npz in the current directory).")
    Path save;

    @Option(names = "--resume", paramLabel = "CHECKPOINT.npz", description = "Continue the run this checkpoint was written by, exactly "
            + "(give the same data and options; --steps or --epochs may be raised).")
    Path resume;

    @Option(names = "--checkpoint", paramLabel = "CHECKPOINT.npz", description = "Where checkpoints go: every --save-every, at the end "
            + "of the run, and when interrupted (Ctrl-C, SIGTERM). {step} and {epoch} in the name are replaced. "
            + "Default: the --resume file, else PARAMS.ckpt.npz beside --save.")
    String checkpoint;

    @Option(names = "--save-every", paramLabel = "N", defaultValue = "0", description = "Write a checkpoint every N steps, or N epochs "
            + "with --epochs; 0 for none but at the end and when interrupted (default).")
    int saveEvery;

    @Option(names = "--history", paramLabel = "FILE", description = "Write the run's history (per step, or per epoch with --epochs: "
            + "loss, metrics, learning rate, time) as FILE.csv or FILE.jsonl.")
    Path history;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "Draw the loss (and accuracy or mse, and the test set's) "
            + "against steps or epochs as a PNG picture.")
    Path plot;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1", description = "Threads large matrix products are split across "
            + "(default: ${DEFAULT-VALUE}; small products stay on one thread either way).")
    int threads;

    @Option(names = "--print-every", paramLabel = "N", defaultValue = "10", description = "Progress every N steps, or N epochs with --epochs; 0 for none (default: ${DEFAULT-VALUE}).")
    int printEvery;

    @Option(names = {"-q", "--quiet"}, description = "No progress during the run: the set-up, the result and the files written only.")
    boolean quiet;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        checkOptions();
        KernelChoice.beforeCompile(float64, data);
        long compileStart = System.nanoTime();
        Compilation c = ModelFiles.compile(model, float64, null, spec.commandLine().getErr());
        double compileMs = (System.nanoTime() - compileStart) / 1e6;
        KernelChoice.afterCompile(float64, data, c);
        LabelRule labelRule = LabelRule.of(c, data.regression());
        Main.Console console = Main.console();
        data.precision = float64 ? DType.FLOAT64 : DType.FLOAT32;
        Dataset train = data.load(data.data, seed, labelRule, console.stdin);
        Dataset test = testData != null ? data.load(testData, seed + 1, labelRule, console.stdin)
                : data.data.equals("fashion-mnist") ? data.load("fashion-mnist-test", seed, labelRule, console.stdin) : null;
        int batchSize = Training.batchFor(batch, train.size());
        String plainKernels = KernelChoice.beforeTraining(float64, data, runSteps(train.size(), batchSize) * c.stepMultiplyAdds(batchSize));
        Path target = save != null ? save : Path.of(c.model().name() + ".npz");
        String checkpointPattern = checkpoint != null ? checkpoint : resume != null ? resume.toString() : siblingCheckpoint(target);
        // Every file the run writes is checked before it trains, not after hours of it.
        writable(target, "parameters");
        writable(Path.of(CheckpointFiles.name(checkpointPattern, 0, 0)), "checkpoints");
        if (history != null) writable(history, "the history");
        if (plot != null) writable(plot, "the plot");
        Trainer trainer = newTrainer(c, batchSize, train, test);
        Checkpoint resumedFrom = null;
        Training.Position from = null;
        if (resume != null) {
            resumedFrom = ParamsFiles.read(resume);
            from = ParamsFiles.resume(trainer, resume, resumedFrom);
        }
        double rate = lr == null ? trainer.learningRate() : lr;
        if (from != null && lr == null) rate = initialRate(resumedFrom, trainer);
        Training.Config config = new Training.Config(steps, epochs, batchSize, schedule(rate), seed,
                data.signed(), data.regression(), printEvery);
        int total;
        try {
            total = config.totalSteps(train.size());
        } catch (IllegalArgumentException e) {
            throw new Main.UsageError("gradc: --epochs " + epochs + " with batches of " + batchSize + " over " + train.size()
                    + " examples: " + e.getMessage() + "; use fewer epochs or larger batches");
        }
        if (from != null && (from.examples() != train.size() || from.batch() != batchSize)) {
            throw new Main.UserError("gradc: cannot resume from " + resume + ": it is of a run over " + from.examples()
                    + " examples in batches of " + from.batch() + "; this one has " + train.size() + " examples in batches of "
                    + batchSize + " (give the data and --batch of that run)");
        }
        if (from != null && from.step() > total) {
            throw new Main.UserError("gradc: cannot resume from " + resume + ": it is at step " + from.step() + ", past the "
                    + total + " steps of this run (give the --steps or --epochs of that run, or more)");
        }

        out.printf(Locale.ROOT, "compiled %s (%s, %d parameters) in %.0f ms; matrix products: %s%s%n", c.model().name(),
                float64 ? "float64" : "float32", parameterCount(trainer), compileMs,
                plainKernels != null && !VectorPath.ON ? plainKernels : trainer.kernels(), threads > 1 ? ", " + threads + " threads" : "");
        out.printf(Locale.ROOT, "training on %s: %d examples, batch %d, %s, %s%n", train.name(), train.size(), batchSize,
                epochs > 0 ? epochs + " epochs of " + config.stepsPerEpoch(train.size()) + " steps" : total + " steps", describeRate(rate));
        if (from != null) {
            out.printf(Locale.ROOT, "resuming from %s at step %d/%d%s%n", resume, from.step(), total,
                    epochs > 0 ? String.format(Locale.ROOT, " (epoch %d/%d)", from.step() / config.stepsPerEpoch(train.size()) + 1, epochs) : "");
        }
        ProgressLine progress = new ProgressLine(out, ProgressLine.mode(quiet, console.terminal, System.getenv("NO_COLOR")), true);
        CheckpointFiles files = new CheckpointFiles(trainer, checkpointPattern, config.stepsPerEpoch(train.size()), rate);
        RunListener listener = new RunListener(progress, files, saveEvery, epochs > 0);
        Interrupt interrupt = new Interrupt();
        listener.interrupt = interrupt;
        Training.Result r;
        interrupt.install();
        try {
            try {
                r = Training.fit(trainer, train, test, config, listener, from);
            } catch (DivergenceException d) {
                progress.clear();
                out.flush();
                throw new Main.UserError(diverged(d, c, config, batchSize, train, target, resumedFrom));
            } finally {
                progress.clear();
                trainer.setThreads(1);
            }
            if (r.stopped()) {
                Path written = files.save(r.position(), out);
                writeHistory(r, out);
                out.printf(Locale.ROOT, "interrupted at step %d/%d%s%n", r.position().step(), total,
                        written == null ? "; nothing saved" : "; continue with: --resume " + written);
                return INTERRUPTED;
            }
            printSummary(out, r, total);
            try {
                trainer.saveParams(target);
            } catch (IOException e) {
                throw new Main.UserError("gradc: cannot write parameters to " + target + ": " + e.getMessage());
            }
            out.println("wrote parameters to " + target);
            if (saveEvery > 0 || checkpoint != null || resume != null) files.save(r.position(), out);
            writeHistory(r, out);
        } finally {
            interrupt.finish();
        }
        return 0;
    }

    /** Steps of the run about to start, for the estimate of its cost (the range checks come later, with the config). */
    private long runSteps(int examples, int batchSize) {
        return epochs > 0 ? (long) epochs * ((examples + batchSize - 1) / batchSize) : Math.max(steps, 0);
    }

    /** The summary, each number labelled: the whole sets measured at the end (dropout off), then the last batch and the time. */
    private static void printSummary(PrintWriter out, Training.Result r, int total) {
        String test = r.test() == null ? "" : String.format(Locale.ROOT, "; test loss %.6f, %s", r.test().loss(), r.test());
        out.printf(Locale.ROOT, "after %d steps, on the whole sets without dropout: training loss %.6f, training %s%s%n", total,
                r.train().loss(), r.train(), test);
        if (r.steps() == 0) { // a resumed run that had reached its last step: no batch to report a loss of
            out.println("no steps run");
            return;
        }
        out.printf(Locale.ROOT, "last batch loss %.6f; %d steps run, %.1f ms in step(), %.1f µs per step%n", r.loss(), r.steps(),
                r.nanos() / 1e6, r.nanos() / 1e3 / r.steps());
    }

    private void writeHistory(Training.Result r, PrintWriter out) {
        String metric = data.regression() ? "mse" : "accuracy";
        if (history != null) {
            try {
                History.write(history, r.history(), metric);
            } catch (IOException e) {
                throw new Main.UserError("gradc: cannot write the history to " + history + ": " + Main.ioMessage(e));
            }
            out.println("wrote the history to " + history + " (" + r.history().size() + " rows, per " + (epochs > 0 ? "epoch" : "step") + ")");
        }
        if (plot != null) {
            try {
                Plot.write(plot, baseName(model), r.history(), metric, epochs > 0);
            } catch (IOException e) {
                throw new Main.UserError("gradc: cannot write the plot to " + plot + ": " + Main.ioMessage(e));
            }
            out.println("wrote the plot to " + plot);
        }
    }

    private static String baseName(Path model) {
        String name = model.getFileName().toString();
        return name.endsWith(".grad") ? name.substring(0, name.length() - 5) : name;
    }

    /** The initial rate of the resumed run: the schedule is rebuilt from the rate of the run's start, kept in the checkpoint. */
    private static double initialRate(Checkpoint c, Trainer t) {
        var a = c.get(CheckpointFiles.INITIAL_RATE);
        return a != null && a.size() == 1 ? a.doubles()[0] : t.learningRate();
    }

    private static String siblingCheckpoint(Path target) {
        String name = target.getFileName().toString();
        String base = name.endsWith(".npz") ? name.substring(0, name.length() - 4) : name;
        Path dir = target.getParent();
        return (dir == null ? Path.of(base + ".ckpt.npz") : dir.resolve(base + ".ckpt.npz")).toString();
    }

    private static void writable(Path file, String what) {
        try {
            Npz.checkWritable(file);
        } catch (IOException e) {
            throw new Main.UserError("gradc: cannot write " + what + " to " + file + ": " + e.getMessage());
        }
    }

    /**
     * What the loop reports, on the console and to disk: progress lines, the status line on a
     * terminal, a checkpoint every {@code --save-every}, and a stop when the process is asked to end.
     */
    static final class RunListener implements Training.Listener {
        final ProgressLine progress;
        final CheckpointFiles files;
        final int saveEvery;
        final boolean byEpochs;
        final long started = System.nanoTime();
        Interrupt interrupt;
        long examples;

        RunListener(ProgressLine progress, CheckpointFiles files, int saveEvery, boolean byEpochs) {
            this.progress = progress;
            this.files = files;
            this.saveEvery = saveEvery;
            this.byEpochs = byEpochs;
        }

        @Override
        public void line(String text) {
            progress.line(text);
        }

        @Override
        public boolean afterStep(Training.Progress p) {
            examples += p.batch();
            boolean last = p.step() == p.totalSteps();
            if (saveEvery > 0 && !last && (byEpochs ? p.endOfEpoch() && p.epoch() % saveEvery == 0 : p.step() % saveEvery == 0)) {
                files.save(p.position(), progress);
            }
            if (progress.mode() == ProgressLine.Mode.TERMINAL && !(byEpochs && p.endOfEpoch()) && !last) {
                long now = System.nanoTime();
                progress.update(now, status(p, now));
            }
            return interrupt == null || !interrupt.requested();
        }

        ProgressLine.Status status(Training.Progress p, long now) {
            double seconds = (now - started) / 1e9;
            int run = p.step() - p.firstStep();
            double perStep = run == 0 ? Double.NaN : seconds / run;
            double left = (p.totalSteps() - p.step()) * perStep;
            double rate = seconds > 0 ? examples / seconds : Double.NaN;
            return byEpochs ? new ProgressLine.Status(p.epoch(), p.epochs(), p.stepInEpoch(), p.stepsPerEpoch(), rate, left, p.epochLoss())
                    : new ProgressLine.Status(0, 0, p.step(), p.totalSteps(), rate, left, p.batchLoss());
        }
    }

    /** Every option in its range, or a usage error naming it and the range (exit code 2). */
    private void checkOptions() {
        data.check();
        Main.atLeast("--steps", steps, 1, "");
        Main.atLeast("--epochs", epochs, 0, " (0 counts --steps instead)");
        Main.atLeast("--batch", batch, 0, " (0 for the whole data set)");
        Main.atLeast("--lr-every", lrEvery, 1, "");
        Main.atLeast("--warmup", warmup, 0, "");
        Main.atLeast("--print-every", printEvery, 0, " (0 for none)");
        Main.atLeast("--save-every", saveEvery, 0, " (0 for none)");
        Main.atLeast("--threads", threads, 1, "");
        if (lr != null && !(lr >= 0 && lr < Double.POSITIVE_INFINITY)) { // 0 evaluates loaded parameters
            throw new Main.UsageError("gradc: --lr must be a finite number of at least 0, got " + lr);
        }
        if (!(lrEnd >= 0 && lrEnd < Double.POSITIVE_INFINITY)) {
            throw new Main.UsageError("gradc: --lr-end must be a finite number of at least 0, got " + lrEnd);
        }
        if (!(lrGamma > 0 && lrGamma < Double.POSITIVE_INFINITY)) {
            throw new Main.UsageError("gradc: --lr-gamma must be a positive finite number, got " + lrGamma);
        }
        if (init != null && resume != null) {
            throw new Main.UsageError("gradc: --init starts a new run and --resume continues one: give one of them");
        }
        if (history != null && !History.formatOf(history).isPresent()) {
            throw new Main.UsageError("gradc: --history " + history + ": the name must end in .csv or .jsonl");
        }
        if (plot != null && !plot.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
            throw new Main.UsageError("gradc: --plot " + plot + ": the name must end in .png");
        }
        if (data.data.equals("-") && "-".equals(testData)) {
            throw new Main.UsageError("gradc: --data and --test-data cannot both read standard input");
        }
        int processors = Runtime.getRuntime().availableProcessors();
        if (threads > processors) {
            spec.commandLine().getErr().println("gradc: warning: --threads " + threads + " is more than the " + processors
                    + " processor" + (processors == 1 ? "" : "s") + " of this machine; the extra threads only take turns");
        }
    }

    private Trainer newTrainer(Compilation c, int batchSize, Dataset train, Dataset test) {
        Trainer trainer = c.newTrainer(batchSize, seed);
        trainer.setThreads(threads);
        Training.checkFits(trainer, train);
        if (test != null) Training.checkFits(trainer, test);
        if (init != null) ParamsFiles.loadParams(trainer, init);
        return trainer;
    }

    /**
     * The report of a divergence: the step and rate, that nothing was saved, and the model line of
     * the first non-finite value. To find it the run is repeated on a fresh trainer (training is
     * deterministic; a resumed run from its checkpoint again), this time checking parameters after
     * every step and keeping the state each step starts from; the step that first went non-finite is
     * then replayed in the interpreter.
     */
    private String diverged(DivergenceException d, Compilation c, Training.Config config, int batchSize, Dataset train, Path target,
                            Checkpoint resumedFrom) {
        String head = "gradc: " + d.getMessage() + "; stopped before saving anything"
                + (Files.exists(target) ? " (" + target + " is unchanged)" : "");
        try {
            Trainer again = newTrainer(c, batchSize, train, null);
            again.setThreads(1);
            Training.Position from = resumedFrom == null ? null : Training.resume(again, resumedFrom);
            DivergenceReplay.Snapshot before = new DivergenceReplay.Snapshot(again);
            Training.Config rerun = new Training.Config(d.step(), 0, config.batchSize(), config.rate(), config.seed(),
                    config.signedLabels(), config.regression(), 0, true);
            try {
                Training.fit(again, train, null, rerun, new Training.Listener() {
                    @Override
                    public void beforeStep(int step) {
                        before.take();
                    }
                }, from);
            } catch (DivergenceException first) {
                // With parameters checked, the first bad step may come before the first bad loss.
                String when = first.parameter() == null ? "" : String.format(Locale.ROOT,
                        "\nparameter '%s' became %s in the update of step %d", first.parameter(), first.value(), first.step());
                DivergenceReplay.Finding f = DivergenceReplay.replay(c, again, before);
                if (f == null) return head + when + "\n(replaying step " + first.step() + " in double precision gives finite values)";
                return head + when + "\n" + DivergenceReplay.describe(f, c, first.step());
            }
            return head + "\n(a second run to find the operation did not diverge)";
        } catch (RuntimeException e) { // the report must not fail on the way: the divergence is the news
            return head + "\n(the operation could not be found: " + e.getMessage() + ")";
        }
    }

    private LearningRate schedule(double rate) {
        if (epochs > 0 && (schedule.equals("linear") || schedule.equals("cosine"))) {
            throw new Main.UsageError("gradc: the " + schedule + " schedule needs --steps (it ends at the last step), not --epochs");
        }
        if (warmup < 0 || (!schedule.equals("constant") && !schedule.equals("step") && warmup >= steps)) {
            throw new Main.UsageError("gradc: --warmup must be between 0 and the number of steps, got " + warmup);
        }
        LearningRate s;
        switch (schedule) {
            case "constant": s = LearningRate.constant(rate); break;
            case "step": s = LearningRate.step(rate, lrEvery, lrGamma); break;
            case "linear": s = LearningRate.linear(rate, lrEnd, steps - warmup); break;
            case "cosine": s = LearningRate.cosine(rate, lrEnd, steps - warmup); break;
            default: throw new Main.UsageError("gradc: unknown learning-rate schedule '" + schedule + "' (constant, step, linear or cosine)");
        }
        return s.withWarmup(warmup);
    }

    private String describeRate(double rate) {
        String base;
        switch (schedule) {
            case "linear": case "cosine": base = String.format(Locale.ROOT, "learning rate %.4g -> %.4g (%s)", rate, lrEnd, schedule); break;
            case "step": base = String.format(Locale.ROOT, "learning rate %.4g, x%.3g every %d steps", rate, lrGamma, lrEvery); break;
            default: base = String.format(Locale.ROOT, "learning rate %.4g", rate);
        }
        return warmup > 0 ? base + ", " + warmup + " steps of warm-up" : base;
    }

    static long parameterCount(Trainer t) {
        long n = 0;
        for (TensorInfo p : t.params()) n += p.sizeAt(1);
        return n;
    }

    /** Whether every parameter is finite: a checkpoint is never written from a trainer that is not. */
    static String nonFiniteParameter(Trainer t) {
        for (TensorInfo p : t.params()) {
            TensorView v = t.param(p.name());
            for (int i = 0; i < v.size(); i++) if (!Double.isFinite(v.get(i))) return p.name();
        }
        return null;
    }
}
