package dev.gradc.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradc.runtime.Trainer;
import dev.gradc.runtime.DType;
import dev.gradc.runtime.internal.Rng;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Gradient clipping declared in the model ({@code Clip clip = clipNorm(1.0);}): the trainer's
 * gradients are the clipped ones, checked against the hand-written gradient of {@link OptimizerTest}'s
 * least-squares model, and the optimizer steps with them.
 */
class ClipTest {
    static Trainer trainer(String declarations, DType dtype) {
        return compile(declarations, dtype).newTrainer(OptimizerTest.BATCH, 4);
    }

    static Compilation compile(String declarations, DType dtype) {
        return TestModels.compile(OptimizerTest.MODEL.replace("OPTIMIZER;", declarations), dtype);
    }

    /** Feeds random data scaled by {@code scale} and returns the unclipped gradients by hand. */
    static Map<String, double[]> feed(Trainer t, long seed, double scale) {
        Rng rng = new Rng(seed);
        double[] x = OptimizerTest.random(rng, OptimizerTest.BATCH * 3), y = OptimizerTest.random(rng, OptimizerTest.BATCH * 2);
        for (int i = 0; i < y.length; i++) y[i] *= scale;
        t.input("x").copyFrom(x);
        t.input("y").copyFrom(y);
        return OptimizerTest.gradients(x, y, t.param("w").toDoubleArray(), t.param("b").toDoubleArray());
    }

    static double globalNorm(Map<String, double[]> grads) {
        double sum = 0;
        for (double[] g : grads.values()) for (double v : g) sum += v * v;
        return Math.sqrt(sum);
    }

    @Test
    void clippedGlobalNormEqualsTheThresholdAndKeepsTheDirection() {
        Trainer t = trainer("sgd(0.1);\n    Clip clip = clipNorm(1.5);", DType.FLOAT64);
        for (double limit : new double[] {1.5, 0.25}) {
            t.setHyper("clipNorm", limit); // the limit is a hyper-parameter too
            Map<String, double[]> raw = feed(t, 3, 100);
            double norm = globalNorm(raw);
            assertTrue(norm > 10 * limit, "the test needs a gradient over the limit, got " + norm);
            double[] w = t.param("w").toDoubleArray();
            t.step();
            Map<String, double[]> clipped = Map.of("w", t.grad("w").toDoubleArray(), "b", t.grad("b").toDoubleArray());
            assertEquals(limit, globalNorm(clipped), 1e-12 * limit);
            for (String p : List.of("w", "b")) {
                double[] expected = raw.get(p).clone();
                for (int i = 0; i < expected.length; i++) expected[i] *= limit / norm;
                DifferentialTest.assertClose(expected, clipped.get(p), 1e-12, "clipped gradient of " + p);
            }
            for (int i = 0; i < w.length; i++) w[i] -= 0.1 * clipped.get("w")[i];
            DifferentialTest.assertClose(w, t.param("w").toDoubleArray(), 1e-12, "w after a step with the clipped gradient");
        }
    }

    @Test
    void gradientsUnderTheNormAreUnchanged() {
        Trainer t = trainer("sgd(0.1);\n    Clip clip = clipNorm(1e6);", DType.FLOAT64);
        Trainer plain = trainer("sgd(0.1);", DType.FLOAT64);
        for (int step = 0; step < 3; step++) {
            Map<String, double[]> raw = feed(t, step, 1);
            feed(plain, step, 1);
            assertTrue(globalNorm(raw) < 1e6);
            t.step();
            plain.step();
            for (String p : List.of("w", "b")) {
                assertArrayEquals(plain.grad(p).toDoubleArray(), t.grad(p).toDoubleArray(), "gradient of " + p + ", bit for bit");
                assertArrayEquals(plain.param(p).toDoubleArray(), t.param(p).toDoubleArray(), p + ", bit for bit");
            }
        }
    }

    @Test
    void clipByValueClampsEachElementAndLeavesTheRest() {
        Trainer t = trainer("sgd(0.1);\n    Clip clip = clipValue(0.5);", DType.FLOAT64);
        Map<String, double[]> raw = feed(t, 8, 1);
        t.step();
        int clamped = 0, kept = 0;
        for (String p : List.of("w", "b")) {
            double[] g = raw.get(p), got = t.grad(p).toDoubleArray();
            for (int i = 0; i < g.length; i++) {
                if (Math.abs(g[i]) > 0.5) {
                    assertEquals(Math.copySign(0.5, g[i]), got[i], 0.0, p + "[" + i + "] clamped");
                    clamped++;
                } else {
                    assertEquals(g[i], got[i], 1e-12 * Math.max(1, Math.abs(g[i])), p + "[" + i + "] unchanged");
                    kept++;
                }
            }
        }
        assertTrue(clamped > 0 && kept > 0, "the data should exercise both cases: " + clamped + " clamped, " + kept + " kept");
    }

    @Test
    void bothClipsApplyInDeclarationOrderAndMatchTheInterpreter() {
        String both = "adam(0.01);\n    Clip byValue = clipValue(2);\n    Clip byNorm = clipNorm(1);";
        Trainer t = trainer(both, DType.FLOAT64);
        assertEquals(List.of("lr", "beta1", "beta2", "eps", "clipValue", "clipNorm"), t.hyperParameters());
        DifferentialTest.compare(compile(both, DType.FLOAT64), OptimizerTest.BATCH, 1e-12);
        DifferentialTest.compare(compile(both, DType.FLOAT32), OptimizerTest.BATCH, 1e-4);
        feed(t, 1, 100);
        t.step();
        assertEquals(1, globalNorm(Map.of("w", t.grad("w").toDoubleArray(), "b", t.grad("b").toDoubleArray())), 1e-12);
    }

    @Test
    void clippedStepAllocatesNothing() {
        Trainer t = trainer("adam();\n    Clip clip = clipNorm(1.0);", DType.FLOAT32);
        TestModels.feedRandomInputs(t, 2);
        ZeroAllocationTest.assertStepsAllocateNothing(t);
    }
}
