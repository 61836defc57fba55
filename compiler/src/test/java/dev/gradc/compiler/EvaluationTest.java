package dev.gradc.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradc.runtime.DType;
import dev.gradc.runtime.Trainer;
import org.junit.jupiter.api.Test;

/**
 * evaluateLoss() computes every output in its pass; evaluatedOutput(name) reads them, and refuses
 * once anything else has run the model since.
 */
class EvaluationTest {
    /** Dropout, so that a step writes other values into the outputs' buffers; {@code predictedClass} is off the loss's path. */
    static final String MODEL = """
            class Eval {
                Input x = input(batch, 8);
                Input label = input(batch);
                Param w1 = xavierUniform(8, 32), b1 = zeros(32), w2 = xavierUniform(32, 3);
                Tensor logits() { return matmul(dropout(relu(matmul(x, w1) + b1), 0.5), w2); }
                Tensor predictedClass() { return argmax(logits()); }
                Tensor loss() { return crossEntropy(logits(), label); }
                Optimizer opt = adam(0.01);
            }
            """;

    static Trainer trainer(DType dtype) {
        Trainer t = TestModels.compile(MODEL, dtype).newTrainer(20, 5);
        feed(t, 20);
        return t;
    }

    static void feed(Trainer t, int batch) {
        t.setBatch(batch);
        double[] x = new double[batch * 8], label = new double[batch];
        java.util.Random r = new java.util.Random(batch);
        for (int i = 0; i < x.length; i++) x[i] = r.nextGaussian();
        for (int i = 0; i < batch; i++) label[i] = r.nextInt(3);
        t.input("x").copyFrom(x);
        t.input("label").copyFrom(label);
    }

    @Test
    void theEvaluatedOutputsAreThoseOutputGivesBitForBit() {
        for (DType dtype : DType.values()) {
            Trainer t = trainer(dtype);
            for (int i = 0; i < 3; i++) t.step();
            double loss = t.evaluateLoss();
            double[] logits = t.evaluatedOutput("logits").toDoubleArray();
            double[] predicted = t.evaluatedOutput("predictedClass").toDoubleArray();
            assertArrayEquals(t.output("logits").toDoubleArray(), logits, dtype.toString());
            assertArrayEquals(t.output("predictedClass").toDoubleArray(), predicted, dtype.toString());
            assertEquals(loss, t.evaluateLoss(), dtype.toString());
            feed(t, 7); // a smaller batch: the evaluated outputs are of it
            t.evaluateLoss();
            double[] small = t.evaluatedOutput("logits").toDoubleArray();
            assertArrayEquals(t.output("logits").toDoubleArray(), small, dtype.toString());
        }
    }

    @Test
    void anythingElseThatRunsTheModelEndsTheEvaluation() {
        Trainer t = trainer(DType.FLOAT32);
        IllegalStateException before = assertThrows(IllegalStateException.class, () -> t.evaluatedOutput("logits"));
        assertTrue(before.getMessage().contains("evaluateLoss()"), before.getMessage());
        t.evaluateLoss();
        t.step();
        assertThrows(IllegalStateException.class, () -> t.evaluatedOutput("logits"), "after step()");
        t.evaluateLoss();
        t.setBatch(10);
        assertThrows(IllegalStateException.class, () -> t.evaluatedOutput("logits"), "after setBatch()");
        t.evaluateLoss();
        t.output("predictedClass");
        assertThrows(IllegalStateException.class, () -> t.evaluatedOutput("logits"), "after output()");
        t.evaluateLoss();
        t.accumulate();
        assertThrows(IllegalStateException.class, () -> t.evaluatedOutput("logits"), "after accumulate()");
        t.evaluateLoss();
        t.update();
        assertThrows(IllegalStateException.class, () -> t.evaluatedOutput("logits"), "after update()");
        t.evaluateLoss();
        assertThrows(IllegalArgumentException.class, () -> t.evaluatedOutput("logit"));
    }
}
