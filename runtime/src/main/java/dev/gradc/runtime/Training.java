package dev.gradc.runtime;

import dev.gradc.runtime.internal.Rng;

import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * A plain training loop over in-memory data sets: the first input of the model receives the
 * features ({@code [batch, features]}), the second the labels ({@code [batch]}). Mini-batches are
 * drawn in a seeded shuffled order, a new order each epoch; a short last batch is run at its own
 * size. The CLI uses it; hosts may too, or write their own around {@link Trainer#step()}.
 *
 * <p>How well the model does is measured with its first output: for classification a
 * {@code [batch]} score predicts class 1 when positive, a {@code [batch, classes]} output by its
 * largest entry (accuracy); for regression the output is compared with the labels (mean squared
 * error).
 */
public final class Training {
    private Training() {}

    /**
     * @param steps optimizer steps; ignored when {@code epochs} is positive
     * @param epochs passes over the training data, each {@code ceil(n / batchSize)} steps; 0 to count steps
     * @param signedLabels labels 0/1 in the data are fed as -1/+1 (for max-margin losses)
     * @param regression report mean squared error instead of accuracy
     * @param printEvery progress every so many steps (with steps) or epochs (with epochs); 0 for none
     * @param checkParameters after each step, also check that every parameter is finite (costs a pass over them);
     *     the loss is always checked
     * @throws IllegalArgumentException if a count is out of range
     */
    public record Config(int steps, int epochs, int batchSize, LearningRate rate, long seed,
                         boolean signedLabels, boolean regression, int printEvery, boolean checkParameters) {
        public Config {
            if (epochs < 0) throw new IllegalArgumentException("epochs must be at least 0 (0 counts steps), got " + epochs);
            if (epochs == 0 && steps < 1) throw new IllegalArgumentException("steps must be at least 1, got " + steps);
            if (batchSize < 1) throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
            if (printEvery < 0) throw new IllegalArgumentException("printEvery must be at least 0 (0 for none), got " + printEvery);
            if (rate == null) throw new IllegalArgumentException("rate must not be null");
        }

        /** Without the parameter check. */
        public Config(int steps, int epochs, int batchSize, LearningRate rate, long seed,
                      boolean signedLabels, boolean regression, int printEvery) {
            this(steps, epochs, batchSize, rate, seed, signedLabels, regression, printEvery, false);
        }

        /**
         * Steps of the whole run for {@code n} training examples.
         *
         * @throws IllegalArgumentException if there would be more than {@code Integer.MAX_VALUE}
         */
        public int totalSteps(int n) {
            if (epochs == 0) return steps;
            long total = (long) epochs * stepsPerEpoch(n);
            if (total > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(epochs + " epochs of " + stepsPerEpoch(n) + " steps are " + total
                        + " steps, more than " + Integer.MAX_VALUE);
            }
            return (int) total;
        }

        public int stepsPerEpoch(int n) {
            int b = batchFor(batchSize, n);
            return (n + b - 1) / b;
        }
    }

    /**
     * The batch of a training step over {@code examples}: {@code requested}, at most the data set
     * (0 or less: the whole set, as micrograd). The one place this is decided; the CLI builds its
     * trainer for it.
     */
    public static int batchFor(int requested, int examples) {
        return Math.max(1, requested > 0 ? Math.min(requested, examples) : examples);
    }

    /**
     * How the model does on a data set: {@code loss} is the model's own loss (dropout off, mean over
     * the batches weighted by size), {@code score} the accuracy (classification) or the mean squared
     * error of the first output (regression); {@code correct} counts right answers (classification only).
     */
    public record Score(double loss, double score, int correct, int total, boolean regression) {
        @Override
        public String toString() {
            return regression ? String.format(Locale.ROOT, "mse %.6f", score)
                    : String.format(Locale.ROOT, "accuracy %.1f%% (%d/%d)", 100 * score, correct, total);
        }

        /** With the loss first, as for a held-out set. */
        public String withLoss() {
            return String.format(Locale.ROOT, "loss %.6f, %s", loss, this);
        }
    }

    /** {@code nanos}: time spent in {@link Trainer#step()} alone. {@code test} is null without a test set. */
    public record Result(double loss, Score train, Score test, int steps, long nanos) {}

    /** Checks that the trainer's first two inputs fit this data; throws {@link DataException} otherwise. */
    public static void checkFits(Trainer t, Dataset data) {
        if (t.inputs().size() < 2) {
            throw new DataException(t.modelName() + " has " + t.inputs().size() + " input(s); training on a data set "
                    + "needs two: features [batch, " + data.features() + "] then labels [batch]");
        }
        int[] x = t.inputs().get(0).shape(), y = t.inputs().get(1).shape();
        boolean xFits = x.length == 2 && x[0] == TensorInfo.BATCH && x[1] == data.features();
        boolean yFits = y.length == 1 && y[0] == TensorInfo.BATCH;
        if (!xFits || !yFits) {
            throw new DataException(t.modelName() + ": inputs " + t.inputs().get(0) + " and " + t.inputs().get(1)
                    + " do not fit " + data.name() + " (" + data.features() + " features and one label per example); "
                    + "expected [batch, " + data.features() + "] and [batch]");
        }
        if (t.outputs().isEmpty()) throw new DataException(t.modelName() + " has no output method to measure it with");
    }

    /**
     * Trains {@code t} on {@code train} as {@code c} says.
     *
     * @throws DivergenceException right after the first step whose loss (or, with
     *     {@link Config#checkParameters}, a parameter) is not finite; nothing is printed for that step
     */
    public static Result fit(Trainer t, Dataset train, Dataset test, Config c, Consumer<String> progress) {
        return fit(t, train, test, c, progress, step -> { });
    }

    /**
     * As {@link #fit(Trainer, Dataset, Dataset, Config, Consumer)}, calling {@code beforeStep} with
     * each 1-based step number once its inputs and learning rate are set, just before
     * {@link Trainer#step()}: a host may snapshot the state a step starts from.
     */
    public static Result fit(Trainer t, Dataset train, Dataset test, Config c, Consumer<String> progress, IntConsumer beforeStep) {
        checkFits(t, train);
        if (test != null) checkFits(t, test);
        int n = train.size(), f = train.features();
        int batch = Math.min(batchFor(c.batchSize(), n), t.maxBatch());
        int total = c.totalSteps(n), perEpoch = c.stepsPerEpoch(n);
        double[] xs = new double[batch * f], ys = new double[batch];
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Rng rng = new Rng(c.seed());
        int cursor = n; // forces a shuffle before the first batch
        TensorView x = t.input(t.inputs().get(0).name()), y = t.input(t.inputs().get(1).name());
        List<TensorView> params = c.checkParameters() ? t.params().stream().map(p -> t.param(p.name())).toList() : List.of();
        long nanos = 0, epochNanos = 0;
        double epochLoss = 0;
        for (int step = 0; step < total; step++) {
            if (cursor >= n) {
                if (batch < n) shuffle(order, rng);
                cursor = 0;
            }
            int b = Math.min(batch, n - cursor);
            t.setBatch(b);
            for (int i = 0; i < b; i++) {
                int row = order[cursor + i];
                System.arraycopy(train.x(), row * f, xs, i * f, f);
                ys[i] = label(train.y()[row], c.signedLabels());
            }
            cursor += b;
            x.copyFrom(b == batch ? xs : java.util.Arrays.copyOf(xs, b * f));
            y.copyFrom(b == batch ? ys : java.util.Arrays.copyOf(ys, b));
            double lr = c.rate().at(step);
            t.setLearningRate(lr);
            beforeStep.accept(step + 1);
            long start = System.nanoTime();
            t.step();
            long took = System.nanoTime() - start;
            nanos += took;
            epochNanos += took;
            double loss = t.loss();
            // One comparison per step: stop before a NaN is printed, measured or saved over a good checkpoint.
            if (!Double.isFinite(loss)) throw new DivergenceException(step + 1, lr, loss, null, null);
            for (TensorView p : params) checkFinite(p, step + 1, lr);
            epochLoss += loss;
            if (c.printEvery() <= 0) continue;
            if (c.epochs() > 0) {
                int epoch = (step + 1) / perEpoch;
                if ((step + 1) % perEpoch == 0 && (epoch % c.printEvery() == 0 || epoch == 1)) {
                    String line = String.format(Locale.ROOT, "epoch %3d/%d  loss %.6f  lr %.4g", epoch, c.epochs(), epochLoss / perEpoch, lr);
                    if (test != null) line += "  test " + evaluate(t, test, c.signedLabels(), c.regression()).withLoss();
                    progress.accept(line + String.format(Locale.ROOT, "  %.2f s in step()", epochNanos / 1e9));
                }
                if ((step + 1) % perEpoch == 0) {
                    epochLoss = 0;
                    epochNanos = 0;
                }
            } else if ((step + 1) % c.printEvery() == 0 || step == 0) {
                progress.accept(String.format(Locale.ROOT, "step %4d/%d  loss %.6f  %s  lr %.4f", step + 1, total, t.loss(),
                        brief(evaluate(t, train, c.signedLabels(), c.regression())), lr));
            }
        }
        double loss = t.loss();
        Score trainScore = evaluate(t, train, c.signedLabels(), c.regression());
        Score testScore = test == null ? null : evaluate(t, test, c.signedLabels(), c.regression());
        return new Result(loss, trainScore, testScore, total, nanos);
    }

    /** Throws if the parameter holds a NaN or infinity; reads the trainer's own array, allocating nothing. */
    private static void checkFinite(TensorView p, int step, double lr) {
        Object buffer = p.buffer();
        int n = p.size();
        if (buffer instanceof float[] f) {
            for (int i = 0; i < n; i++) if (!Float.isFinite(f[i])) throw new DivergenceException(step, lr, f[i], p.name(), null);
        } else {
            double[] d = (double[]) buffer;
            for (int i = 0; i < n; i++) if (!Double.isFinite(d[i])) throw new DivergenceException(step, lr, d[i], p.name(), null);
        }
    }

    private static String brief(Score s) {
        return s.regression() ? String.format(Locale.ROOT, "mse %.6f", s.score())
                : String.format(Locale.ROOT, "accuracy %5.1f%%", 100 * s.score());
    }

    /** The model's first output on every example of {@code data}, in batches of the trainer's maximum. */
    public static Score evaluate(Trainer t, Dataset data, boolean signedLabels, boolean regression) {
        String outName = t.outputs().get(0).name();
        int[] outShape = t.outputs().get(0).shape();
        int classes = outShape.length == 2 ? outShape[1] : 1;
        int n = data.size(), f = data.features();
        int saved = t.batch();
        int correct = 0;
        double squaredError = 0;
        double lossSum = 0;
        TensorView x = t.input(t.inputs().get(0).name()), y = t.input(t.inputs().get(1).name());
        for (int start = 0; start < n; start += t.maxBatch()) {
            int b = Math.min(t.maxBatch(), n - start);
            t.setBatch(b);
            double[] xs = new double[b * f], ys = new double[b];
            System.arraycopy(data.x(), start * f, xs, 0, b * f);
            for (int i = 0; i < b; i++) ys[i] = label(data.y()[start + i], signedLabels);
            x.copyFrom(xs);
            y.copyFrom(ys);
            lossSum += t.evaluateLoss() * b;
            TensorView out = t.output(outName);
            for (int i = 0; i < b; i++) {
                double label = data.y()[start + i];
                if (regression) {
                    double d = out.get(i) - label;
                    squaredError += d * d;
                    continue;
                }
                int predicted;
                if (classes == 1) {
                    predicted = out.get(i) > 0 ? 1 : 0;
                } else {
                    predicted = 0;
                    for (int k = 1; k < classes; k++) if (out.get(i * classes + k) > out.get(i * classes + predicted)) predicted = k;
                }
                int actual = (int) (signedLabels ? (label > 0 ? 1 : 0) : label);
                if (predicted == actual) correct++;
            }
        }
        t.setBatch(saved);
        double loss = lossSum / n;
        return regression ? new Score(loss, squaredError / n, 0, n, true) : new Score(loss, (double) correct / n, correct, n, false);
    }

    private static double label(double y, boolean signed) {
        return signed ? (y > 0 ? 1 : -1) : y;
    }

    private static void shuffle(int[] a, Rng rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
