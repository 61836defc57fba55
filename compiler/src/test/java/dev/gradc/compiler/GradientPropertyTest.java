package dev.gradc.compiler;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.gradc.compiler.interp.Interpreter;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ops.Elementwise;
import dev.gradc.runtime.Trainer;
import dev.gradc.runtime.DType;
import dev.gradc.runtime.TensorInfo;
import dev.gradc.runtime.TensorView;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Random compositions of the ops with random shapes and broadcasting, compiled in float64: every
 * parameter gradient agrees with central finite differences.
 *
 * <p>Tolerance: with step h = 1e-6·max(1, |p|), central differences err by about h²·|f'''|/6
 * (~1e-12 here) plus rounding, eps·|f|/h ≈ 2e-10·|f|. So gradients must agree to 1e-6 relative,
 * plus an absolute 1e-7·max(1, |loss|) for gradients near zero. A wrong VJP is off by O(1).
 *
 * <p>relu, abs and leakyRelu have a kink at 0, maximum and minimum where their operands are equal;
 * there finite differences are meaningless. A model is skipped (and a new one drawn) when any such
 * input lies within 1e-4 of its kink, far beyond the 1e-6 steps.
 */
class GradientPropertyTest {
    private static final int BATCH = 2;

    @Test
    void gradientsMatchFiniteDifferences() {
        qt().withFixedSeed(20261124L)
                .withExamples(300)
                .withShrinkCycles(300)
                .forAll(lists().of(integers().between(0, 1000)).ofSizeBetween(0, 60))
                .assuming(choices -> awayFromKinks(RandomModel.source(choices)))
                .checkAssert(choices -> checkGradients(RandomModel.source(choices)));
    }

    static boolean awayFromKinks(String source) {
        Compilation c = TestModels.compile(source, DType.FLOAT64);
        Trainer t = c.newTrainer(BATCH, 7);
        TestModels.feedRandomInputs(t, 11);
        Interpreter ref = new Interpreter(c.trained(), BATCH);
        TestModels.bindings(t).forEach(ref::bind);
        ref.run(c.trained().stepRoots());
        for (Node n : c.trained().needed(c.trained().stepRoots())) {
            if (n.op == Elementwise.RELU_OP || n.op == Elementwise.ABS_OP || n.op == Elementwise.LEAKY_RELU_OP) {
                for (double v : ref.value(n.input(0))) if (Math.abs(v) < 1e-4) return false;
            }
            if (n.op == Elementwise.MAXIMUM_OP || n.op == Elementwise.MINIMUM_OP) {
                int[] out = n.shape.at(BATCH);
                double[] a = ref.value(n.input(0)), b = ref.value(n.input(1));
                for (int i = 0; i < ref.value(n).length; i++) {
                    double x = a[OpMatrixTest.index(i, out, n.input(0).shape.at(BATCH))];
                    double y = b[OpMatrixTest.index(i, out, n.input(1).shape.at(BATCH))];
                    if (Math.abs(x - y) < 1e-4) return false;
                }
            }
        }
        return true;
    }

    static void checkGradients(String source) {
        Compilation c = TestModels.compile(source, DType.FLOAT64);
        Trainer t = c.newTrainer(BATCH, 7);
        TestModels.feedRandomInputs(t, 11);
        checkGradients(source + "\n" + c.trained(), t);
    }

    /** Compares every parameter gradient of {@code t} at its current parameters with finite differences. */
    static void checkGradients(String description, Trainer t) {
        t.setLearningRate(0); // a step then leaves the parameters as they are
        t.step();
        double loss = t.loss();
        Map<String, double[]> gradients = new LinkedHashMap<>(); // read now: later steps overwrite them
        for (TensorInfo p : t.params()) {
            try {
                gradients.put(p.name(), t.grad(p.name()).toDoubleArray());
            } catch (IllegalArgumentException noGradient) {
                // the loss does not depend on this parameter
            }
        }
        for (TensorInfo p : t.params()) {
            double[] analytic = gradients.get(p.name());
            if (analytic == null) continue;
            TensorView param = t.param(p.name());
            for (int i = 0; i < analytic.length; i++) {
                double saved = param.get(i);
                double h = 1e-6 * Math.max(1, Math.abs(saved));
                param.set(i, saved + h);
                t.step();
                double plus = t.loss();
                param.set(i, saved - h);
                t.step();
                double minus = t.loss();
                param.set(i, saved);
                double numeric = (plus - minus) / (2 * h);
                double tolerance = 1e-6 * Math.max(Math.abs(analytic[i]), Math.abs(numeric)) + 1e-7 * Math.max(1, Math.abs(loss));
                if (!(Math.abs(analytic[i] - numeric) <= tolerance)) {
                    throw new AssertionError("d loss / d " + p.name() + "[" + i + "]: compiled " + analytic[i]
                            + ", finite differences " + numeric + "\n" + description);
                }
            }
        }
    }
}
