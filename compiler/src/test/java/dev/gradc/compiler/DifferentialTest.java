package dev.gradc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradc.compiler.interp.Interpreter;
import dev.gradc.runtime.Trainer;
import dev.gradc.runtime.DType;
import dev.gradc.runtime.TensorInfo;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Emitted bytecode against the IR interpreter, op by op and on the moons model: outputs, loss,
 * gradients and the updated parameters after a step. In float64 both run the same operations in
 * the same order, so they agree to rounding (1e-12); float32 agrees to its own precision.
 */
class DifferentialTest {
    /** One model per op; {@code EXPR} is the output, squared and summed for the loss. */
    static final String TEMPLATE = """
            class Test {
                Input x = input(batch, 3);
                Param p = uniform(-1, 1, 3);
                Param q = uniform(0.5, 1.5, 1, 3);
                Param w = uniform(-1, 1, 3, 4);
                Param s = uniform(0.5, 1.5);
                Tensor out() { return EXPR; }
                Tensor loss() { LOSS 0 * sum(p) + 0 * sum(q) + 0 * sum(w) + 0 * s; }
                Optimizer opt = sgd(0.1);
            }
            """;

    /** The op's model: its loss squares the output, except where argmax (not differentiable) is involved. */
    static String source(String expr) {
        String loss = expr.contains("argmax") ? "return" : "Tensor o = out(); return sum(o * o) +";
        return TEMPLATE.replace("EXPR", expr).replace("LOSS", loss);
    }

    static Stream<Arguments> ops() {
        return Stream.of(
                "x + p", "p - x", "x * q", "x / q", "-x * p", "1 - x", "2 / q", "x * s",
                "relu(x + p)", "tanh(x * p)", "exp(x * p)", "log(q + x * x)",
                "pow(x * p, 2)", "pow(q + x * x, 1.5)", "pow(q, 3) * x",
                "matmul(x, w)", "relu(matmul(x, w) + 1)", "matmul(x, p)", "matmul(p, w)",
                "matmul(reshape(x, batch, 1, 3), w)", "matmul(reshape(x, batch, 3, 1), reshape(x, batch, 1, 3))",
                "sigmoid(x) * gelu(x) + softplus(x) - elu(x) * leakyRelu(x, 0.2)", "abs(x) + sqrt(q) + square(x) + log1p(q)",
                "sin(x) * cos(p) + clamp(x, -0.3, 0.3)", "maximum(x, p) - minimum(x, q)", "where(x > p, x, q) + (x <= 0)",
                "pow(q, x)", "max(x, 1, true) + min(x, 0, true)", "logSumExp(x * p, -1)", "softmax(x * q)", "logSoftmax(x, 0)",
                "transpose(x) * 2", "concat(x, x * 2, 1)", "concat(slice(x, 1, 1, 3), slice(x, 1, 0, 1), 1) * q", "argmax(x)", "oneHot(argmax(x), 3) * x", "layerNorm(x, p, q)", "batchNorm(x, p, reshape(q, 3))", "batchNorm(reshape(x, batch, 3, 1) * q, reshape(q, 3), p, 0.2, 1e-3)",
                "mse(x, p) + l1(x, q) + huber(x * 3, p) + hinge(x, q)", "binaryCrossEntropyWithLogits(x, q) + crossEntropy(x * 4, argmax(x))",
                "sum(x * p)", "sum(x * p, 0)", "sum(x * p, 1)", "sum(x * q, -1)",
                "mean(x * p)", "mean(x * p, 0)", "mean(x * p, -1)",
                "reshape(x * p, batch, 3, 1)", "reshape(matmul(x, w), batch, 2, 2) * 2",
                "reshape(sum(x, 1), batch, 1) * q")
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void opFloat64(String expr) {
        compare(TestModels.compile(source(expr), DType.FLOAT64), 4, 1e-12);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void opFloat32(String expr) {
        compare(TestModels.compile(source(expr), DType.FLOAT32), 4, 1e-4);
    }

    @Test
    void moonsFloat64() {
        compare(TestModels.moons(DType.FLOAT64), 100, 1e-12);
    }

    @Test
    void moonsFloat32() {
        compare(TestModels.moons(DType.FLOAT32), 100, 1e-4);
    }

    @Test
    void smallerBatchThanMaximum() {
        Compilation c = TestModels.moons(DType.FLOAT64);
        Trainer t = c.newTrainer(100, 3);
        t.setBatch(7);
        compareAt(c, t, 1e-12);
    }

    static void compare(Compilation c, int batch, double tolerance) {
        compareAt(c, c.newTrainer(batch, 3), tolerance);
    }

    static void compareAt(Compilation c, Trainer t, double tolerance) {
        TestModels.feedRandomInputs(t, 5);
        Interpreter ref = new Interpreter(c.trained(), t.batch());
        TestModels.bindings(t).forEach(ref::bind);
        ref.run(c.trained().allRoots());

        assertClose(ref.value(c.trained().evalLoss()), new double[] {t.evaluateLoss()}, tolerance, "evaluateLoss()");
        for (TensorInfo out : t.outputs()) {
            assertClose(ref.output(out.name()), t.output(out.name()).toDoubleArray(), tolerance, "output " + out.name());
        }
        ref.step();
        t.step();
        assertClose(new double[] {ref.loss()}, new double[] {t.loss()}, tolerance, "loss");
        for (TensorInfo p : t.params()) {
            if (c.trained().grads().containsKey(p.name())) {
                assertClose(ref.grad(p.name()), t.grad(p.name()).toDoubleArray(), tolerance, "gradient of " + p.name());
            }
            assertClose(ref.bound(p.name()), t.param(p.name()).toDoubleArray(), tolerance, "updated " + p.name());
        }
    }

    static void assertClose(double[] expected, double[] actual, double tolerance, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double scale = Math.max(1, Math.abs(expected[i]));
            assertTrue(Math.abs(expected[i] - actual[i]) <= tolerance * scale,
                    what + "[" + i + "]: interpreter " + expected[i] + ", compiled " + actual[i]);
        }
    }

}
