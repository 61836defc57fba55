package dev.gradc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradc.compiler.interp.Interpreter;
import dev.gradc.runtime.Trainer;
import dev.gradc.runtime.DType;
import dev.gradc.runtime.internal.Rng;
import dev.gradc.runtime.TensorInfo;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each optimizer against a plain Java implementation of its published (PyTorch) update rule: 20
 * steps of least squares on fresh random data, float64, parameters and state to 1e-12. The
 * reference follows its own trajectory with its own hand-written gradient and PyTorch's defaults
 * written out here, so a wrong default, formula or ordering in the compiled step shows up.
 */
class OptimizerTest {
    static final String MODEL = """
            class Opt {
                Input x = input(batch, 3);
                Input y = input(batch, 2);
                Param w = uniform(-1, 1, 3, 2);
                Param b = uniform(-1, 1, 2);
                Tensor loss() { Tensor d = matmul(x, w) + b - y; return sum(d * d); }
                Optimizer opt = OPTIMIZER;
            }
            """;
    static final int BATCH = 4, STEPS = 20;

    /** A declaration and every hyper-parameter's value as PyTorch would use it. */
    record Case(String declaration, Map<String, Double> h) {
        @Override
        public String toString() {
            return declaration;
        }
    }

    static Case of(String declaration, Object... nameValue) {
        Map<String, Double> h = new HashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) h.put((String) nameValue[i], ((Number) nameValue[i + 1]).doubleValue());
        return new Case(declaration, h);
    }

    static Stream<Case> cases() {
        return Stream.of(
                of("sgd(0.05)", "lr", 0.05, "momentum", 0, "dampening", 0, "weightDecay", 0, "nesterov", 0),
                of("sgd(0.05, 0.9)", "lr", 0.05, "momentum", 0.9, "dampening", 0, "weightDecay", 0, "nesterov", 0),
                of("sgd(0.05, 0.9, 0.3, 0.01)", "lr", 0.05, "momentum", 0.9, "dampening", 0.3, "weightDecay", 0.01, "nesterov", 0),
                of("sgd(0.05, 0.8, 0, 0.02, 1)", "lr", 0.05, "momentum", 0.8, "dampening", 0, "weightDecay", 0.02, "nesterov", 1),
                of("adam()", "lr", 1e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "weightDecay", 0),
                of("adam(0.02, 0.8, 0.99, 1e-6, 0.05)", "lr", 0.02, "beta1", 0.8, "beta2", 0.99, "eps", 1e-6, "weightDecay", 0.05),
                of("adamW()", "lr", 1e-3, "beta1", 0.9, "beta2", 0.999, "eps", 1e-8, "weightDecay", 1e-2),
                of("adamW(0.02, 0.85, 0.995, 1e-7, 0.1)", "lr", 0.02, "beta1", 0.85, "beta2", 0.995, "eps", 1e-7, "weightDecay", 0.1),
                of("rmsprop()", "lr", 1e-2, "alpha", 0.99, "eps", 1e-8, "weightDecay", 0, "momentum", 0),
                of("rmsprop(0.005, 0.9, 1e-6, 0.02, 0.5)", "lr", 0.005, "alpha", 0.9, "eps", 1e-6, "weightDecay", 0.02, "momentum", 0.5),
                of("adagrad()", "lr", 1e-2, "lrDecay", 0, "weightDecay", 0, "eps", 1e-10),
                of("adagrad(0.1, 0.05, 0.01, 1e-9)", "lr", 0.1, "lrDecay", 0.05, "weightDecay", 0.01, "eps", 1e-9));
    }

    static Compilation compile(String declaration, DType dtype) {
        return TestModels.compile(MODEL.replace("OPTIMIZER", declaration), dtype);
    }

    // The reference: PyTorch's documented algorithms, one parameter tensor at a time, step t from 1.

    static void reference(String optimizer, Map<String, Double> h, int t, double[] p, double[] g, Map<String, double[]> state) {
        double lr = h.get("lr"), wd = h.get("weightDecay");
        switch (optimizer) {
            case "sgd" -> {
                double momentum = h.get("momentum"), dampening = h.get("dampening");
                double[] buf = momentum != 0 ? state.computeIfAbsent("momentum", k -> new double[p.length]) : null;
                for (int i = 0; i < p.length; i++) {
                    double gi = g[i] + wd * p[i];
                    if (momentum != 0) {
                        buf[i] = t == 1 ? gi : momentum * buf[i] + (1 - dampening) * gi;
                        gi = h.get("nesterov") == 1 ? gi + momentum * buf[i] : buf[i];
                    }
                    p[i] -= lr * gi;
                }
            }
            case "adam", "adamW" -> {
                double beta1 = h.get("beta1"), beta2 = h.get("beta2"), eps = h.get("eps");
                double[] m = state.computeIfAbsent("avg", k -> new double[p.length]);
                double[] v = state.computeIfAbsent("avgSq", k -> new double[p.length]);
                double bc1 = 1 - Math.pow(beta1, t), bc2 = 1 - Math.pow(beta2, t);
                for (int i = 0; i < p.length; i++) {
                    double gi = g[i];
                    if (optimizer.equals("adamW")) p[i] *= 1 - lr * wd;
                    else gi += wd * p[i];
                    m[i] = beta1 * m[i] + (1 - beta1) * gi;
                    v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
                    p[i] -= lr / bc1 * m[i] / (Math.sqrt(v[i]) / Math.sqrt(bc2) + eps);
                }
            }
            case "rmsprop" -> {
                double alpha = h.get("alpha"), eps = h.get("eps"), momentum = h.get("momentum");
                double[] v = state.computeIfAbsent("avgSq", k -> new double[p.length]);
                double[] buf = momentum != 0 ? state.computeIfAbsent("momentum", k -> new double[p.length]) : null;
                for (int i = 0; i < p.length; i++) {
                    double gi = g[i] + wd * p[i];
                    v[i] = alpha * v[i] + (1 - alpha) * gi * gi;
                    double avg = Math.sqrt(v[i]) + eps;
                    if (momentum != 0) {
                        buf[i] = momentum * buf[i] + gi / avg;
                        p[i] -= lr * buf[i];
                    } else {
                        p[i] -= lr * gi / avg;
                    }
                }
            }
            case "adagrad" -> {
                double clr = lr / (1 + (t - 1) * h.get("lrDecay")), eps = h.get("eps");
                double[] sum = state.computeIfAbsent("sumSq", k -> new double[p.length]);
                for (int i = 0; i < p.length; i++) {
                    double gi = g[i] + wd * p[i];
                    sum[i] += gi * gi;
                    p[i] -= clr * gi / (Math.sqrt(sum[i]) + eps);
                }
            }
            default -> throw new AssertionError(optimizer);
        }
    }

    /** Gradients of sum((x w + b - y)^2) by hand: dw = 2 x^T d, db = 2 * column sums of d. */
    static Map<String, double[]> gradients(double[] x, double[] y, double[] w, double[] b) {
        double[] dw = new double[6], db = new double[2];
        for (int r = 0; r < BATCH; r++) {
            for (int j = 0; j < 2; j++) {
                double d = b[j] - y[r * 2 + j];
                for (int k = 0; k < 3; k++) d += x[r * 3 + k] * w[k * 2 + j];
                db[j] += 2 * d;
                for (int k = 0; k < 3; k++) dw[k * 2 + j] += 2 * x[r * 3 + k] * d;
            }
        }
        return Map.of("w", dw, "b", db);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPublishedUpdateRule(Case c) {
        String optimizer = c.declaration().substring(0, c.declaration().indexOf('('));
        Map<String, Double> h = new HashMap<>(c.h());
        Trainer t = compile(c.declaration(), DType.FLOAT64).newTrainer(BATCH, 7);
        Map<String, double[]> params = new LinkedHashMap<>();
        for (String name : List.of("w", "b")) params.put(name, t.param(name).toDoubleArray());
        Map<String, Map<String, double[]>> state = Map.of("w", new HashMap<>(), "b", new HashMap<>());
        Rng rng = new Rng(11);
        for (int step = 1; step <= STEPS; step++) {
            if (step == 11) { // the host changes the learning rate half-way
                h.put("lr", h.get("lr") / 2);
                t.setLearningRate(h.get("lr"));
            }
            double[] x = random(rng, BATCH * 3), y = random(rng, BATCH * 2);
            t.input("x").copyFrom(x);
            t.input("y").copyFrom(y);
            Map<String, double[]> grads = gradients(x, y, params.get("w"), params.get("b"));
            t.step();
            for (String name : params.keySet()) {
                String at = c + ", step " + step + ", ";
                DifferentialTest.assertClose(grads.get(name), t.grad(name).toDoubleArray(), 1e-12, at + "gradient of " + name);
                reference(optimizer, h, step, params.get(name), grads.get(name), state.get(name));
                DifferentialTest.assertClose(params.get(name), t.param(name).toDoubleArray(), 1e-12, at + name);
            }
            for (TensorInfo s : t.states()) {
                if (s.name().endsWith(".gradSum") || s.name().equals("accumulated.examples")) continue; // accumulation's, untouched by step()
                String[] parts = s.name().split("\\.");
                double[] expected = parts[1].equals("t") ? new double[] {step}
                        : parts[1].equals("started") ? new double[] {1}
                        : state.get(parts[0]).get(parts[1]);
                DifferentialTest.assertClose(expected, t.state(s.name()).toDoubleArray(), 1e-12, c + ", step " + step + ", state " + s.name());
            }
        }
        // Every buffer the reference keeps, the trainer keeps too.
        state.forEach((param, buffers) -> buffers.keySet().forEach(k -> t.state(param + "." + k)));
    }

    static double[] random(Rng rng, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rng.uniform(-1, 1);
        return v;
    }

    /** 1 - beta^t computed in the graph stays within 1e-12 of Math.pow, late in training too. */
    @Test
    void adamBiasCorrectionIsExactForLargeStepCounts() {
        Trainer t = compile("adam(1.0, 0.9, 0.999, 0)", DType.FLOAT64).newTrainer(BATCH, 3);
        Rng rng = new Rng(5);
        t.input("x").copyFrom(random(rng, BATCH * 3));
        t.input("y").copyFrom(random(rng, BATCH * 2));
        for (long steps : new long[] {1, 2, 10, 1000, 123_457, 10_000_000}) {
            t.state("adam.t").set(0, steps - 1);
            for (String s : List.of("w.avg", "w.avgSq")) for (int i = 0; i < 6; i++) t.state(s).set(i, 0);
            double[] before = t.param("w").toDoubleArray();
            t.step();
            double[] g = t.grad("w").toDoubleArray(), after = t.param("w").toDoubleArray();
            for (int i = 0; i < 6; i++) {
                // From zero moments: step = lr/bc1 * (1-beta1) g / (sqrt((1-beta2) g^2)/sqrt(bc2))
                double bc1 = 1 - Math.pow(0.9, steps), bc2 = 1 - Math.pow(0.999, steps);
                double expected = 1.0 / bc1 * (0.1 * g[i]) / (Math.sqrt(0.001 * g[i] * g[i]) / Math.sqrt(bc2));
                double actual = before[i] - after[i];
                assertTrue(Math.abs(expected - actual) <= 1e-12 * Math.abs(expected),
                        "t = " + steps + ": step " + actual + ", expected " + expected);
            }
        }
    }

    @Test
    void hyperParametersAreThoseThatDoSomething() {
        assertEquals(List.of("lr"), trainer("sgd(0.1)").hyperParameters());
        assertEquals(List.of("lr", "momentum", "weightDecay"), trainer("sgd(0.1, 0.9, 0, 1e-4, 1)").hyperParameters());
        assertEquals(List.of("lr", "beta1", "beta2", "eps"), trainer("adam()").hyperParameters());
        assertEquals(List.of("lr", "beta1", "beta2", "eps", "weightDecay"), trainer("adamW()").hyperParameters());
        assertEquals(List.of("lr", "alpha", "eps"), trainer("rmsprop()").hyperParameters());
        assertEquals(List.of("lr", "eps"), trainer("adagrad()").hyperParameters());
        Trainer t = trainer("adam(0.01, 0.5)");
        assertEquals(0.01, t.learningRate());
        assertEquals(0.5, t.hyper("beta1"));
        assertEquals(0.999, t.hyper("beta2"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> trainer("sgd(0.1)").setHyper("momentum", 0.9));
        assertEquals("Opt has no hyper-parameter 'momentum'; it has lr", e.getMessage());
    }

    @Test
    void stateIsNotSavedWithTheParametersAndResets() throws Exception {
        Trainer t = trainer("adam()");
        TestModels.feedRandomInputs(t, 1);
        t.step();
        java.nio.file.Path file = java.nio.file.Files.createTempFile("opt", ".npz");
        try {
            t.saveParams(file);
            assertEquals(List.of("w", "b"), dev.gradc.runtime.Npz.read(file).stream().map(a -> a.name()).toList());
        } finally {
            java.nio.file.Files.delete(file);
        }
        assertEquals(List.of("adam.t", "w.avg", "w.avgSq", "b.avg", "b.avgSq", "accumulated.examples", "w.gradSum", "b.gradSum"),
                t.states().stream().map(TensorInfo::name).toList());
        t.resetState();
        for (TensorInfo s : t.states()) assertEquals(0, java.util.Arrays.stream(t.state(s.name()).toDoubleArray()).map(Math::abs).sum());
        // After a reset the step is a first step again: the same as a new trainer's from the same parameters.
        Trainer fresh = trainer("adam()");
        TestModels.feedRandomInputs(fresh, 1);
        TestModels.feedRandomInputs(t, 1);
        for (TensorInfo p : t.params()) fresh.param(p.name()).copyFrom(t.param(p.name()).toDoubleArray());
        t.step();
        fresh.step();
        for (TensorInfo p : t.params()) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(fresh.param(p.name()).toDoubleArray(), t.param(p.name()).toDoubleArray());
        }
    }

    static Trainer trainer(String declaration) {
        return compile(declaration, DType.FLOAT64).newTrainer(BATCH, 1);
    }

    // The compiled step against the interpreter, on one step (as every op is) and on several,
    // where the state carried from step to step is compared too.

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void compiledMatchesInterpreter(Case c) {
        DifferentialTest.compare(compile(c.declaration(), DType.FLOAT64), BATCH, 1e-12);
        DifferentialTest.compare(compile(c.declaration(), DType.FLOAT32), BATCH, 1e-4);

        Compilation comp = compile(c.declaration(), DType.FLOAT64);
        Trainer t = comp.newTrainer(BATCH, 3);
        Interpreter ref = new Interpreter(comp.trained(), BATCH);
        for (int step = 0; step < 5; step++) {
            TestModels.feedRandomInputs(t, 100 + step).forEach(ref::bind);
            if (step == 0) TestModels.bindings(t).forEach(ref::bind);
            ref.step();
            t.step();
            for (TensorInfo p : t.params()) {
                DifferentialTest.assertClose(ref.bound(p.name()), t.param(p.name()).toDoubleArray(), 1e-12, c + " " + p.name());
            }
            for (TensorInfo s : t.states()) {
                DifferentialTest.assertClose(ref.bound(s.name()), t.state(s.name()).toDoubleArray(), 1e-12, c + " " + s.name());
            }
        }
    }

    static Stream<Arguments> allocationCases() {
        return Stream.concat(Stream.of(DType.values()).map(d -> Arguments.of("adam()", d)),
                cases().map(c -> Arguments.of(c.declaration(), DType.FLOAT64)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("allocationCases")
    void stepAllocatesNothing(String declaration, DType dtype) {
        Trainer t = compile(declaration, dtype).newTrainer(BATCH, 1);
        TestModels.feedRandomInputs(t, 2);
        ZeroAllocationTest.assertStepsAllocateNothing(t);
    }
}
