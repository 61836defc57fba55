package dev.gradc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradc.runtime.Trainer;
import dev.gradc.runtime.DType;
import dev.gradc.runtime.internal.Rng;
import dev.gradc.runtime.TensorView;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every op, several shapes (broadcasting and size-1 dimensions included), float64: forward values
 * against a reference computed here in plain Java, and the gradient of {@code sum(out * out)} against
 * central finite differences (the tolerance is GradientPropertyTest's).
 *
 * <p>Inputs are drawn from ±[0.2, 1], so no op sits on its kink at 0 (relu, abs, leakyRelu, sign);
 * a and b differ in every element by at least 0.05 (maximum, minimum, comparisons), and clamp's
 * bounds ±0.55 are kept 0.05 away from every input.
 */
class OpMatrixTest {
    record Case(String expr, int[] aShape, int[] bShape, Reference reference) {
        @Override
        public String toString() {
            return expr + " a" + java.util.Arrays.toString(aShape) + " b" + java.util.Arrays.toString(bShape);
        }
    }

    /** The expected output from a's and b's values. */
    interface Reference { double[] apply(double[] a, double[] b); }

    static final int[][] SHAPES = {{2, 3}, {1, 3}, {3}, {}};

    static Stream<Arguments> cases() {
        List<Case> cases = new ArrayList<>();
        unary(cases, "-a", x -> -x);
        unary(cases, "abs(a)", Math::abs);
        unary(cases, "sign(a)", Math::signum);
        unary(cases, "exp(a)", Math::exp);
        unary(cases, "log(a * a)", x -> Math.log(x * x));
        unary(cases, "log1p(a * a)", x -> Math.log1p(x * x));
        unary(cases, "sqrt(a * a)", x -> Math.sqrt(x * x));
        unary(cases, "square(a)", x -> x * x);
        unary(cases, "sin(a)", Math::sin);
        unary(cases, "cos(a)", Math::cos);
        unary(cases, "tanh(a)", Math::tanh);
        unary(cases, "sigmoid(a)", x -> 1 / (1 + Math.exp(-x)));
        unary(cases, "relu(a)", x -> Math.max(0, x));
        unary(cases, "leakyRelu(a, 0.1)", x -> x > 0 ? x : 0.1 * x);
        unary(cases, "elu(a, 0.5)", x -> x > 0 ? x : 0.5 * (Math.exp(x) - 1));
        unary(cases, "softplus(a)", x -> Math.log(1 + Math.exp(x)));
        unary(cases, "gelu(a)", x -> 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))));
        unary(cases, "clamp(a, -0.55, 0.55)", x -> Math.min(Math.max(x, -0.55), 0.55));
        unary(cases, "pow(a, 3)", x -> x * x * x);
        unary(cases, "pow(a, 2)", x -> x * x);
        unary(cases, "pow(a * a, 0.5)", x -> Math.abs(x));
        binary(cases, "a + b", Double::sum);
        binary(cases, "a - b", (x, y) -> x - y);
        binary(cases, "a * b", (x, y) -> x * y);
        binary(cases, "a / b", (x, y) -> x / y);
        binary(cases, "maximum(a, b)", Math::max);
        binary(cases, "minimum(a, b)", Math::min);
        binary(cases, "pow(a * a, b)", (x, y) -> Math.pow(x * x, y));
        binary(cases, "a > b", (x, y) -> x > y ? 1 : 0);
        binary(cases, "a >= b", (x, y) -> x >= y ? 1 : 0);
        binary(cases, "a < b", (x, y) -> x < y ? 1 : 0);
        binary(cases, "a <= b", (x, y) -> x <= y ? 1 : 0);
        binary(cases, "a == a * 1 + b * 0", (x, y) -> 1);
        binary(cases, "a != b", (x, y) -> x != y ? 1 : 0);
        binary(cases, "where(a > 0, a, b)", (x, y) -> x > 0 ? x : y);

        int[] m = {2, 3};
        cases.add(new Case("sum(a)", m, m, (a, b) -> new double[] {a[0] + a[1] + a[2] + a[3] + a[4] + a[5]}));
        cases.add(new Case("sum(a, 0)", m, m, (a, b) -> new double[] {a[0] + a[3], a[1] + a[4], a[2] + a[5]}));
        cases.add(new Case("sum(a, 1, true)", m, m, (a, b) -> new double[] {a[0] + a[1] + a[2], a[3] + a[4] + a[5]}));
        cases.add(new Case("sum(a, 0, 1)", m, m, (a, b) -> new double[] {a[0] + a[1] + a[2] + a[3] + a[4] + a[5]}));
        cases.add(new Case("mean(a, -1)", m, m, (a, b) -> new double[] {(a[0] + a[1] + a[2]) / 3, (a[3] + a[4] + a[5]) / 3}));
        cases.add(new Case("max(a, 1)", m, m, (a, b) -> new double[] {max(a[0], a[1], a[2]), max(a[3], a[4], a[5])}));
        cases.add(new Case("min(a, 0)", m, m, (a, b) -> new double[] {Math.min(a[0], a[3]), Math.min(a[1], a[4]), Math.min(a[2], a[5])}));
        cases.add(new Case("max(a)", m, m, (a, b) -> new double[] {max(a[0], a[1], a[2], a[3], a[4], a[5])}));
        cases.add(new Case("logSumExp(a, 1)", m, m, (a, b) -> new double[] {lse(a[0], a[1], a[2]), lse(a[3], a[4], a[5])}));
        cases.add(new Case("softmax(a)", m, m, (a, b) -> {
            double l0 = lse(a[0], a[1], a[2]), l1 = lse(a[3], a[4], a[5]);
            return new double[] {Math.exp(a[0] - l0), Math.exp(a[1] - l0), Math.exp(a[2] - l0),
                Math.exp(a[3] - l1), Math.exp(a[4] - l1), Math.exp(a[5] - l1)};
        }));
        cases.add(new Case("logSoftmax(a, 0)", m, m, (a, b) -> {
            double[] out = new double[6];
            for (int j = 0; j < 3; j++) {
                double l = lse(a[j], a[3 + j]);
                out[j] = a[j] - l;
                out[3 + j] = a[3 + j] - l;
            }
            return out;
        }));
        // matmul: matrices, vectors, and a leading batch of matrices (shared or not)
        int[][][] products = {{{2, 3}, {3, 2}}, {{2, 3}, {3}}, {{3}, {3, 2}}, {{3}, {3}}, {{2, 2, 3}, {3, 2}},
            {{2, 3}, {2, 3, 2}}, {{2, 2, 3}, {2, 3, 1}}, {{1, 3}, {3, 1}}};
        for (int[][] p : products) cases.add(new Case("matmul(a, b)", p[0], p[1], (a, b) -> matmul(a, p[0], b, p[1])));
        cases.add(new Case("concat(a, b, 0)", m, new int[] {1, 3}, (a, b) -> new double[] {a[0], a[1], a[2], a[3], a[4], a[5], b[0], b[1], b[2]}));
        cases.add(new Case("concat(a, b, a, -1)", m, new int[] {2, 1}, (a, b) -> new double[] {
            a[0], a[1], a[2], b[0], a[0], a[1], a[2], a[3], a[4], a[5], b[1], a[3], a[4], a[5]}));
        cases.add(new Case("slice(a, 1, 1, 3)", m, m, (a, b) -> new double[] {a[1], a[2], a[4], a[5]}));
        cases.add(new Case("slice(a, 0, -1, 2) * slice(b, 1, 0, 1)", m, m, (a, b) -> new double[] {
            a[3] * b[0], a[4] * b[0], a[5] * b[0], a[3] * b[3], a[4] * b[3], a[5] * b[3]}));
        cases.add(new Case("transpose(a)", m, m, (a, b) -> new double[] {a[0], a[3], a[1], a[4], a[2], a[5]}));
        cases.add(new Case("broadcastTo(b, 2, 3)", m, new int[] {3}, (a, b) -> new double[] {b[0], b[1], b[2], b[0], b[1], b[2]}));
        cases.add(new Case("mse(a, b)", m, m, (a, b) -> new double[] {meanOf(a, b, (x, y) -> (x - y) * (x - y))}));
        cases.add(new Case("l1(a, b)", m, m, (a, b) -> new double[] {meanOf(a, b, (x, y) -> Math.abs(x - y))}));
        cases.add(new Case("huber(a, b, 0.5)", m, m, (a, b) -> new double[] {meanOf(a, b, (x, y) -> {
            double d = Math.abs(x - y);
            return d <= 0.5 ? 0.5 * d * d : 0.5 * (d - 0.25);
        })}));
        cases.add(new Case("hinge(a, sign(b))", m, m, (a, b) -> new double[] {meanOf(a, b, (x, y) -> Math.max(0, 1 - Math.signum(y) * x))}));
        cases.add(new Case("binaryCrossEntropyWithLogits(a, b * b)", m, m, (a, b) -> new double[] {meanOf(a, b, (x, y) -> {
            double p = 1 / (1 + Math.exp(-x)), t = y * y;
            return -(t * Math.log(p) + (1 - t) * Math.log(1 - p));
        })}));
        cases.add(new Case("crossEntropy(a, (sum(b, 1) > 0) + (sum(b, 1) > 1))", m, m, (a, b) -> {
            double loss = 0;
            for (int r = 0; r < 2; r++) {
                double rowSum = b[3 * r] + b[3 * r + 1] + b[3 * r + 2];
                int label = (rowSum > 0 ? 1 : 0) + (rowSum > 1 ? 1 : 0);
                loss += lse(a[3 * r], a[3 * r + 1], a[3 * r + 2]) - a[3 * r + label];
            }
            return new double[] {loss / 2};
        }));
        cases.add(new Case("argmax(a)", m, m, (a, b) -> new double[] {argmax(a[0], a[1], a[2]), argmax(a[3], a[4], a[5])}));
        cases.add(new Case("oneHot(argmax(a, 0), 2)", m, m, (a, b) -> {
            double[] out = new double[6];
            for (int j = 0; j < 3; j++) out[2 * j + (a[3 + j] > a[j] ? 1 : 0)] = 1;
            return out;
        }));
        return cases.stream().map(Arguments::of);
    }

    static void unary(List<Case> cases, String expr, DoubleUnaryOperator f) {
        for (int[] shape : SHAPES) {
            cases.add(new Case(expr, shape, shape, (a, b) -> {
                double[] out = new double[a.length];
                for (int i = 0; i < a.length; i++) out[i] = f.applyAsDouble(a[i]);
                return out;
            }));
        }
    }

    /** a [2, 3] against b of every broadcastable shape, and the reverse roles for [1, 3] and []. */
    static void binary(List<Case> cases, String expr, DoubleBinaryOperator f) {
        int[][][] pairs = {{{2, 3}, {2, 3}}, {{2, 3}, {3}}, {{2, 3}, {2, 1}}, {{2, 3}, {}}, {{1, 3}, {2, 3}}, {{}, {2, 1}}};
        for (int[][] p : pairs) {
            int[] out = dev.gradc.compiler.ir.Shape.broadcast(dev.gradc.compiler.ir.Shape.of(p[0]), dev.gradc.compiler.ir.Shape.of(p[1])).dims();
            cases.add(new Case(expr, p[0], p[1], (a, b) -> {
                int n = 1;
                for (int d : out) n *= d;
                double[] r = new double[n];
                for (int i = 0; i < n; i++) r[i] = f.applyAsDouble(a[index(i, out, p[0])], b[index(i, out, p[1])]);
                return r;
            }));
        }
    }

    /** The element of a tensor of {@code shape} that broadcasting reads for flat index {@code i} of {@code out}. */
    static int index(int i, int[] out, int[] shape) {
        int index = 0, stride = 1;
        for (int d = out.length - 1, s = shape.length - 1; d >= 0; d--, s--) {
            int coordinate = i % out[d];
            i /= out[d];
            if (s >= 0) {
                if (shape[s] != 1) index += coordinate * stride;
                stride *= shape[s];
            }
        }
        return index;
    }

    /** numpy.matmul semantics for ranks 1 to 3. */
    static double[] matmul(double[] a, int[] as, double[] b, int[] bs) {
        int[] a3 = as.length == 1 ? new int[] {1, 1, as[0]} : as.length == 2 ? new int[] {1, as[0], as[1]} : as;
        int[] b3 = bs.length == 1 ? new int[] {1, bs[0], 1} : bs.length == 2 ? new int[] {1, bs[0], bs[1]} : bs;
        int batch = Math.max(a3[0], b3[0]), m = a3[1], k = a3[2], n = b3[2];
        double[] out = new double[batch * m * n];
        for (int p = 0; p < batch; p++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    for (int q = 0; q < k; q++) {
                        sum += a[(a3[0] == 1 ? 0 : p * m * k) + i * k + q] * b[(b3[0] == 1 ? 0 : p * k * n) + q * n + j];
                    }
                    out[p * m * n + i * n + j] = sum;
                }
            }
        }
        return out;
    }

    static double max(double... v) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : v) m = Math.max(m, x);
        return m;
    }

    static int argmax(double... v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    static double lse(double... v) {
        double m = max(v), s = 0;
        for (double x : v) s += Math.exp(x - m);
        return m + Math.log(s);
    }

    static double meanOf(double[] a, double[] b, DoubleBinaryOperator f) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += f.applyAsDouble(a[i], b[i]);
        return s / a.length;
    }

    static String dims(int[] shape) {
        StringBuilder sb = new StringBuilder();
        for (int d : shape) sb.append(", ").append(d);
        return sb.toString();
    }

    /** Values in ±[0.2, 1], at least 0.05 from ±0.55 (clamp's bounds). */
    static double draw(Rng rng) {
        while (true) {
            double v = (rng.nextInt(2) == 0 ? -1 : 1) * rng.uniform(0.2, 1);
            if (Math.abs(Math.abs(v) - 0.55) >= 0.05) return v;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void forwardMatchesReferenceAndGradientMatchesFiniteDifferences(Case c) {
        String source = "class Op {\n"
                + "    Param a = zeros(" + dims(c.aShape()).replaceFirst("^, ", "") + ");\n"
                + "    Param b = zeros(" + dims(c.bShape()).replaceFirst("^, ", "") + ");\n"
                + "    Tensor out() { return " + c.expr() + "; }\n"
                // argmax may not reach a loss: its cases check the forward only
                + "    Tensor loss() { " + (c.expr().contains("argmax") ? "" : "Tensor o = out(); return sum(o * o) + ")
                + (c.expr().contains("argmax") ? "return " : "") + "0 * sum(a) + 0 * sum(b); }\n"
                + "    Optimizer opt = sgd(0);\n}\n";
        Trainer t = TestModels.compile(source, DType.FLOAT64).newTrainer(1, 1);
        Rng rng = new Rng(c.toString().hashCode());
        double[] a = values(t.param("a"), rng), b = values(t.param("b"), rng);
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            if (Math.abs(a[i] - b[i]) < 0.05) b[i] += b[i] > 0 ? -0.1 : 0.1; // keep a and b apart
        }
        t.param("b").copyFrom(b);

        double[] expected = c.reference().apply(a, b);
        double[] actual = t.output("out").toDoubleArray();
        assertEquals(expected.length, actual.length, c + ": output size");
        for (int i = 0; i < expected.length; i++) {
            assertTrue(Math.abs(expected[i] - actual[i]) <= 1e-12 * Math.max(1, Math.abs(expected[i])),
                    c + ": out[" + i + "] = " + actual[i] + ", reference " + expected[i]);
        }
        GradientPropertyTest.checkGradients(source, t);
    }

    /** Logits of magnitude 1e4 overflow exp(): the losses are written so that they stay finite. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {
        "crossEntropy(a, (sum(b, 1) > 0) + (sum(b, 1) > 1))", "binaryCrossEntropyWithLogits(a, b > 0)", "mean(logSoftmax(a))"})
    void lossesStayFiniteForExtremeLogits(String loss) {
        for (DType dtype : DType.values()) {
            String source = "class L {\n    Param a = zeros(2, 3);\n    Param b = zeros(2, 3);\n"
                    + "    Tensor loss() { return " + loss + "; }\n    Optimizer opt = sgd(0);\n}\n";
            Trainer t = TestModels.compile(source, dtype).newTrainer(1, 1);
            t.param("a").copyFrom(new double[] {1e4, -1e4, 0, -1e4, 1e4, 3e3});
            t.param("b").copyFrom(new double[] {1, -1, 1, -1, 1, 1});
            t.step();
            assertTrue(Double.isFinite(t.loss()), loss + " " + dtype + ": loss " + t.loss());
            for (double g : t.grad("a").toDoubleArray()) assertTrue(Double.isFinite(g), loss + " " + dtype + ": gradient " + g);
        }
    }

    private static double[] values(TensorView view, Rng rng) {
        double[] v = new double[view.size()];
        for (int i = 0; i < v.length; i++) v[i] = draw(rng);
        view.copyFrom(v);
        return v;
    }
}
