package dev.gradc.compiler.ops;

import static org.objectweb.asm.commons.GeneratorAdapter.ADD;
import static org.objectweb.asm.commons.GeneratorAdapter.DIV;
import static org.objectweb.asm.commons.GeneratorAdapter.EQ;
import static org.objectweb.asm.commons.GeneratorAdapter.GE;
import static org.objectweb.asm.commons.GeneratorAdapter.GT;
import static org.objectweb.asm.commons.GeneratorAdapter.LE;
import static org.objectweb.asm.commons.GeneratorAdapter.LT;
import static org.objectweb.asm.commons.GeneratorAdapter.MUL;
import static org.objectweb.asm.commons.GeneratorAdapter.NE;
import static org.objectweb.asm.commons.GeneratorAdapter.NEG;
import static org.objectweb.asm.commons.GeneratorAdapter.SUB;

import dev.gradc.compiler.emit.Kernel;
import dev.gradc.compiler.emit.ScalarCode;
import dev.gradc.compiler.ir.GraphBuilder;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ir.Shape;
import dev.gradc.compiler.ir.ShapeException;
import dev.gradc.runtime.internal.Scalars;
import java.util.Arrays;
import java.util.List;

/**
 * The element-wise ops, one stanza each: scalar forward (the reference semantics), gradient as IR,
 * scalar bytecode. Inputs broadcast against each other NumPy-style. Functions too long for a line
 * of bytecode live in {@link Scalars}, which the generated code and the interpreter both call.
 */
public final class Elementwise extends Op {

    /** Scalar forward on up to three operands (unused ones are 0). */
    interface Forward { double apply(Object attr, double a, double b, double c); }
    /** Gradients with respect to the inputs, given {@code g}, the gradient of the output {@code y}. */
    interface Gradient { List<Node> apply(GraphBuilder f, Node y, Node g); }
    /** Bytecode for the scalar forward: operands via {@link ScalarCode#load}, one value left. */
    interface Code { void emit(ScalarCode s, Object attr); }

    // Arithmetic

    public static final Elementwise ADD_OP = new Elementwise("add", 2,
            (k, a, b, c) -> a + b,
            (f, y, g) -> List.of(g, g),
            (s, k) -> { s.load(0); s.load(1); s.math(ADD); });

    public static final Elementwise SUB_OP = new Elementwise("sub", 2,
            (k, a, b, c) -> a - b,
            (f, y, g) -> List.of(g, f.neg(g)),
            (s, k) -> { s.load(0); s.load(1); s.math(SUB); });

    public static final Elementwise MUL_OP = new Elementwise("mul", 2,
            (k, a, b, c) -> a * b,
            (f, y, g) -> List.of(f.mul(g, y.input(1)), f.mul(g, y.input(0))),
            (s, k) -> { s.load(0); s.load(1); s.math(MUL); });

    // d(a/b) = g/b, -g*(a/b)/b
    public static final Elementwise DIV_OP = new Elementwise("div", 2,
            (k, a, b, c) -> a / b,
            (f, y, g) -> List.of(f.div(g, y.input(1)), f.neg(f.div(f.mul(g, y), y.input(1)))),
            (s, k) -> { s.load(0); s.load(1); s.math(DIV); });

    public static final Elementwise NEG_OP = new Elementwise("neg", 1,
            (k, a, b, c) -> -a,
            (f, y, g) -> List.of(f.neg(g)),
            (s, k) -> { s.load(0); s.math(NEG); });

    /** x^c for a constant c (the attribute); x*x exactly when c is 2. */
    public static final Elementwise POW_OP = new Elementwise("pow", 1,
            (k, a, b, c) -> pow(a, (Double) k),
            (f, y, g) -> {
                double c = (Double) y.attr;
                Node x = y.input(0);
                Node slope = c == 2 ? f.mul(f.constant(2), x) : f.mul(f.constant(c), f.pow(x, c - 1));
                return List.of(f.mul(g, slope));
            },
            (s, k) -> {
                double exponent = (Double) k;
                if (exponent == 2) {
                    s.load(0); s.load(0); s.math(MUL);
                } else {
                    s.loadDouble(0); s.pushDouble(exponent); s.invokeMathDouble("pow", 2); s.fromDouble();
                }
            });

    // a^b: d/da = b a^(b-1), d/db = a^b log a
    public static final Elementwise POWT_OP = new Elementwise("powt", 2,
            (k, a, b, c) -> Math.pow(a, b),
            (f, y, g) -> List.of(
                    f.mul(g, f.mul(y.input(1), f.powt(y.input(0), f.sub(y.input(1), f.constant(1))))),
                    f.mul(g, f.mul(y, f.log(y.input(0))))),
            (s, k) -> { s.loadDouble(0); s.loadDouble(1); s.invokeMathDouble("pow", 2); s.fromDouble(); });

    public static final Elementwise MAXIMUM_OP = new Elementwise("maximum", 2,
            (k, a, b, c) -> Math.max(a, b),
            (f, y, g) -> List.of(f.mul(g, f.ge(y.input(0), y.input(1))), f.mul(g, f.lt(y.input(0), y.input(1)))),
            (s, k) -> { s.load(0); s.load(1); s.invokeMathSameType("max", 2); });

    public static final Elementwise MINIMUM_OP = new Elementwise("minimum", 2,
            (k, a, b, c) -> Math.min(a, b),
            (f, y, g) -> List.of(f.mul(g, f.le(y.input(0), y.input(1))), f.mul(g, f.gt(y.input(0), y.input(1)))),
            (s, k) -> { s.load(0); s.load(1); s.invokeMathSameType("min", 2); });

    // Activations and other functions of one value

    public static final Elementwise ABS_OP = new Elementwise("abs", 1,
            (k, a, b, c) -> Math.abs(a),
            (f, y, g) -> List.of(f.mul(g, f.sign(y.input(0)))),
            (s, k) -> { s.load(0); s.invokeMathSameType("abs", 1); });

    public static final Elementwise SIGN_OP = new Elementwise("sign", 1,
            (k, a, b, c) -> Math.signum(a),
            (f, y, g) -> Arrays.asList((Node) null),
            (s, k) -> { s.load(0); s.invokeMathSameType("signum", 1); });

    public static final Elementwise RELU_OP = new Elementwise("relu", 1,
            (k, a, b, c) -> Math.max(0, a),
            (f, y, g) -> List.of(f.mul(g, f.gt(y.input(0), f.constant(0)))),
            (s, k) -> { s.pushConstant(0); s.load(0); s.invokeMathSameType("max", 2); });

    /** Slope for x <= 0 is the attribute. */
    public static final Elementwise LEAKY_RELU_OP = new Elementwise("leakyRelu", 1,
            (k, a, b, c) -> Scalars.leakyRelu(a, (Double) k),
            (f, y, g) -> List.of(f.mul(g, f.where(f.gt(y.input(0), f.constant(0)), f.constant(1), f.constant((Double) y.attr)))),
            (s, k) -> s.invokeRuntime("leakyRelu", (Double) k));

    /** alpha (e^x - 1) for x <= 0, alpha the attribute; its slope there is y + alpha. */
    public static final Elementwise ELU_OP = new Elementwise("elu", 1,
            (k, a, b, c) -> Scalars.elu(a, (Double) k),
            (f, y, g) -> List.of(f.mul(g, f.where(f.gt(y.input(0), f.constant(0)), f.constant(1), f.add(y, f.constant((Double) y.attr))))),
            (s, k) -> s.invokeRuntime("elu", (Double) k));

    // tanh' = 1 - tanh^2, from the output
    public static final Elementwise TANH_OP = new Elementwise("tanh", 1,
            (k, a, b, c) -> Math.tanh(a),
            (f, y, g) -> List.of(f.mul(g, f.sub(f.constant(1), f.mul(y, y)))),
            (s, k) -> {
                if (s.isFloat()) {
                    s.invokeRuntime("tanhFloat");
                } else {
                    s.loadDouble(0);
                    s.invokeMathDouble("tanh", 1);
                    s.fromDouble();
                }
            });

    // sigmoid' = y (1 - y)
    public static final Elementwise SIGMOID_OP = new Elementwise("sigmoid", 1,
            (k, a, b, c) -> Scalars.sigmoid(a),
            (f, y, g) -> List.of(f.mul(g, f.mul(y, f.sub(f.constant(1), y)))),
            (s, k) -> s.invokeRuntime("sigmoid"));

    // softplus' = sigmoid
    public static final Elementwise SOFTPLUS_OP = new Elementwise("softplus", 1,
            (k, a, b, c) -> Scalars.softplus(a),
            (f, y, g) -> List.of(f.mul(g, f.sigmoid(y.input(0)))),
            (s, k) -> s.invokeRuntime("softplus"));

    // gelu' = 0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2),  t = tanh(sqrt(2/pi) (x + 0.044715 x^3))
    public static final Elementwise GELU_OP = new Elementwise("gelu", 1,
            (k, a, b, c) -> Scalars.gelu(a),
            (f, y, g) -> {
                Node x = y.input(0);
                double root = Math.sqrt(2 / Math.PI), cubic = 0.044715;
                Node t = f.tanh(f.mul(f.constant(root), f.add(x, f.mul(f.constant(cubic), f.pow(x, 3)))));
                Node half = f.constant(0.5), one = f.constant(1);
                Node inner = f.mul(f.constant(root), f.add(one, f.mul(f.constant(3 * cubic), f.mul(x, x))));
                Node slope = f.add(f.mul(half, f.add(one, t)), f.mul(f.mul(half, x), f.mul(f.sub(one, f.mul(t, t)), inner)));
                return List.of(f.mul(g, slope));
            },
            (s, k) -> s.invokeRuntime("gelu"));

    public static final Elementwise EXP_OP = new Elementwise("exp", 1,
            (k, a, b, c) -> Math.exp(a),
            (f, y, g) -> List.of(f.mul(g, y)),
            (s, k) -> { s.loadDouble(0); s.invokeMathDouble("exp", 1); s.fromDouble(); });

    public static final Elementwise LOG_OP = new Elementwise("log", 1,
            (k, a, b, c) -> Math.log(a),
            (f, y, g) -> List.of(f.div(g, y.input(0))),
            (s, k) -> { s.loadDouble(0); s.invokeMathDouble("log", 1); s.fromDouble(); });

    public static final Elementwise LOG1P_OP = new Elementwise("log1p", 1,
            (k, a, b, c) -> Math.log1p(a),
            (f, y, g) -> List.of(f.div(g, f.add(f.constant(1), y.input(0)))),
            (s, k) -> { s.loadDouble(0); s.invokeMathDouble("log1p", 1); s.fromDouble(); });

    // sqrt' = 0.5 / y
    public static final Elementwise SQRT_OP = new Elementwise("sqrt", 1,
            (k, a, b, c) -> Math.sqrt(a),
            (f, y, g) -> List.of(f.div(f.mul(g, f.constant(0.5)), y)),
            (s, k) -> { s.loadDouble(0); s.invokeMathDouble("sqrt", 1); s.fromDouble(); });

    public static final Elementwise SQUARE_OP = new Elementwise("square", 1,
            (k, a, b, c) -> a * a,
            (f, y, g) -> List.of(f.mul(g, f.mul(f.constant(2), y.input(0)))),
            (s, k) -> { s.load(0); s.load(0); s.math(MUL); });

    public static final Elementwise SIN_OP = new Elementwise("sin", 1,
            (k, a, b, c) -> Math.sin(a),
            (f, y, g) -> List.of(f.mul(g, f.cos(y.input(0)))),
            (s, k) -> { s.loadDouble(0); s.invokeMathDouble("sin", 1); s.fromDouble(); });

    public static final Elementwise COS_OP = new Elementwise("cos", 1,
            (k, a, b, c) -> Math.cos(a),
            (f, y, g) -> List.of(f.neg(f.mul(g, f.sin(y.input(0))))),
            (s, k) -> { s.loadDouble(0); s.invokeMathDouble("cos", 1); s.fromDouble(); });

    /** x limited to [lo, hi] (the attribute); the gradient flows where x is inside. */
    public static final Elementwise CLAMP_OP = new Elementwise("clamp", 1,
            (k, a, b, c) -> Scalars.clamp(a, ((Bounds) k).lo(), ((Bounds) k).hi()),
            (f, y, g) -> {
                Bounds r = (Bounds) y.attr;
                Node x = y.input(0);
                return List.of(f.mul(g, f.mul(f.ge(x, f.constant(r.lo())), f.le(x, f.constant(r.hi())))));
            },
            (s, k) -> s.invokeRuntime("clamp", ((Bounds) k).lo(), ((Bounds) k).hi()));

    // Masks: 1 where the comparison holds, else 0. Not differentiable.

    public static final Elementwise GT_OP = comparison("gt", GT);
    public static final Elementwise GE_OP = comparison("ge", GE);
    public static final Elementwise LT_OP = comparison("lt", LT);
    public static final Elementwise LE_OP = comparison("le", LE);
    public static final Elementwise EQ_OP = comparison("eq", EQ);
    public static final Elementwise NE_OP = comparison("ne", NE);

    /** where(mask, a, b): a where the mask is non-zero, else b. The gradient goes to the chosen side. */
    public static final Elementwise WHERE_OP = new Elementwise("where", 3,
            (k, m, a, b) -> m != 0 ? a : b,
            (f, y, g) -> {
                Node m = y.input(0), zero = f.constant(0);
                return Arrays.asList(null, f.where(m, g, zero), f.where(m, zero, g));
            },
            (s, k) -> s.select(0, () -> s.load(1), () -> s.load(2)));

    /** The value itself, through which no gradient flows (a constant to differentiation). */
    public static final Elementwise DETACH_OP = new Elementwise("detach", 1,
            (k, a, b, c) -> a,
            (f, y, g) -> Arrays.asList((Node) null),
            (s, k) -> s.load(0));

    /** The attribute of clamp. */
    public record Bounds(double lo, double hi) {
        @Override
        public String toString() {
            return lo + ", " + hi;
        }
    }

    public static final List<Elementwise> ALL = List.of(ADD_OP, SUB_OP, MUL_OP, DIV_OP, NEG_OP, POW_OP, POWT_OP,
            MAXIMUM_OP, MINIMUM_OP, ABS_OP, SIGN_OP, RELU_OP, LEAKY_RELU_OP, ELU_OP, TANH_OP, SIGMOID_OP, SOFTPLUS_OP,
            GELU_OP, EXP_OP, LOG_OP, LOG1P_OP, SQRT_OP, SQUARE_OP, SIN_OP, COS_OP, CLAMP_OP,
            GT_OP, GE_OP, LT_OP, LE_OP, EQ_OP, NE_OP, WHERE_OP, DETACH_OP);

    private static Elementwise comparison(String name, int mode) {
        return new Elementwise(name, 2,
                (k, a, b, c) -> holds(mode, a, b) ? 1 : 0,
                (f, y, g) -> Arrays.asList(null, null),
                (s, k) -> s.compare(mode));
    }

    private static boolean holds(int mode, double a, double b) {
        switch (mode) {
            case GT: return a > b;
            case GE: return a >= b;
            case LT: return a < b;
            case LE: return a <= b;
            case EQ: return a == b;
            default: return a != b;
        }
    }

    static double pow(double x, double c) {
        return c == 2 ? x * x : Math.pow(x, c);
    }

    public final int arity;
    private final Forward forward;
    private final Gradient gradient;
    private final Code code;

    private Elementwise(String name, int arity, Forward forward, Gradient gradient, Code code) {
        super(name);
        this.arity = arity;
        this.forward = forward;
        this.gradient = gradient;
        this.code = code;
    }

    /** True for the masks, whose outputs are 0 or 1 and carry no gradient. */
    public boolean isComparison() {
        return List.of(GT_OP, GE_OP, LT_OP, LE_OP, EQ_OP, NE_OP).contains(this);
    }

    @Override
    public Shape shape(List<Shape> inputs, Object attr) {
        Shape out = inputs.get(0);
        for (Shape s : inputs.subList(1, inputs.size())) {
            Shape next = Shape.broadcast(out, s);
            if (next == null) {
                String shapes = inputs.stream().map(Shape::toString).reduce((x, y) -> x + " and " + y).orElse("");
                throw new ShapeException(name + ": shapes " + shapes + " do not broadcast");
            }
            out = next;
        }
        return out;
    }

    @Override
    public List<Node> vjp(GraphBuilder b, Node node, Node grad) {
        return gradient.apply(b, node, grad);
    }

    @Override
    public void eval(Node node, double[][] in, int batch, double[] out) {
        Strided.over(node.shape, batch, node.inputs).forEach((o, i) -> out[o] = forward.apply(node.attr,
                in[0][i[0]], arity > 1 ? in[1][i[1]] : 0, arity > 2 ? in[2][i[2]] : 0));
    }

    @Override
    public void emit(Kernel k) {
        k.pointwise(s -> code.emit(s, k.node().attr));
    }

    /** This op's scalar code alone, for a node fused into another node's loop. */
    public void emitScalar(ScalarCode s, Object attr) {
        code.emit(s, attr);
    }
}
