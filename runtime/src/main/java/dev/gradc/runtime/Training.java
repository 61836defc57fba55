package dev.gradc.runtime;

import java.util.function.Consumer;

/**
 * A plain training loop over an in-memory data set: the first input of the model receives the
 * features ({@code [batch, features]}), the second the labels ({@code [batch]}). Mini-batches are
 * drawn in a seeded shuffled order, a new order each epoch; a short last batch is run at its own
 * size. The CLI uses it; hosts may too, or write their own around {@link Trainer#step()}.
 */
public final class Training {
    private Training() {}

    /** How the learning rate moves over the run. */
    public enum Schedule {
        /** The initial rate throughout. */
        CONSTANT,
        /** From the initial rate at step 0 towards {@code lrEnd} at step {@code steps}: micrograd's {@code 1.0 - 0.9*k/100}. */
        LINEAR
    }

    /**
     * @param signedLabels labels 0/1 in the data are fed as -1/+1 (for max-margin losses)
     * @param printEvery progress every so many steps; 0 for none
     */
    public record Config(int steps, int batchSize, double learningRate, Schedule schedule, double lrEnd,
                         long seed, boolean signedLabels, int printEvery) {
        public double rateAt(int step) {
            return schedule == Schedule.LINEAR
                    ? learningRate + (lrEnd - learningRate) * step / steps
                    : learningRate;
        }
    }

    /** {@code nanos}: time spent in {@link Trainer#step()}. */
    public record Result(double loss, double accuracy, int correct, int total, long nanos) {}

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
    }

    public static Result fit(Trainer t, Dataset data, Config c, Consumer<String> progress) {
        checkFits(t, data);
        int n = data.size(), f = data.features();
        int batch = Math.min(c.batchSize(), Math.min(n, t.maxBatch()));
        double[] xs = new double[batch * f], ys = new double[batch];
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Rng rng = new Rng(c.seed());
        int cursor = n; // forces a shuffle before the first batch
        TensorView x = t.input(t.inputs().get(0).name()), y = t.input(t.inputs().get(1).name());
        long nanos = 0; // in step() alone, not feeding or progress
        for (int step = 0; step < c.steps(); step++) {
            if (cursor >= n) {
                if (batch < n) shuffle(order, rng);
                cursor = 0;
            }
            int b = Math.min(batch, n - cursor);
            t.setBatch(b);
            for (int i = 0; i < b; i++) {
                int row = order[cursor + i];
                System.arraycopy(data.x(), row * f, xs, i * f, f);
                ys[i] = label(data.y()[row], c.signedLabels());
            }
            cursor += b;
            x.copyFrom(b == batch ? xs : java.util.Arrays.copyOf(xs, b * f));
            y.copyFrom(b == batch ? ys : java.util.Arrays.copyOf(ys, b));
            t.setLearningRate(c.rateAt(step));
            long start = System.nanoTime();
            t.step();
            nanos += System.nanoTime() - start;
            if (c.printEvery() > 0 && ((step + 1) % c.printEvery() == 0 || step == 0)) {
                Result r = evaluate(t, data, c.signedLabels(), 0);
                progress.accept(String.format("step %4d/%d  loss %.6f  accuracy %5.1f%%  lr %.4f",
                        step + 1, c.steps(), t.loss(), 100 * r.accuracy(), c.rateAt(step)));
            }
        }
        Result r = evaluate(t, data, c.signedLabels(), nanos);
        return new Result(t.loss(), r.accuracy(), r.correct(), r.total(), nanos);
    }

    /**
     * Accuracy of the model's first output on the data: a {@code [batch]} output is a score whose
     * sign predicts the class (positive for label 1); a {@code [batch, classes]} output predicts its
     * argmax.
     */
    public static Result evaluate(Trainer t, Dataset data, boolean signedLabels, long nanos) {
        if (t.outputs().isEmpty()) throw new DataException(t.modelName() + " has no output method to measure accuracy with");
        String outName = t.outputs().get(0).name();
        int[] outShape = t.outputs().get(0).shape();
        int n = data.size(), f = data.features();
        int saved = t.batch();
        int correct = 0;
        TensorView x = t.input(t.inputs().get(0).name());
        for (int start = 0; start < n; start += t.maxBatch()) {
            int b = Math.min(t.maxBatch(), n - start);
            t.setBatch(b);
            double[] xs = new double[b * f];
            System.arraycopy(data.x(), start * f, xs, 0, b * f);
            x.copyFrom(xs);
            TensorView out = t.output(outName);
            int classes = outShape.length == 2 ? outShape[1] : 1;
            for (int i = 0; i < b; i++) {
                double label = data.y()[start + i];
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
        return new Result(t.loss(), (double) correct / n, correct, n, nanos);
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
