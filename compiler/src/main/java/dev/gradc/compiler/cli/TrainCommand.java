package dev.gradc.compiler.cli;

import dev.gradc.compiler.Compilation;
import dev.gradc.runtime.CompiledTrainer;
import dev.gradc.runtime.Csv;
import dev.gradc.runtime.Dataset;
import dev.gradc.runtime.Datasets;
import dev.gradc.runtime.Training;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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

    @Option(names = "--data", paramLabel = "moons|FILE.csv", defaultValue = "moons",
            description = "Data set: the synthetic two moons, or a CSV file (last column the label). Default: ${DEFAULT-VALUE}.")
    String data;

    @Option(names = "--samples", defaultValue = "100", description = "Examples of a synthetic data set (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--noise", defaultValue = "0.1", description = "Noise of a synthetic data set (default: ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--steps", defaultValue = "100", description = "Training steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "0", description = "Batch size; 0 for the whole data set (default).")
    int batch;

    @Option(names = "--lr", defaultValue = "NaN", description = "Initial learning rate (default: the model's optimizer's).")
    double lr;

    @Option(names = "--lr-schedule", defaultValue = "constant", description = "constant or linear (default: ${DEFAULT-VALUE}).")
    String schedule;

    @Option(names = "--lr-end", defaultValue = "0", description = "Learning rate a linear schedule reaches at the last step.")
    double lrEnd;

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

    @Option(names = "--print-every", defaultValue = "10", description = "Progress every N steps; 0 for none (default: ${DEFAULT-VALUE}).")
    int printEvery;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        long compileStart = System.nanoTime();
        Compilation c = ModelFiles.compile(model, float64, null);
        double compileMs = (System.nanoTime() - compileStart) / 1e6;
        Dataset dataset = loadData();
        int batchSize = batch > 0 ? batch : dataset.size();
        CompiledTrainer trainer = c.newTrainer(Math.min(batchSize, dataset.size()), seed);
        Training.checkFits(trainer, dataset);
        if (init != null) loadInit(trainer);
        double rate = Double.isNaN(lr) ? trainer.learningRate() : lr;
        Training.Schedule sched = parseSchedule();
        Training.Config config = new Training.Config(steps, batchSize, rate, sched, lrEnd, seed,
                labels.equals("signed"), printEvery);

        out.printf(Locale.ROOT, "compiled %s (%s, %d parameters) in %.0f ms%n", c.model().name(),
                float64 ? "float64" : "float32", parameterCount(trainer), compileMs);
        out.printf(Locale.ROOT, "training on %s: %d examples, batch %d, %d steps, %s%n", dataset.name(), dataset.size(),
                Math.min(batchSize, dataset.size()), steps, describeRate(config));
        Training.Result r = Training.fit(trainer, dataset, config, line -> out.println(line));
        out.printf(Locale.ROOT, "final loss %.6f, training accuracy %.1f%% (%d/%d); %.1f ms in step(), %.1f µs per step%n",
                r.loss(), 100 * r.accuracy(), r.correct(), r.total(), r.nanos() / 1e6, r.nanos() / 1e3 / steps);
        Path target = save != null ? save : Path.of(c.model().name() + ".npz");
        try {
            trainer.saveParams(target);
        } catch (IOException e) {
            throw new Main.UserError("gradc: cannot write " + target + ": " + e.getMessage());
        }
        out.println("wrote parameters to " + target);
        return 0;
    }

    private Dataset loadData() {
        if (data.equals("moons")) return Datasets.moons(samples, noise, seed);
        Path file = Path.of(data);
        if (!Files.exists(file)) throw new Main.UserError("gradc: data set " + data + ": no such file (use moons or a CSV file)");
        try {
            return Csv.read(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void loadInit(CompiledTrainer trainer) {
        try {
            trainer.loadParams(init);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new Main.UserError("gradc: " + init + ": no such file");
        } catch (IOException e) {
            throw new Main.UserError("gradc: cannot read " + init + ": " + e.getMessage());
        }
    }

    private Training.Schedule parseSchedule() {
        switch (schedule) {
            case "constant": return Training.Schedule.CONSTANT;
            case "linear": return Training.Schedule.LINEAR;
            default: throw new Main.UserError("gradc: unknown learning-rate schedule '" + schedule + "' (constant or linear)");
        }
    }

    private String describeRate(Training.Config c) {
        return c.schedule() == Training.Schedule.LINEAR
                ? String.format(Locale.ROOT, "learning rate %.4g -> %.4g (linear)", c.learningRate(), c.lrEnd())
                : String.format(Locale.ROOT, "learning rate %.4g", c.learningRate());
    }

    private static long parameterCount(CompiledTrainer t) {
        long n = 0;
        for (var p : t.params()) n += p.sizeAt(1);
        return n;
    }
}
