package dev.gradc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gradc.runtime.DType;
import dev.gradc.runtime.DataException;
import dev.gradc.runtime.TensorInfo;
import dev.gradc.runtime.Trainer;
import dev.gradc.runtime.internal.Rng;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** batchNorm against PyTorch's BatchNorm1d rules: gradients, running statistics, evaluation mode, the batch of one. */
class BatchNormTest {
    static final int BATCH = 6, C = 3;

    static String model(String call) {
        return """
                class B {
                    Input x = input(batch, 4);
                    Input y = input(batch, 3);
                    Param w = uniform(-1, 1, 4, 3), g = uniform(0.5, 1.5, 3), b = uniform(-0.5, 0.5, 3);
                    Tensor h() { return CALL; }
                    Tensor loss() { return mse(tanh(h()), y); }
                    Optimizer o = sgd(0.1, 0.9);
                }
                """.replace("CALL", call);
    }

    @ParameterizedTest
    @ValueSource(strings = {"batchNorm(matmul(x, w), g, b)", "batchNorm(matmul(x, w), g, b, 0.3, 1e-3)"})
    void gradientsMatchFiniteDifferences(String call) {
        GradientPropertyTest.checkGradients(model(call));
    }

    @Test
    void gradientsMatchFiniteDifferencesOverBatchAndLength() {
        GradientPropertyTest.checkGradients("""
                class B3 {
                    Input x = input(batch, 2, 3);
                    Param g = uniform(0.5, 1.5, 3), b = uniform(-0.5, 0.5, 3), v = uniform(-1, 1, 3);
                    Tensor loss() { return sum(tanh(batchNorm(x * v, g, b)) * x); }
                    Optimizer o = sgd(0.1);
                }
                """);
    }

    /** PyTorch's update, in plain Java: running = (1 - m) running + m stat, the variance unbiased. */
    @Test
    void runningStatisticsFollowPyTorchsRule() {
        double momentum = 0.3;
        Trainer t = TestModels.compile(model("batchNorm(matmul(x, w), g, b, 0.3, 1e-5)"), DType.FLOAT64).newTrainer(BATCH, 7);
        assertEquals(List.of("g.running_mean", "g.running_var"), t.states().stream().map(TensorInfo::name)
                .filter(n -> n.startsWith("g.running")).toList());
        double[] mean = new double[C], var = {1, 1, 1};
        assertEquals(List.of(1.0, 1.0, 1.0), list(t.state("g.running_var").toDoubleArray()), "the running variance starts at 1");
        Rng rng = new Rng(3);
        for (int step = 0; step < 5; step++) {
            double[] x = random(rng, BATCH * 4), y = random(rng, BATCH * 3);
            t.input("x").copyFrom(x);
            t.input("y").copyFrom(y);
            double[] w = t.param("w").toDoubleArray(); // the product the step normalizes uses the weights before its update
            double[] h = new double[BATCH * C];
            for (int i = 0; i < BATCH; i++) for (int j = 0; j < C; j++) for (int k = 0; k < 4; k++) h[i * C + j] += x[i * 4 + k] * w[k * C + j];
            for (int j = 0; j < C; j++) {
                double m = 0, s = 0;
                for (int i = 0; i < BATCH; i++) m += h[i * C + j];
                m /= BATCH;
                for (int i = 0; i < BATCH; i++) s += (h[i * C + j] - m) * (h[i * C + j] - m);
                mean[j] = (1 - momentum) * mean[j] + momentum * m;
                var[j] = (1 - momentum) * var[j] + momentum * s / (BATCH - 1);
            }
            t.step();
            DifferentialTest.assertClose(mean, t.state("g.running_mean").toDoubleArray(), 1e-12, "running mean after step " + step);
            DifferentialTest.assertClose(var, t.state("g.running_var").toDoubleArray(), 1e-12, "running variance after step " + step);
        }
        // Outputs normalize with the running statistics, as PyTorch's model.eval() does.
        double[] x = t.input("x").toDoubleArray(), w = t.param("w").toDoubleArray(), g = t.param("g").toDoubleArray(), b = t.param("b").toDoubleArray();
        double[] expected = new double[BATCH * C];
        for (int i = 0; i < BATCH; i++) {
            for (int j = 0; j < C; j++) {
                double hij = 0;
                for (int k = 0; k < 4; k++) hij += x[i * 4 + k] * w[k * C + j];
                expected[i * C + j] = (hij - mean[j]) / Math.sqrt(var[j] + 1e-5) * g[j] + b[j];
            }
        }
        DifferentialTest.assertClose(expected, t.output("h").toDoubleArray(), 1e-12, "output in evaluation mode");
        t.resetState();
        assertEquals(List.of(1.0, 1.0, 1.0), list(t.state("g.running_var").toDoubleArray()), "resetState: the running variance back to 1");
        assertEquals(List.of(0.0, 0.0, 0.0), list(t.state("g.running_mean").toDoubleArray()));
    }

    @Test
    void aBatchOfOneIsAnErrorWhileTrainingButNotForOutputs() {
        Trainer t = TestModels.compile(model("batchNorm(matmul(x, w), g, b)"), DType.FLOAT32).newTrainer(BATCH, 7);
        TestModels.feedRandomInputs(t, 1);
        t.setBatch(1);
        DataException e = assertThrows(DataException.class, t::step);
        assertEquals("B: batch normalization needs more than one value per channel while training, and this step's batch is 1 "
                + "(at least 2 examples a step); outputs and evaluateLoss() take any batch, as they use the running statistics", e.getMessage());
        assertThrows(DataException.class, t::accumulate);
        t.output("h");
        t.evaluateLoss();
        t.setBatch(2);
        t.step();
    }

    @Test
    void stepAllocatesNothing() {
        Trainer t = TestModels.compile(model("batchNorm(matmul(x, w), g, b)"), DType.FLOAT32).newTrainer(BATCH, 7);
        TestModels.feedRandomInputs(t, 1);
        ZeroAllocationTest.assertStepsAllocateNothing(t);
    }

    @Test
    void accumulationUpdatesTheStatisticsOncePerMicroBatch() {
        Compilation c = TestModels.compile(model("batchNorm(matmul(x, w), g, b)"), DType.FLOAT64);
        Trainer stepped = c.newTrainer(BATCH, 7), accumulated = c.newTrainer(BATCH, 7);
        TestModels.feedRandomInputs(stepped, 4);
        TestModels.feedRandomInputs(accumulated, 4);
        stepped.step();
        accumulated.accumulate();
        DifferentialTest.assertClose(stepped.state("g.running_mean").toDoubleArray(), accumulated.state("g.running_mean").toDoubleArray(), 0, "mean");
        DifferentialTest.assertClose(stepped.state("g.running_var").toDoubleArray(), accumulated.state("g.running_var").toDoubleArray(), 0, "var");
        accumulated.update(); // the optimizer's update leaves the statistics alone
        DifferentialTest.assertClose(stepped.state("g.running_var").toDoubleArray(), accumulated.state("g.running_var").toDoubleArray(), 0, "var");
    }

    private static double[] random(Rng rng, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rng.uniform(-1, 1);
        return v;
    }

    private static List<Double> list(double[] v) {
        return java.util.Arrays.stream(v).boxed().toList();
    }
}
