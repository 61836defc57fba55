package dev.gradc.compiler.cli;

import dev.gradc.runtime.Dataset;
import dev.gradc.runtime.Npy;
import dev.gradc.runtime.NpyArray;
import dev.gradc.runtime.Npz;
import dev.gradc.runtime.TensorInfo;
import dev.gradc.runtime.TensorView;
import dev.gradc.runtime.Trainer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gradc predict MODEL.grad --params P.npz --data new.csv -o predictions.csv}: every output of
 * the model for each example, one row per example. For a classifier's first output (the task is
 * classification) the row starts with the predicted class: a {@code [batch, classes]} output gives
 * the class of its largest entry and each class's probability (the softmax of the output, or the
 * output itself when its rows already are probabilities), a {@code [batch]} score gives class 1 when
 * positive and the score; for regression the first output's value. Other outputs follow, one column
 * per element. {@code .npy} holds the same table as float64 {@code [examples, columns]}.
 */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run trained parameters on new data and write every output per example, "
                + "with the class and its probabilities for a classifier.")
final class PredictCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "MODEL.grad", description = "Model file.")
    Path model;

    @Mixin
    ParamsOptions trained = new ParamsOptions();

    @Mixin
    DataOptions data = new DataOptions();

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", defaultValue = "-",
            description = "FILE.csv, FILE.npy, or - for CSV on standard output (default).")
    String output;

    @Override
    public Integer call() {
        data.check();
        trained.check(data.data);
        boolean npy = output.toLowerCase(Locale.ROOT).endsWith(".npy");
        if (!output.equals("-") && !npy && !output.toLowerCase(Locale.ROOT).endsWith(".csv")) {
            throw new Main.UsageError("gradc: -o " + output + ": the name must end in .csv or .npy (or be - for standard output)");
        }
        if (!output.equals("-")) {
            try {
                Npz.checkWritable(Path.of(output));
            } catch (IOException e) {
                throw new Main.UserError("gradc: cannot write predictions to " + output + ": " + e.getMessage());
            }
        }
        TrainedModel m = TrainedModel.compile(model, trained.params, trained.float64);
        Trainer probe = m.compilation.newTrainer(1, 1);
        if (probe.inputs().isEmpty() || probe.outputs().isEmpty()) {
            throw new Main.UserError("gradc: " + probe.modelName() + " needs an input and an output method to predict with");
        }
        int[] in = probe.inputs().get(0).shape();
        if (in.length != 2 || in[0] != TensorInfo.BATCH) {
            throw new Main.UserError("gradc: " + probe.modelName() + "'s first input " + probe.inputs().get(0)
                    + " is not [batch, features]: predict feeds it the rows of a table");
        }
        data.precision = probe.dtype(); // the parameters file's, or float64 when asked
        Dataset set = data.loadFeatures(data.data, trained.seed, in[1], Main.console().stdin);
        Trainer t = m.trainer(Math.min(trained.batch, set.size()), spec.commandLine().getErr());
        Table table = predict(t, set, !data.regression());
        if (output.equals("-")) {
            PrintWriter out = spec.commandLine().getOut();
            table.csv(out);
            out.flush();
            return 0;
        }
        Path file = Path.of(output);
        try {
            Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), "." + file.getFileName(), ".tmp");
            try {
                if (npy) {
                    try (OutputStream o = Files.newOutputStream(tmp)) {
                        Npy.write(o, NpyArray.of("predictions", table.values, table.rows, table.columns.size()));
                    }
                } else {
                    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8); PrintWriter p = new PrintWriter(w)) {
                        table.csv(p);
                    }
                }
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new Main.UserError("gradc: cannot write predictions to " + output + ": " + Main.ioMessage(e));
        }
        spec.commandLine().getErr().println("wrote " + table.rows + " predictions (" + String.join(",", table.columns) + ") to " + output);
        return 0;
    }

    /** The predictions: column names and row-major values. */
    record Table(List<String> columns, int rows, double[] values) {
        void csv(PrintWriter out) {
            out.println(String.join(",", columns));
            StringBuilder b = new StringBuilder();
            for (int r = 0; r < rows; r++) {
                b.setLength(0);
                for (int c = 0; c < columns.size(); c++) {
                    if (c > 0) b.append(',');
                    double v = values[r * columns.size() + c];
                    b.append(v == Math.rint(v) && Math.abs(v) < 1e15 && columns.get(c).equals("class") ? Long.toString((long) v) : Double.toString(v));
                }
                out.println(b);
            }
        }
    }

    /** Every output on every row of {@code set}, in batches of the trainer's maximum. */
    static Table predict(Trainer t, Dataset set, boolean classify) {
        List<TensorInfo> outs = t.outputs();
        List<String> columns = new ArrayList<>();
        int[] first = outs.get(0).shape();
        int classes = first.length == 2 && first[1] > 1 ? first[1] : 1;
        boolean firstIsPerRow = first.length >= 1 && first[0] == TensorInfo.BATCH;
        boolean classifier = classify && firstIsPerRow && first.length <= 2;
        int[] widths = new int[outs.size()];
        for (int k = 0; k < outs.size(); k++) {
            TensorInfo o = outs.get(k);
            widths[k] = o.sizeAt(1); // elements per example; an output without batch repeats on every row
            if (k == 0 && classifier) {
                columns.add("class");
                if (classes > 1) for (int c = 0; c < classes; c++) columns.add("probability_" + c);
                else columns.add(o.name());
                continue;
            }
            if (widths[k] == 1) columns.add(o.name());
            else for (int i = 0; i < widths[k]; i++) columns.add(o.name() + "_" + i);
        }
        int n = set.size(), f = set.features(), width = columns.size();
        double[] values = new double[n * width];
        TensorView x = t.input(t.inputs().get(0).name());
        for (int start = 0; start < n; start += t.maxBatch()) {
            int b = Math.min(t.maxBatch(), n - start);
            t.setBatch(b);
            set.feed(start, b, x);
            int column = 0;
            for (int k = 0; k < outs.size(); k++) {
                TensorView v = t.output(outs.get(k).name());
                boolean perRow = outs.get(k).hasBatch() && outs.get(k).shape()[0] == TensorInfo.BATCH;
                for (int r = 0; r < b; r++) {
                    int at = (start + r) * width + column;
                    int from = perRow ? r * widths[k] : 0;
                    if (k == 0 && classifier) {
                        classify(v, from, classes, values, at);
                        continue;
                    }
                    for (int i = 0; i < widths[k]; i++) values[at + i] = v.get(from + i);
                }
                column += k == 0 && classifier ? (classes > 1 ? classes + 1 : 2) : widths[k];
            }
        }
        return new Table(columns, n, values);
    }

    /** The class and its probabilities (or the class and the score) of one row of a classifier's output. */
    private static void classify(TensorView v, int from, int classes, double[] out, int at) {
        if (classes == 1) {
            double score = v.get(from);
            out[at] = score > 0 ? 1 : 0;
            out[at + 1] = score;
            return;
        }
        int best = 0;
        double max = v.get(from), sum = 0;
        boolean probabilities = true;
        for (int c = 0; c < classes; c++) {
            double e = v.get(from + c);
            if (e > max) {
                max = e;
                best = c;
            }
            if (!(e >= 0 && e <= 1)) probabilities = false;
            sum += e;
        }
        probabilities &= Math.abs(sum - 1) < 1e-4; // the model's output is already a distribution (a softmax)
        out[at] = best;
        double z = 0;
        for (int c = 0; c < classes; c++) z += probabilities ? 0 : Math.exp(v.get(from + c) - max);
        for (int c = 0; c < classes; c++) {
            double e = v.get(from + c);
            out[at + 1 + c] = probabilities ? e : Math.exp(e - max) / z;
        }
    }
}
