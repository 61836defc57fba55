package dev.gradc.compiler.ops;

import static dev.gradc.compiler.ops.Scalar.Opcode.ABS;
import static dev.gradc.compiler.ops.Scalar.Opcode.ADD;
import static dev.gradc.compiler.ops.Scalar.Opcode.COS;
import static dev.gradc.compiler.ops.Scalar.Opcode.DIV;
import static dev.gradc.compiler.ops.Scalar.Opcode.ELU;
import static dev.gradc.compiler.ops.Scalar.Opcode.EXP;
import static dev.gradc.compiler.ops.Scalar.Opcode.GELU;
import static dev.gradc.compiler.ops.Scalar.Opcode.LEAKY_RELU;
import static dev.gradc.compiler.ops.Scalar.Opcode.LOG;
import static dev.gradc.compiler.ops.Scalar.Opcode.LOG1P;
import static dev.gradc.compiler.ops.Scalar.Opcode.MAX;
import static dev.gradc.compiler.ops.Scalar.Opcode.MIN;
import static dev.gradc.compiler.ops.Scalar.Opcode.MUL;
import static dev.gradc.compiler.ops.Scalar.Opcode.NEG;
import static dev.gradc.compiler.ops.Scalar.Opcode.POW;
import static dev.gradc.compiler.ops.Scalar.Opcode.SELECT;
import static dev.gradc.compiler.ops.Scalar.Opcode.SIGMOID;
import static dev.gradc.compiler.ops.Scalar.Opcode.SIGNUM;
import static dev.gradc.compiler.ops.Scalar.Opcode.SIN;
import static dev.gradc.compiler.ops.Scalar.Opcode.SOFTPLUS;
import static dev.gradc.compiler.ops.Scalar.Opcode.SQRT;
import static dev.gradc.compiler.ops.Scalar.Opcode.SUB;
import static dev.gradc.compiler.ops.Scalar.Opcode.TANH;
import static dev.gradc.compiler.ops.Scalar.apply;
import static dev.gradc.compiler.ops.Scalar.constant;

import dev.gradc.compiler.ir.Attr;
import dev.gradc.compiler.ir.GraphBuilder;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ir.Shape;
import dev.gradc.compiler.ir.ShapeException;
import java.util.Arrays;
import java.util.List;

/**
 * The element-wise ops, one stanza each: what the op computes, in the {@link Scalar} vocabulary
 * over its inputs' elements (the interpreter evaluates it, the code generator lowers it), and its
 * gradient as IR. Inputs broadcast against each other NumPy-style.
 */
public final class Elementwise<A extends Attr> extends Op<A> {
    private static final List<Elementwise<Attr.None>> FUNCTIONS = new java.util.ArrayList<>();

    /** The op's value from its inputs' elements {@code x[0]}, {@code x[1]}, ... */
    interface Value<A> { Scalar of(A attr, Scalar[] x); }
    /** Gradients with respect to the inputs, given {@code g}, the gradient of the output {@code y}. */
    interface Gradient { List<Node> of(GraphBuilder f, Node y, Node g); }

    // Arithmetic

    public static final Elementwise<Attr.None> ADD_OP = op("add", 2,
            (k, x) -> apply(ADD, x[0], x[1]),
            (f, y, g) -> List.of(g, g));

    public static final Elementwise<Attr.None> SUB_OP = op("sub", 2,
            (k, x) -> apply(SUB, x[0], x[1]),
            (f, y, g) -> List.of(g, f.neg(g)));

    public static final Elementwise<Attr.None> MUL_OP = op("mul", 2,
            (k, x) -> apply(MUL, x[0], x[1]),
            (f, y, g) -> List.of(f.mul(g, y.input(1)), f.mul(g, y.input(0))));

    // d(a/b) = g/b, -g*(a/b)/b
    public static final Elementwise<Attr.None> DIV_OP = op("div", 2,
            (k, x) -> apply(DIV, x[0], x[1]),
            (f, y, g) -> List.of(f.div(g, y.input(1)), f.neg(f.div(f.mul(g, y), y.input(1)))));

    public static final Elementwise<Attr.None> NEG_OP = op("neg", 1,
            (k, x) -> apply(NEG, x[0]),
            (f, y, g) -> List.of(f.neg(g)));

    /** x^c for a constant c (the attribute); x*x exactly when c is 2. */
    public static final Elementwise<Attr.Real> POW_OP = new Elementwise<>("pow", 1, Attr.Real.class,
            (k, x) -> k.value() == 2 ? apply(MUL, x[0], x[0]) : apply(POW, x[0], constant(k.value())),
            (f, y, g) -> {
                double c = Elementwise.POW_OP.attr(y).value();
                Node x = y.input(0);
                Node slope = c == 2 ? f.mul(f.constant(2), x) : f.mul(f.constant(c), f.pow(x, c - 1));
                return List.of(f.mul(g, slope));
            });

    // a^b: d/da = b a^(b-1), d/db = a^b log a
    public static final Elementwise<Attr.None> POWT_OP = internal("powt", 2,
            (k, x) -> apply(POW, x[0], x[1]),
            (f, y, g) -> List.of(
                    f.mul(g, f.mul(y.input(1), f.powt(y.input(0), f.sub(y.input(1), f.constant(1))))),
                    f.mul(g, f.mul(y, f.log(y.input(0))))));

    public static final Elementwise<Attr.None> MAXIMUM_OP = op("maximum", 2,
            (k, x) -> apply(MAX, x[0], x[1]),
            (f, y, g) -> List.of(f.mul(g, f.ge(y.input(0), y.input(1))), f.mul(g, f.lt(y.input(0), y.input(1)))));

    public static final Elementwise<Attr.None> MINIMUM_OP = op("minimum", 2,
            (k, x) -> apply(MIN, x[0], x[1]),
            (f, y, g) -> List.of(f.mul(g, f.le(y.input(0), y.input(1))), f.mul(g, f.gt(y.input(0), y.input(1)))));

    // Activations and other functions of one value

    public static final Elementwise<Attr.None> ABS_OP = op("abs", 1,
            (k, x) -> apply(ABS, x[0]),
            (f, y, g) -> List.of(f.mul(g, f.sign(y.input(0)))));

    public static final Elementwise<Attr.None> SIGN_OP = op("sign", 1,
            (k, x) -> apply(SIGNUM, x[0]),
            (f, y, g) -> Arrays.asList((Node) null));

    public static final Elementwise<Attr.None> RELU_OP = op("relu", 1,
            (k, x) -> apply(MAX, constant(0), x[0]),
            (f, y, g) -> List.of(f.mul(g, f.gt(y.input(0), f.constant(0)))));

    /** Slope for x <= 0 is the attribute. */
    public static final Elementwise<Attr.Real> LEAKY_RELU_OP = new Elementwise<>("leakyRelu", 1, Attr.Real.class,
            (k, x) -> apply(LEAKY_RELU, x[0], constant(k.value())),
            (f, y, g) -> List.of(f.mul(g, f.where(f.gt(y.input(0), f.constant(0)), f.constant(1),
                    f.constant(Elementwise.LEAKY_RELU_OP.attr(y).value())))));

    /** alpha (e^x - 1) for x <= 0, alpha the attribute; its slope there is y + alpha. */
    public static final Elementwise<Attr.Real> ELU_OP = new Elementwise<>("elu", 1, Attr.Real.class,
            (k, x) -> apply(ELU, x[0], constant(k.value())),
            (f, y, g) -> List.of(f.mul(g, f.where(f.gt(y.input(0), f.constant(0)), f.constant(1),
                    f.add(y, f.constant(Elementwise.ELU_OP.attr(y).value()))))));

    // tanh' = 1 - tanh^2, from the output
    public static final Elementwise<Attr.None> TANH_OP = op("tanh", 1,
            (k, x) -> apply(TANH, x[0]),
            (f, y, g) -> List.of(f.mul(g, f.sub(f.constant(1), f.mul(y, y)))));

    // sigmoid' = y (1 - y)
    public static final Elementwise<Attr.None> SIGMOID_OP = op("sigmoid", 1,
            (k, x) -> apply(SIGMOID, x[0]),
            (f, y, g) -> List.of(f.mul(g, f.mul(y, f.sub(f.constant(1), y)))));

    // softplus' = sigmoid
    public static final Elementwise<Attr.None> SOFTPLUS_OP = op("softplus", 1,
            (k, x) -> apply(SOFTPLUS, x[0]),
            (f, y, g) -> List.of(f.mul(g, f.sigmoid(y.input(0)))));

    // gelu' = 0.5 (1 + t) + 0.5 x (1 - t^2) sqrt(2/pi) (1 + 3 * 0.044715 x^2),  t = tanh(sqrt(2/pi) (x + 0.044715 x^3))
    public static final Elementwise<Attr.None> GELU_OP = op("gelu", 1,
            (k, x) -> apply(GELU, x[0]),
            (f, y, g) -> {
                Node x = y.input(0);
                double root = Math.sqrt(2 / Math.PI), cubic = 0.044715;
                Node t = f.tanh(f.mul(f.constant(root), f.add(x, f.mul(f.constant(cubic), f.pow(x, 3)))));
                Node half = f.constant(0.5), one = f.constant(1);
                Node inner = f.mul(f.constant(root), f.add(one, f.mul(f.constant(3 * cubic), f.mul(x, x))));
                Node slope = f.add(f.mul(half, f.add(one, t)), f.mul(f.mul(half, x), f.mul(f.sub(one, f.mul(t, t)), inner)));
                return List.of(f.mul(g, slope));
            });

    public static final Elementwise<Attr.None> EXP_OP = op("exp", 1,
            (k, x) -> apply(EXP, x[0]),
            (f, y, g) -> List.of(f.mul(g, y)));

    public static final Elementwise<Attr.None> LOG_OP = op("log", 1,
            (k, x) -> apply(LOG, x[0]),
            (f, y, g) -> List.of(f.div(g, y.input(0))));

    public static final Elementwise<Attr.None> LOG1P_OP = op("log1p", 1,
            (k, x) -> apply(LOG1P, x[0]),
            (f, y, g) -> List.of(f.div(g, f.add(f.constant(1), y.input(0)))));

    // sqrt' = 0.5 / y
    public static final Elementwise<Attr.None> SQRT_OP = op("sqrt", 1,
            (k, x) -> apply(SQRT, x[0]),
            (f, y, g) -> List.of(f.div(f.mul(g, f.constant(0.5)), y)));

    public static final Elementwise<Attr.None> SQUARE_OP = op("square", 1,
            (k, x) -> apply(MUL, x[0], x[0]),
            (f, y, g) -> List.of(f.mul(g, f.mul(f.constant(2), y.input(0)))));

    public static final Elementwise<Attr.None> SIN_OP = op("sin", 1,
            (k, x) -> apply(SIN, x[0]),
            (f, y, g) -> List.of(f.mul(g, f.cos(y.input(0)))));

    public static final Elementwise<Attr.None> COS_OP = op("cos", 1,
            (k, x) -> apply(COS, x[0]),
            (f, y, g) -> List.of(f.neg(f.mul(g, f.sin(y.input(0))))));

    /** x limited to [lo, hi] (the attribute); the gradient flows where x is inside. */
    public static final Elementwise<Bounds> CLAMP_OP = new Elementwise<>("clamp", 1, Bounds.class,
            (k, x) -> apply(MIN, apply(MAX, x[0], constant(k.lo())), constant(k.hi())),
            (f, y, g) -> {
                Bounds r = Elementwise.CLAMP_OP.attr(y);
                Node x = y.input(0);
                return List.of(f.mul(g, f.mul(f.ge(x, f.constant(r.lo())), f.le(x, f.constant(r.hi())))));
            });

    // Masks: 1 where the comparison holds, else 0. Not differentiable.

    public static final Elementwise<Attr.None> GT_OP = comparison("gt", Scalar.Opcode.GT);
    public static final Elementwise<Attr.None> GE_OP = comparison("ge", Scalar.Opcode.GE);
    public static final Elementwise<Attr.None> LT_OP = comparison("lt", Scalar.Opcode.LT);
    public static final Elementwise<Attr.None> LE_OP = comparison("le", Scalar.Opcode.LE);
    public static final Elementwise<Attr.None> EQ_OP = comparison("eq", Scalar.Opcode.EQ);
    public static final Elementwise<Attr.None> NE_OP = comparison("ne", Scalar.Opcode.NE);

    /** where(mask, a, b): a where the mask is non-zero, else b. The gradient goes to the chosen side. */
    public static final Elementwise<Attr.None> WHERE_OP = op("where", 3,
            (k, x) -> apply(SELECT, x[0], x[1], x[2]),
            (f, y, g) -> {
                Node m = y.input(0), zero = f.constant(0);
                return Arrays.asList(null, f.where(m, g, zero), f.where(m, zero, g));
            });

    /** The value itself, through which no gradient flows (a constant to differentiation). */
    public static final Elementwise<Attr.None> DETACH_OP = internal("detach", 1,
            (k, x) -> x[0],
            (f, y, g) -> Arrays.asList((Node) null));

    /** The attribute of clamp. */
    public record Bounds(double lo, double hi) implements Attr {
        @Override
        public String toString() {
            return lo + ", " + hi;
        }
    }

    /** An op the language offers as a function of the same name, {@code name(x)} or {@code name(a, b)}. */
    private static Elementwise<Attr.None> op(String name, int arity, Value<Attr.None> value, Gradient gradient) {
        Elementwise<Attr.None> op = new Elementwise<>(name, arity, Attr.None.class, value, gradient);
        FUNCTIONS.add(op);
        return op;
    }

    /** An op only the compiler makes (the language reaches it otherwise, or not at all). */
    private static Elementwise<Attr.None> internal(String name, int arity, Value<Attr.None> value, Gradient gradient) {
        return new Elementwise<>(name, arity, Attr.None.class, value, gradient);
    }

    /** The ops that are built-in functions of the same name, in the order above. */
    public static List<Elementwise<Attr.None>> functions() {
        return List.copyOf(FUNCTIONS);
    }

    private static Elementwise<Attr.None> comparison(String name, Scalar.Opcode opcode) {
        return op(name, 2, (k, x) -> apply(opcode, x[0], x[1]), (f, y, g) -> Arrays.asList(null, null));
    }

    public final int arity;
    private final Value<A> value;
    private final Gradient gradient;

    private Elementwise(String name, int arity, Class<A> attrType, Value<A> value, Gradient gradient) {
        super(name, attrType);
        this.arity = arity;
        this.value = value;
        this.gradient = gradient;
    }

    /** What {@code n} computes from its inputs' elements ({@link Scalar.In} i is input i). */
    public Scalar value(Node n) {
        Scalar[] x = new Scalar[arity];
        for (int i = 0; i < arity; i++) x[i] = Scalar.in(i);
        return value.of(attr(n), x);
    }

    @Override
    public Shape shape(List<Shape> inputs, A attr) {
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
        return gradient.of(b, node, grad);
    }

    @Override
    public void eval(Node node, double[][] in, int batch, double[] out) {
        Scalar v = value(node);
        double[] x = new double[arity];
        Strided.over(node.shape, batch, node.inputs).forEach((o, i) -> {
            for (int j = 0; j < arity; j++) x[j] = in[j][i[j]];
            out[o] = v.eval(x);
        });
    }

    @Override
    public void lower(Lowering l) {
        l.pointwise(value(l.node()));
    }
}
