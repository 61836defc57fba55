package dev.gradc.compiler.cli;

import dev.gradc.compiler.Compilation;
import dev.gradc.runtime.Trainer;
import dev.gradc.runtime.Csv;
import dev.gradc.runtime.Dataset;
import dev.gradc.runtime.Datasets;
import dev.gradc.runtime.DivergenceException;
import dev.gradc.runtime.Idx;
import dev.gradc.runtime.LearningRate;
import dev.gradc.runtime.Npz;
import dev.gradc.runtime.Training;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gradc train Model.grad}: compiles in memory and trains. Defaults for a model's options may
 * sit beside it in {@code Model.train} ({@code option = value} lines, option names without dashes);
 * options given on the command line win.
 */
@Command(name = "train", description = "Compile a model in memory and train it on a data set.")
final class TrainCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "MODEL.grad", description = "Model file.")
    Path model;

    @Option(names = "--data", paramLabel = "SET", defaultValue = "moons", description = "Training data: moons, circles, spirals, "
            + "regression (synthetic), fashion-mnist (Debian's dataset-fashion-mnist), idx:IMAGES,LABELS, or a CSV file "
            + "(numbers, the label last). Default: ${DEFAULT-VALUE}.")
    String data;

    @Option(names = "--test-data", paramLabel = "SET", description = "Held-out data, same forms (a synthetic set is drawn with "
            + "seed+1; fashion-mnist brings its own test set).")
    String testData;

    @Option(names = "--samples", defaultValue = "100", description = "Examples of a synthetic set (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--noise", defaultValue = "0.1", description = "Noise of a synthetic set (default: ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--classes", defaultValue = "3", description = "Arms of the spirals (default: ${DEFAULT-VALUE}).")
    int classes;

    @Option(names = "--features", defaultValue = "4", description = "Inputs of the regression set (default: ${DEFAULT-VALUE}).")
    int features;

    @Option(names = "--task", defaultValue = "classification", description = "classification (accuracy) or regression (mean squared error).")
    String task;

    @Option(names = "--steps", defaultValue = "100", description = "Training steps, unless --epochs is given (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--epochs", defaultValue = "0", description = "Passes over the training data (overrides --steps).")
    int epochs;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "0", description = "Batch size; 0 for the whole data set (default).")
    int batch;

    @Option(names = "--lr", description = "Initial learning rate, at least 0 (default: the model's optimizer's).")
    Double lr;

    @Option(names = "--lr-schedule", defaultValue = "constant", description = "constant, step, linear or cosine (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--lr-end", defaultValue = "0", description = "Rate that linear and cosine reach at the last step.")
    double lrEnd;

    @Option(names = "--lr-every", defaultValue = "1000", description = "Steps between decays of the step schedule.")
    int lrEvery;

    @Option(names = "--lr-gamma", defaultValue = "0.1", description = "Factor of each decay of the step schedule.")
    double lrGamma;

    @Option(names = "--warmup", defaultValue = "0", description = "Steps of linear warm-up before the schedule.")
    int warmup;

    @Option(names = "--labels", defaultValue = "as-is", description = "as-is, or signed: labels 0/1 fed as -1/+1 (default: ${DEFAULT-VALUE}).")
    String labels;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of weights, data and shuffling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--float64", description = "Train in double precision (default: float32).")
    boolean float64;

    @Option(names = "--init", paramLabel = "PARAMS.npz", description = "Start from these parameters (NumPy .npz) instead of the initializers.")
    Path init;

    @Option(names = "--save", paramLabel = "PARAMS.npz", description = "Where to write the trained parameters (default: MODEL.npz in the current directory).")
    Path save;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "1", description = "Threads large matrix products are split across "
            + "(default: ${DEFAULT-VALUE}; small products stay on one thread either way).")
    int threads;

    @Option(names = "--print-every", defaultValue = "10", description = "Progress every N steps, or N epochs with --epochs; 0 for none (default: ${DEFAULT-VALUE}).")
    int printEvery;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        checkOptions();
        long compileStart = System.nanoTime();
        Compilation c = ModelFiles.compile(model, float64, null);
        double compileMs = (System.nanoTime() - compileStart) / 1e6;
        // A trainer of batch 1 tells the labels the first output takes before any data is read.
        LabelRule labelRule = LabelRule.of(c.newTrainer(1, seed), task.equals("regression"));
        Dataset train = dataset(data, seed, labelRule);
        Dataset test = testData != null ? dataset(testData, seed + 1, labelRule)
                : data.equals("fashion-mnist") ? dataset("fashion-mnist-test", seed, labelRule) : null;
        int batchSize = Training.batchFor(batch, train.size());
        Path target = save != null ? save : Path.of(c.model().name() + ".npz");
        try {
            Npz.checkWritable(target); // before training, not after hours of it
        } catch (IOException e) {
            throw new Main.UserError("gradc: cannot write parameters to " + target + ": " + e.getMessage());
        }
        Trainer trainer = newTrainer(c, batchSize, train, test);
        double rate = lr == null ? trainer.learningRate() : lr;
        Training.Config config = new Training.Config(steps, epochs, batchSize, schedule(rate), seed,
                labels.equals("signed"), task.equals("regression"), printEvery);
        int total;
        try {
            total = config.totalSteps(train.size());
        } catch (IllegalArgumentException e) {
            throw new Main.UsageError("gradc: --epochs " + epochs + " with batches of " + batchSize + " over " + train.size()
                    + " examples: " + e.getMessage() + "; use fewer epochs or larger batches");
        }

        out.printf(Locale.ROOT, "compiled %s (%s, %d parameters) in %.0f ms; matrix products: %s%s%n", c.model().name(),
                float64 ? "float64" : "float32", parameterCount(trainer), compileMs,
                trainer.kernels(), threads > 1 ? ", " + threads + " threads" : "");
        out.printf(Locale.ROOT, "training on %s: %d examples, batch %d, %s, %s%n", train.name(), train.size(), batchSize,
                epochs > 0 ? epochs + " epochs of " + config.stepsPerEpoch(train.size()) + " steps" : total + " steps", describeRate(rate));
        Training.Result r;
        try {
            r = Training.fit(trainer, train, test, config, out::println);
        } catch (DivergenceException d) {
            out.flush();
            throw new Main.UserError(diverged(d, c, config, batchSize, train, target));
        } finally {
            trainer.setThreads(1);
        }
        out.printf(Locale.ROOT, "final loss %.6f, training %s%s; %.1f ms in step(), %.1f µs per step%n", r.loss(), r.train(),
                r.test() == null ? "" : ", test " + r.test().withLoss(), r.nanos() / 1e6, r.nanos() / 1e3 / r.steps());
        try {
            trainer.saveParams(target);
        } catch (IOException e) {
            throw new Main.UserError("gradc: cannot write parameters to " + target + ": " + e.getMessage());
        }
        out.println("wrote parameters to " + target);
        return 0;
    }

    /** Every option in its range, or a usage error naming it and the range (exit code 2). */
    private void checkOptions() {
        if (!task.equals("classification") && !task.equals("regression")) {
            throw new Main.UsageError("gradc: unknown task '" + task + "' (classification or regression)");
        }
        if (!labels.equals("as-is") && !labels.equals("signed")) {
            throw new Main.UsageError("gradc: --labels must be as-is or signed, got '" + labels + "'");
        }
        atLeast("--steps", steps, 1, "");
        atLeast("--epochs", epochs, 0, " (0 counts --steps instead)");
        atLeast("--batch", batch, 0, " (0 for the whole data set)");
        atLeast("--samples", samples, 1, "");
        atLeast("--classes", classes, 2, "");
        atLeast("--features", features, 1, "");
        atLeast("--lr-every", lrEvery, 1, "");
        atLeast("--warmup", warmup, 0, "");
        atLeast("--print-every", printEvery, 0, " (0 for none)");
        atLeast("--threads", threads, 1, "");
        if (lr != null && !(lr >= 0 && lr < Double.POSITIVE_INFINITY)) { // 0 evaluates loaded parameters
            throw new Main.UsageError("gradc: --lr must be a finite number of at least 0, got " + lr);
        }
        if (!(lrEnd >= 0 && lrEnd < Double.POSITIVE_INFINITY)) {
            throw new Main.UsageError("gradc: --lr-end must be a finite number of at least 0, got " + lrEnd);
        }
        if (!(lrGamma > 0 && lrGamma < Double.POSITIVE_INFINITY)) {
            throw new Main.UsageError("gradc: --lr-gamma must be a positive finite number, got " + lrGamma);
        }
        if (!(noise >= 0 && noise < Double.POSITIVE_INFINITY)) {
            throw new Main.UsageError("gradc: --noise must be a finite number of at least 0, got " + noise);
        }
        int processors = Runtime.getRuntime().availableProcessors();
        if (threads > processors) {
            spec.commandLine().getErr().println("gradc: warning: --threads " + threads + " is more than the " + processors
                    + " processor" + (processors == 1 ? "" : "s") + " of this machine; the extra threads only take turns");
        }
    }

    private static void atLeast(String option, int value, int min, String note) {
        if (value < min) throw new Main.UsageError("gradc: " + option + " must be at least " + min + note + ", got " + value);
    }

    private Trainer newTrainer(Compilation c, int batchSize, Dataset train, Dataset test) {
        Trainer trainer = c.newTrainer(batchSize, seed);
        trainer.setThreads(threads);
        Training.checkFits(trainer, train);
        if (test != null) Training.checkFits(trainer, test);
        if (init != null) loadInit(trainer);
        return trainer;
    }

    /**
     * The report of a divergence: the step and rate, that nothing was saved, and the model line of
     * the first non-finite value. To find it the run is repeated on a fresh trainer (training is
     * deterministic), this time checking parameters after every step and keeping the state each
     * step starts from; the step that first went non-finite is then replayed in the interpreter.
     */
    private String diverged(DivergenceException d, Compilation c, Training.Config config, int batchSize, Dataset train, Path target) {
        String head = "gradc: " + d.getMessage() + "; stopped before saving anything"
                + (Files.exists(target) ? " (" + target + " is unchanged)" : "");
        try {
            Trainer again = newTrainer(c, batchSize, train, null);
            again.setThreads(1);
            DivergenceReplay.Snapshot before = new DivergenceReplay.Snapshot(again);
            Training.Config rerun = new Training.Config(d.step(), 0, config.batchSize(), config.rate(), config.seed(),
                    config.signedLabels(), config.regression(), 0, true);
            try {
                Training.fit(again, train, null, rerun, line -> { }, step -> before.take());
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

    /** A data set named on the command line; synthetic ones drawn with {@code dataSeed}. */
    private Dataset dataset(String spec, long dataSeed, LabelRule rule) {
        Dataset d = dataset(spec, dataSeed, rule == null ? null : rule.check(), rule == null ? null : rule.description());
        int bad = rule == null ? -1 : rule.firstBad(d.y());
        if (bad >= 0) { // sets a CSV reader did not already check: synthetic ones and IDX files
            String where = spec.startsWith("idx:") ? spec.substring(4).split(",")[1] + ": label of item " + (bad + 1)
                    : "data set " + spec + ": row " + (bad + 1);
            throw new Main.UserError("gradc: " + where + " is " + number(d.y()[bad]) + ", outside " + rule.description());
        }
        return d;
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private Dataset dataset(String spec, long dataSeed, java.util.function.DoublePredicate validLabel, String validLabels) {
        try {
            switch (spec) {
                case "moons": return Datasets.moons(samples, noise, dataSeed);
                case "circles": return Datasets.circles(samples, noise, 0.8, dataSeed);
                case "spirals": return Datasets.spirals(samples, classes, noise, dataSeed);
                case "regression": return Datasets.regression(samples, features, noise, dataSeed);
                case "fashion-mnist": return Datasets.fashionMnistTrain();
                case "fashion-mnist-test": return Datasets.fashionMnistTest();
                default: break;
            }
            if (spec.startsWith("idx:")) {
                String[] files = spec.substring(4).split(",");
                if (files.length != 2) throw new Main.UserError("gradc: expected idx:IMAGES,LABELS, got " + spec);
                return Idx.read(existing(files[0]), existing(files[1]));
            }
            return validLabel == null ? Csv.read(existing(spec)) : Csv.read(existing(spec), validLabel, validLabels);
        } catch (NoSuchFileException e) {
            String hint = spec.startsWith("fashion-mnist") ? " (install Debian's dataset-fashion-mnist: apt-get install dataset-fashion-mnist)" : "";
            throw new Main.UserError("gradc: " + e.getFile() + ": no such file" + hint);
        } catch (IllegalArgumentException e) {
            throw new Main.UserError("gradc: data set " + spec + ": " + e.getMessage());
        } catch (IOException e) {
            throw new Main.UserError("gradc: cannot read " + spec + ": " + e.getMessage());
        }
    }

    private static Path existing(String file) {
        Path p = Path.of(file);
        if (!Files.exists(p)) {
            throw new Main.UserError("gradc: data set " + file + ": no such file (use moons, circles, spirals, regression, "
                    + "fashion-mnist, idx:IMAGES,LABELS or a CSV file)");
        }
        return p;
    }

    private void loadInit(Trainer trainer) {
        try {
            trainer.loadParams(init);
        } catch (NoSuchFileException e) {
            throw new Main.UserError("gradc: " + init + ": no such file");
        } catch (IOException e) {
            throw new Main.UserError("gradc: cannot read " + init + ": " + e.getMessage());
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

    private static long parameterCount(Trainer t) {
        long n = 0;
        for (var p : t.params()) n += p.sizeAt(1);
        return n;
    }
}
