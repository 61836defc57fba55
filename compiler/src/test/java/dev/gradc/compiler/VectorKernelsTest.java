package dev.gradc.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradc.compiler.plan.Planner;
import dev.gradc.dsl.Source;
import dev.gradc.runtime.DType;
import dev.gradc.runtime.TensorInfo;
import dev.gradc.runtime.Trainer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Element-wise kernels' Vector API variants compute the very bits of their scalar code: a trainer
 * that switched to them once they were compiled trains exactly as one built without them.
 */
class VectorKernelsTest {
    static String model(String activation) {
        return """
                class V {
                    Input x = input(batch, 37);
                    Input y = input(batch, 5);
                    Param w1 = xavierUniform(37, 29), b1 = zeros(29), w2 = xavierUniform(29, 5);
                    Tensor out() { return ACT(matmul(ACT(matmul(x, w1) + b1), w2)); }
                    Tensor loss() { return mse(out(), y) + 1e-3 * sum(w1 * w1); }
                    Optimizer o = adam(0.01);
                }
                """.replace("ACT", activation);
    }

    @ParameterizedTest
    @ValueSource(strings = {"tanh", "sigmoid", "relu", "exp"})
    void vectorKernelsTrainBitForBitAsScalarOnes(String activation) throws Exception {
        Source source = new Source("V.grad", model(activation));
        Compilation vector = Compiler.compile(source, Compiler.Options.DEFAULT.withDtype(DType.FLOAT32));
        Planner.Options plain = new Planner.Options(true, true, true, false);
        Compilation scalar = Compiler.compile(source, Compiler.Options.DEFAULT.withDtype(DType.FLOAT32).withBackEnd(plain));
        assertTrue(vector.classFiles().size() == 2 && scalar.classFiles().size() == 1, "a Vector API companion only with vector kernels");
        Trainer v = vector.newTrainer(19, 3), s = scalar.newTrainer(19, 3);
        Class<?> companion = v.getClass().getClassLoader().loadClass(vector.className() + "$Vector");
        TestModels.feedRandomInputs(v, 5);
        TestModels.feedRandomInputs(s, 5);
        long deadline = System.nanoTime() + 120_000_000_000L;
        int steps = 0;
        while (!companion.getField("READY").getBoolean(null) && System.nanoTime() < deadline) {
            v.step(); // the scalar kernels, until the warm-up has the vector ones compiled
            s.step();
            steps++;
        }
        assertTrue(companion.getField("READY").getBoolean(null), "the vector kernels were never warmed up");
        for (int i = 0; i < 200; i++, steps++) {
            v.step();
            s.step();
        }
        for (TensorInfo p : v.params()) {
            assertArrayEquals(s.param(p.name()).toFloatArray(), v.param(p.name()).toFloatArray(), p.name() + " after " + steps + " steps");
        }
        assertArrayEquals(s.output("out").toFloatArray(), v.output("out").toFloatArray());
    }

    @org.junit.jupiter.api.Test
    void startWarmUpWarmsTheCompanionBeforeAnyTrainer() throws Exception {
        // Its own model text, so that no other test's trainer has loaded (and warmed) these classes.
        Source source = new Source("W.grad", model("tanh").replace("class V", "class W"));
        Compilation c = Compiler.compile(source, Compiler.Options.DEFAULT.withDtype(DType.FLOAT32));
        Class<?> companion = Class.forName(c.className() + "$Vector", false, c.load().getClassLoader());
        c.startWarmUp();
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!companion.getField("READY").getBoolean(null) && System.nanoTime() < deadline) Thread.sleep(5);
        assertTrue(companion.getField("READY").getBoolean(null), "the warm-up never finished without a trainer");
        Compiler.compile(source, Compiler.Options.DEFAULT).startWarmUp(); // float64: no companion, nothing to start
    }
}
