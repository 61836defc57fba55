package dev.gradc.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradc.compiler.Compilation;
import dev.gradc.runtime.DType;
import dev.gradc.runtime.LearningRate;
import dev.gradc.runtime.TensorInfo;
import dev.gradc.runtime.Trainer;
import org.junit.jupiter.api.Test;

/**
 * SYNCHRONOUS mode is one machine accumulating the global batch: after several global steps the
 * distributed parameters and optimizer state equal those of a single trainer that accumulate()s the
 * same examples and update()s, to 1e-12 in float64 (the sums are only associated differently).
 * Three partitions of unequal sizes, shares larger than maxBatch (several micro-batches per worker).
 */
class SynchronousEqualityTest {
    static final int N = 300, FEATURES = 6, CLASSES = 3, MAX_BATCH = 16, GLOBAL = 64, EPOCHS = 2;
    static final int[] SIZES = {50, 120, 130};
    static final SparkTests.Data DATA = SparkTests.Data.blobs(N, FEATURES, CLASSES, 7);

    @Test
    void adam() {
        check("Adam", "Optimizer optimizer = adam(0.05);", null);
    }

    @Test
    void sgdWithMomentumOnAScheduledRate() {
        check("Momentum", "Optimizer optimizer = sgd(0.1, 0.9);", LearningRate.linear(0.2, 0.02, 10));
    }

    @Test
    void adamWithClipNorm() {
        // A limit this low clips every step (the reference checks it does), so the clip is applied to the global mean.
        check("Clipped", "Optimizer optimizer = adam(0.05); Clip clip = clipNorm(0.05);", null);
    }

    /** averaging(1) with plain SGD is gradient averaging too: the same as synchronous. */
    @Test
    void averagingEveryStepWithPlainSgdIsSynchronous() {
        Compilation c = SparkTests.compile("Plain", SparkTests.classifier("Plain", FEATURES, 8, CLASSES, "Optimizer optimizer = sgd(0.3);"), DType.FLOAT64);
        Trainer sync = SparkTrainer.fromCompilation(c, MAX_BATCH, 3).globalBatch(GLOBAL).epochs(EPOCHS).mode(Mode.SYNCHRONOUS)
                .fit(SparkTests.frame(DATA, SIZES), null).trainer();
        Trainer avg = SparkTrainer.fromCompilation(c, MAX_BATCH, 3).globalBatch(GLOBAL).epochs(EPOCHS).mode(Mode.averaging(1))
                .fit(SparkTests.frame(DATA, SIZES), null).trainer();
        assertClose(SparkTests.everything(sync), SparkTests.everything(avg), 1e-12, "averaging(1) against synchronous");
    }

    private void check(String name, String optimizer, LearningRate schedule) {
        Compilation c = SparkTests.compile(name, SparkTests.classifier(name, FEATURES, 8, CLASSES, optimizer), DType.FLOAT64);
        SparkTrainer st = SparkTrainer.fromCompilation(c, MAX_BATCH, 5).globalBatch(GLOBAL).epochs(EPOCHS).mode(Mode.SYNCHRONOUS).shuffle(false);
        if (schedule != null) st.learningRate(schedule);
        TrainingResult r = st.fit(SparkTests.frame(DATA, SIZES), null);
        int steps = (N + GLOBAL - 1) / GLOBAL;
        assertEquals(steps, r.stepsPerEpoch());
        assertEquals(EPOCHS, r.history().size());
        assertEquals(N, r.last().examples());

        Trainer reference = c.newTrainer(MAX_BATCH, 5);
        boolean clipped = false;
        double lossSum = 0;
        for (int epoch = 0; epoch < EPOCHS; epoch++) {
            lossSum = 0;
            for (int s = 0; s < steps; s++) {
                // The global batch of step s: rows floor(s n_p / S) .. floor((s+1) n_p / S) of every partition p.
                int[] rows = new int[N];
                int count = 0, offset = 0;
                for (int size : SIZES) {
                    for (long i = (long) s * size / steps; i < (long) (s + 1) * size / steps; i++) rows[count++] = offset + (int) i;
                    offset += size;
                }
                for (int i = 0; i < count; i += MAX_BATCH) {
                    int b = Math.min(MAX_BATCH, count - i);
                    reference.setBatch(b);
                    double[] x = new double[b * FEATURES], y = new double[b];
                    for (int k = 0; k < b; k++) {
                        System.arraycopy(DATA.x()[rows[i + k]], 0, x, k * FEATURES, FEATURES);
                        y[k] = DATA.y()[rows[i + k]];
                    }
                    reference.input("x").copyFrom(x);
                    reference.input("y").copyFrom(y);
                    reference.accumulate();
                    lossSum += reference.loss() * b;
                }
                if (reference.hyperParameters().contains("clipNorm")) clipped |= meanGradientNorm(reference) > reference.hyper("clipNorm");
                reference.setLearningRate(schedule == null ? reference.learningRate() : schedule.at(epoch * steps + s));
                reference.update();
            }
        }
        if (reference.hyperParameters().contains("clipNorm")) assertTrue(clipped, "the clip never acted");
        assertClose(SparkTests.everything(reference), SparkTests.everything(st.trainer()), 1e-12, name + ": parameters and optimizer state");
        assertEquals(lossSum / N, r.last().loss(), 1e-12, name + ": the last epoch's training loss");
    }

    /** Norm of the mean gradient about to be applied: the sums over the example count. */
    private static double meanGradientNorm(Trainer t) {
        double examples = t.state("accumulated.examples").get(0), sq = 0;
        for (TensorInfo p : t.params()) for (double g : t.state(p.name() + ".gradSum").toDoubleArray()) sq += (g / examples) * (g / examples);
        return Math.sqrt(sq);
    }

    static void assertClose(double[] expected, double[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": lengths");
        double worst = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            double d = Math.abs(expected[i] - actual[i]);
            if (!(d <= worst)) {
                worst = d;
                at = i;
            }
        }
        assertTrue(worst <= tolerance, what + ": largest difference " + worst + " at element " + at + " (" + (at < 0 ? "" : expected[at] + " vs " + actual[at]) + ")");
    }
}
