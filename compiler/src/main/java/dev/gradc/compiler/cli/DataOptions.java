package dev.gradc.compiler.cli;

import dev.gradc.runtime.Csv;
import dev.gradc.runtime.Dataset;
import dev.gradc.runtime.Datasets;
import dev.gradc.runtime.DType;
import dev.gradc.runtime.Idx;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.DoublePredicate;
import picocli.CommandLine.Option;

/** The data options that train, eval and predict share: which set, how a synthetic one is drawn, the task and labels. */
final class DataOptions {
    @Option(names = "--data", paramLabel = "SET", defaultValue = "moons", description = "Data: moons, circles, spirals, "
            + "regression (synthetic), fashion-mnist (Debian's dataset-fashion-mnist; fashion-mnist-test its test set), "
            + "idx:IMAGES,LABELS, a CSV FILE "
            + "(numbers, the label last), or - for CSV on standard input. Default: ${DEFAULT-VALUE}.")
    String data;

    @Option(names = "--samples", paramLabel = "N", defaultValue = "100", description = "Examples of a synthetic set (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--noise", paramLabel = "X", defaultValue = "0.1", description = "Noise of a synthetic set (default: ${DEFAULT-VALUE}).")
    double noise;

    @Option(names = "--classes", paramLabel = "N", defaultValue = "3", description = "Arms of the spirals (default: ${DEFAULT-VALUE}).")
    int classes;

    @Option(names = "--features", paramLabel = "N", defaultValue = "4", description = "Inputs of the regression set (default: ${DEFAULT-VALUE}).")
    int features;

    @Option(names = "--task", paramLabel = "TASK", defaultValue = "classification",
            description = "classification (accuracy) or regression (mean squared error); default: ${DEFAULT-VALUE}.")
    String task;

    @Option(names = "--labels", paramLabel = "FORM", defaultValue = "as-is",
            description = "as-is, or signed: labels 0/1 fed as -1/+1 (default: ${DEFAULT-VALUE}).")
    String labels;

    boolean regression() {
        return task.equals("regression");
    }

    boolean signed() {
        return labels.equals("signed");
    }

    /** Every option in its range, or a usage error naming it and the range. */
    void check() {
        if (!task.equals("classification") && !task.equals("regression")) {
            throw new Main.UsageError("gradc: unknown task '" + task + "' (classification or regression)");
        }
        if (!labels.equals("as-is") && !labels.equals("signed")) {
            throw new Main.UsageError("gradc: --labels must be as-is or signed, got '" + labels + "'");
        }
        Main.atLeast("--samples", samples, 1, "");
        Main.atLeast("--classes", classes, 2, "");
        Main.atLeast("--features", features, 1, "");
        if (!(noise >= 0 && noise < Double.POSITIVE_INFINITY)) {
            throw new Main.UsageError("gradc: --noise must be a finite number of at least 0, got " + noise);
        }
    }

    /** How image sets (IDX, Fashion-MNIST) hold their features: as floats for a float32 model, the command's to set. */
    DType precision = DType.FLOAT64;

    /**
     * A data set named on the command line; synthetic ones drawn with {@code seed}, labels checked by
     * {@code rule} (null: any). {@code stdin} serves {@code -}.
     */
    Dataset load(String spec, long seed, LabelRule rule, InputStream stdin) {
        Dataset d = read(spec, seed, rule == null ? null : rule.check(), rule == null ? null : rule.description(), stdin);
        int bad = rule == null ? -1 : rule.firstBad(d.y());
        if (bad >= 0) { // sets a CSV reader did not already check: synthetic ones and IDX files
            String where = spec.startsWith("idx:") ? spec.substring(4).split(",")[1] + ": label of item " + (bad + 1)
                    : "data set " + spec + ": row " + (bad + 1);
            throw new Main.UserError("gradc: " + where + " is " + number(d.y()[bad]) + ", outside " + rule.description());
        }
        return d;
    }

    /** Examples without labels for predictions: a CSV file of features only (a label column after them is allowed), or any set. */
    Dataset loadFeatures(String spec, long seed, int modelFeatures, InputStream stdin) {
        if (!spec.equals("-") && !isNamedSet(spec) && !spec.startsWith("idx:")) existing(spec);
        Dataset d;
        try {
            if (spec.equals("-")) d = Csv.readUnlabelled(stdin, "<stdin>");
            else if (isNamedSet(spec) || spec.startsWith("idx:")) return read(spec, seed, null, null, stdin);
            else d = Csv.readUnlabelled(Path.of(spec));
        } catch (IOException e) {
            throw new Main.UserError("gradc: cannot read " + spec + ": " + e.getMessage());
        }
        if (d.features() == modelFeatures) return d;
        if (d.features() == modelFeatures + 1) { // features and a label: the label is not needed to predict
            double[] x = new double[d.size() * modelFeatures], row = new double[d.features()];
            for (int i = 0; i < d.size(); i++) {
                d.copyRow(i, row, 0);
                System.arraycopy(row, 0, x, i * modelFeatures, modelFeatures);
            }
            return new Dataset(d.name(), d.size(), modelFeatures, x, new double[d.size()]);
        }
        throw new Main.UserError("gradc: " + (spec.equals("-") ? "<stdin>" : spec) + " has " + d.features() + " columns; the model takes "
                + modelFeatures + " features (a label column after them is allowed)");
    }

    /** Whether the training set is drawn here (moons, circles, spirals, regression), its size given by the options, rather than read. */
    boolean synthetic() {
        return switch (data) {
            case "moons", "circles", "spirals", "regression" -> true;
            default -> false;
        };
    }

    private static boolean isNamedSet(String spec) {
        return switch (spec) {
            case "moons", "circles", "spirals", "regression", "fashion-mnist", "fashion-mnist-test" -> true;
            default -> false;
        };
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private Dataset read(String spec, long seed, DoublePredicate validLabel, String validLabels, InputStream stdin) {
        try {
            switch (spec) {
                case "moons": return Datasets.moons(samples, noise, seed);
                case "circles": return Datasets.circles(samples, noise, 0.8, seed);
                case "spirals": return Datasets.spirals(samples, classes, noise, seed);
                case "regression": return Datasets.regression(samples, features, noise, seed);
                case "fashion-mnist": return Datasets.fashionMnistTrain(precision);
                case "fashion-mnist-test": return Datasets.fashionMnistTest(precision);
                case "-": return Csv.read(stdin, "<stdin>", validLabel, validLabels);
                default: break;
            }
            if (spec.startsWith("idx:")) {
                String[] files = spec.substring(4).split(",");
                if (files.length != 2) throw new Main.UserError("gradc: expected idx:IMAGES,LABELS, got " + spec);
                return Idx.read(existing(files[0]), existing(files[1]), precision);
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
                    + "fashion-mnist, idx:IMAGES,LABELS, a CSV file or - for standard input)");
        }
        if (Files.isDirectory(p)) throw new Main.UserError("gradc: data set " + file + " is a directory, not a CSV file");
        return p;
    }
}
