package dev.gradc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gradc.compiler.interp.Interpreter;
import dev.gradc.runtime.Trainer;
import dev.gradc.runtime.DType;
import dev.gradc.runtime.internal.Rng;
import dev.gradc.runtime.TensorInfo;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** accumulate() over micro-batches then update() equals one step() on the whole batch (float64, mean loss). */
class AccumulationTest {
    static final String MODEL = """
            class Acc {
                Input x = input(batch, 3);
                Input y = input(batch);
                Param w = uniform(-1, 1, 3, 4), b = zeros(4), v = uniform(-1, 1, 4, 1);
                Tensor score() { return reshape(matmul(tanh(matmul(x, w) + b), v), batch); }
                Tensor loss() { return mse(score(), y); }
                Optimizer opt = OPTIMIZER;
                CLIP
            }
            """;

    static Compilation compile(String optimizer, String clip) {
        return TestModels.compile(MODEL.replace("OPTIMIZER", optimizer).replace("CLIP", clip), DType.FLOAT64);
    }

    static double[][] data(long seed, int n) {
        Rng rng = new Rng(seed);
        double[] x = new double[3 * n], y = new double[n];
        for (int i = 0; i < x.length; i++) x[i] = rng.uniform(-1, 1);
        for (int i = 0; i < n; i++) y[i] = rng.uniform(-1, 1);
        return new double[][] {x, y};
    }

    static void feed(Trainer t, double[][] d, int from, int to) {
        t.setBatch(to - from);
        t.input("x").copyFrom(Arrays.copyOfRange(d[0], 3 * from, 3 * to));
        t.input("y").copyFrom(Arrays.copyOfRange(d[1], from, to));
    }

    @ParameterizedTest
    @ValueSource(strings = {"sgd(0.1)", "sgd(0.1, 0.9, 0, 0.01)", "adam(0.01)", "rmsprop(0.01)", "adagrad(0.1)"})
    void microBatchesUpdateLikeOneBatch(String optimizer) {
        check(compile(optimizer, ""), new int[] {4, 4, 4});
    }

    @Test
    void unequalMicroBatchesAreWeightedBySize() {
        check(compile("sgd(0.1, 0.9)", ""), new int[] {5, 4, 3});
    }

    @Test
    void clippingAppliesToTheAccumulatedGradient() {
        check(compile("sgd(0.5)", "Clip clip = clipNorm(0.05);"), new int[] {6, 6});
    }

    static void check(Compilation c, int[] micro) {
        int total = Arrays.stream(micro).sum();
        Trainer whole = c.newTrainer(total, 9), parts = c.newTrainer(total, 9);
        for (int round = 0; round < 3; round++) { // later rounds see momentum state and zeroed sums
            double[][] d = data(round, total);
            feed(whole, d, 0, total);
            whole.step();
            int from = 0;
            for (int size : micro) {
                feed(parts, d, from, from + size);
                parts.accumulate();
                from += size;
            }
            parts.update();
            for (TensorInfo p : whole.params()) {
                DifferentialTest.assertClose(whole.param(p.name()).toDoubleArray(), parts.param(p.name()).toDoubleArray(), 1e-12,
                        "round " + round + ": " + p.name() + " after accumulating " + Arrays.toString(micro));
                // grad() shows the gradient the update applied: the mean over the micro-batches, clipped.
                DifferentialTest.assertClose(whole.grad(p.name()).toDoubleArray(), parts.grad(p.name()).toDoubleArray(), 1e-12,
                        "round " + round + ": grad(" + p.name() + ") after update()");
            }
        }
    }

    @Test
    void agreesWithTheInterpreter() {
        Compilation c = compile("adam(0.01)", "");
        Trainer t = c.newTrainer(4, 3);
        Interpreter ref = new Interpreter(c.trained(), 4);
        TestModels.bindings(t).forEach(ref::bind);
        for (int i = 0; i < 3; i++) {
            double[][] d = data(i, 4);
            feed(t, d, 0, 4);
            ref.bind("x", d[0]).bind("y", d[1]);
            t.accumulate();
            ref.accumulate();
            assertEquals(ref.loss(), t.loss(), 1e-12);
        }
        t.update();
        ref.update();
        for (TensorInfo p : t.params()) {
            DifferentialTest.assertClose(ref.bound(p.name()), t.param(p.name()).toDoubleArray(), 1e-12, p.name());
        }
    }

    @Test
    void accumulateAndUpdateAllocateNothing() {
        Trainer t = compile("adam(0.01)", "").newTrainer(4, 3);
        TestModels.feedRandomInputs(t, 2);
        Runnable round = () -> {
            t.accumulate();
            t.accumulate();
            t.update();
        };
        for (int i = 0; i < 10_000; i++) round.run();
        long bytes = ZeroAllocationTest.allocatedBytesOf(() -> {
            for (int i = 0; i < 1_000; i++) round.run();
        });
        assertEquals(0, bytes);
    }
}
