package dev.gradc.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradc.compiler.interp.Interpreter;
import dev.gradc.runtime.Trainer;
import dev.gradc.runtime.DType;
import dev.gradc.runtime.TensorInfo;
import org.junit.jupiter.api.Test;

/**
 * dropout(x, p): a fresh seeded mask every step, scaled by 1/(1-p); the identity in outputs. That a
 * step with dropout allocates nothing is asserted in {@link ZeroAllocationTest}, in a JVM of its own.
 */
class DropoutTest {
    static final String MODEL = """
            class Drop {
                Input x = input(batch, 8);
                Input y = input(batch);
                Param w1 = xavierUniform(8, 64), b1 = zeros(64), w2 = xavierUniform(64, 1);
                Tensor score() { return reshape(matmul(dropout(relu(matmul(x, w1) + b1), RATE), w2), batch); }
                Tensor loss() { return mse(score(), y); }
                Optimizer opt = sgd(0.01);
            }
            """;

    static Trainer trainer(String p, long seed) {
        Trainer t = TestModels.compile(MODEL.replace("RATE", p), DType.FLOAT64).newTrainer(50, seed);
        TestModels.feedRandomInputs(t, 4);
        return t;
    }

    @Test
    void masksKeepOneMinusPScaledAndChangeEveryStep() {
        Trainer t = trainer("0.25", 1);
        t.step();
        double[] first = t.mask("dropout0").toDoubleArray();
        int zeros = 0;
        for (double v : first) {
            assertTrue(v == 0 || v == 1 / 0.75, "mask value " + v);
            if (v == 0) zeros++;
        }
        assertEquals(0.25, zeros / (double) first.length, 0.03, "fraction dropped of " + first.length);
        t.step();
        assertNotEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(t.mask("dropout0").toDoubleArray()));
    }

    @Test
    void sameSeedSameTraining() {
        Trainer a = trainer("0.5", 7), b = trainer("0.5", 7);
        for (int i = 0; i < 5; i++) {
            a.step();
            b.step();
        }
        assertEquals(a.loss(), b.loss());
        assertArrayEquals(a.param("w1").toDoubleArray(), b.param("w1").toDoubleArray());
    }

    @Test
    void outputsRunWithoutDropout() {
        Trainer with = trainer("0.5", 3), without = trainer("0", 3);
        assertArrayEquals(without.output("score").toDoubleArray(), with.output("score").toDoubleArray());
        with.step(); // a step draws masks; outputs still ignore them
        without.param("w1").copyFrom(with.param("w1").toDoubleArray());
        without.param("b1").copyFrom(with.param("b1").toDoubleArray());
        without.param("w2").copyFrom(with.param("w2").toDoubleArray());
        assertArrayEquals(without.output("score").toDoubleArray(), with.output("score").toDoubleArray());
    }

    @Test
    void evaluateLossRunsWithoutDropoutAndChangesNothing() {
        Trainer with = trainer("0.5", 3), without = trainer("0", 3);
        with.step();
        double stepLoss = with.loss();
        double[] w1 = with.param("w1").toDoubleArray();
        for (String p : new String[] {"w1", "b1", "w2"}) without.param(p).copyFrom(with.param(p).toDoubleArray());
        without.setLearningRate(0);
        without.step();
        assertEquals(without.loss(), with.evaluateLoss(), 1e-12);
        assertEquals(stepLoss, with.loss());
        assertArrayEquals(w1, with.param("w1").toDoubleArray());
    }

    @Test
    void stepAgreesWithTheInterpreterGivenTheSameMask() {
        Compilation c = TestModels.compile(MODEL.replace("RATE", "0.5"), DType.FLOAT64);
        Trainer t = c.newTrainer(50, 2);
        TestModels.feedRandomInputs(t, 4);
        Interpreter ref = new Interpreter(c.trained(), 50);
        TestModels.bindings(t).forEach(ref::bind);
        t.step();
        for (TensorInfo m : t.masks()) ref.bind(m.name(), t.mask(m.name()).toDoubleArray());
        ref.step();
        DifferentialTest.assertClose(new double[] {ref.loss()}, new double[] {t.loss()}, 1e-12, "loss");
        for (TensorInfo p : t.params()) {
            DifferentialTest.assertClose(ref.grad(p.name()), t.grad(p.name()).toDoubleArray(), 1e-12, "gradient of " + p.name());
        }
    }
}
