package dev.gradc.compiler.ops;

import static org.objectweb.asm.commons.GeneratorAdapter.ADD;
import static org.objectweb.asm.commons.GeneratorAdapter.DIV;
import static org.objectweb.asm.commons.GeneratorAdapter.MUL;
import static org.objectweb.asm.commons.GeneratorAdapter.NEG;
import static org.objectweb.asm.commons.GeneratorAdapter.SUB;

import dev.gradc.compiler.emit.Kernel;
import dev.gradc.compiler.emit.ScalarCode;
import dev.gradc.compiler.ir.GraphBuilder;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ir.Shape;
import dev.gradc.compiler.ir.ShapeException;
import java.util.Arrays;
import java.util.List;

/**
 * The element-wise ops, one stanza each: scalar forward (reference semantics), gradient as IR,
 * scalar bytecode. Inputs broadcast against each other NumPy-style.
 */
public final class Elementwise extends Op {

    /** Scalar forward; {@code b} is 0 for unary ops. */
    interface Forward { double apply(Object attr, double a, double b); }
    /** Gradients with respect to the inputs, given {@code g}, the gradient of the output. */
    interface Gradient { List<Node> apply(GraphBuilder b, Node out, Node g); }
    /** Bytecode for the scalar forward: operands via {@link ScalarCode#load}, one value left. */
    interface Code { void emit(ScalarCode s, Object attr); }

    public static final Elementwise ADD_OP = new Elementwise("add", 2,
            (c, a, b) -> a + b,
            (f, y, g) -> List.of(g, g),
            (s, c) -> { s.load(0); s.load(1); s.math(ADD); });

    public static final Elementwise SUB_OP = new Elementwise("sub", 2,
            (c, a, b) -> a - b,
            (f, y, g) -> List.of(g, f.neg(g)),
            (s, c) -> { s.load(0); s.load(1); s.math(SUB); });

    public static final Elementwise MUL_OP = new Elementwise("mul", 2,
            (c, a, b) -> a * b,
            (f, y, g) -> List.of(f.mul(g, y.input(1)), f.mul(g, y.input(0))),
            (s, c) -> { s.load(0); s.load(1); s.math(MUL); });

    // d(a/b) = g/b, -g*(a/b)/b
    public static final Elementwise DIV_OP = new Elementwise("div", 2,
            (c, a, b) -> a / b,
            (f, y, g) -> List.of(f.div(g, y.input(1)), f.neg(f.div(f.mul(g, y), y.input(1)))),
            (s, c) -> { s.load(0); s.load(1); s.math(DIV); });

    public static final Elementwise NEG_OP = new Elementwise("neg", 1,
            (c, a, b) -> -a,
            (f, y, g) -> List.of(f.neg(g)),
            (s, c) -> { s.load(0); s.math(NEG); });

    public static final Elementwise RELU_OP = new Elementwise("relu", 1,
            (c, a, b) -> Math.max(0, a),
            (f, y, g) -> List.of(f.mul(g, f.step(y.input(0)))),
            (s, c) -> { s.pushConstant(0); s.load(0); s.invokeMathSameType("max", 2); });

    /** Heaviside step, 1 where x > 0 else 0: the derivative of relu. Its own derivative is 0. */
    public static final Elementwise STEP_OP = new Elementwise("step", 1,
            (c, a, b) -> a > 0 ? 1 : 0,
            (f, y, g) -> Arrays.asList((Node) null),
            (s, c) -> s.greaterThanZero(0));

    // tanh' = 1 - tanh^2, from the output
    public static final Elementwise TANH_OP = new Elementwise("tanh", 1,
            (c, a, b) -> Math.tanh(a),
            (f, y, g) -> List.of(f.mul(g, f.sub(f.constant(1), f.mul(y, y)))),
            (s, c) -> { s.loadDouble(0); s.invokeMathDouble("tanh", 1); s.fromDouble(); });

    public static final Elementwise EXP_OP = new Elementwise("exp", 1,
            (c, a, b) -> Math.exp(a),
            (f, y, g) -> List.of(f.mul(g, y)),
            (s, c) -> { s.loadDouble(0); s.invokeMathDouble("exp", 1); s.fromDouble(); });

    public static final Elementwise LOG_OP = new Elementwise("log", 1,
            (c, a, b) -> Math.log(a),
            (f, y, g) -> List.of(f.div(g, y.input(0))),
            (s, c) -> { s.loadDouble(0); s.invokeMathDouble("log", 1); s.fromDouble(); });

    /** x^c for a constant c (the attribute); x*x exactly when c is 2. */
    public static final Elementwise POW_OP = new Elementwise("pow", 1,
            (c, a, b) -> pow(a, (Double) c),
            (f, y, g) -> {
                double c = (Double) y.attr;
                Node x = y.input(0);
                Node slope = c == 2 ? f.mul(f.constant(2), x) : f.mul(f.constant(c), f.pow(x, c - 1));
                return List.of(f.mul(g, slope));
            },
            (s, c) -> {
                double exponent = (Double) c;
                if (exponent == 2) {
                    s.load(0); s.load(0); s.math(MUL);
                } else {
                    s.loadDouble(0); s.pushDouble(exponent); s.invokeMathDouble("pow", 2); s.fromDouble();
                }
            });

    public static final List<Elementwise> ALL =
            List.of(ADD_OP, SUB_OP, MUL_OP, DIV_OP, NEG_OP, RELU_OP, STEP_OP, TANH_OP, EXP_OP, LOG_OP, POW_OP);

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

    public double apply(Object attr, double a, double b) {
        return forward.apply(attr, a, b);
    }

    public void emitScalar(ScalarCode s, Object attr) {
        code.emit(s, attr);
    }

    @Override
    public Shape shape(List<Shape> inputs, Object attr) {
        Shape out = inputs.get(0);
        for (Shape s : inputs.subList(1, inputs.size())) {
            Shape next = Shape.broadcast(out, s);
            if (next == null) {
                throw new ShapeException(name + ": shapes " + inputs.get(0) + " and " + s + " do not broadcast");
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
        Strided.Iteration it = Strided.over(node.shape, batch, node.inputs);
        it.forEach((o, idx) -> {
            double a = in[0][idx[0]];
            double b = arity > 1 ? in[1][idx[1]] : 0;
            out[o] = forward.apply(node.attr, a, b);
        });
    }

    @Override
    public void emit(Kernel k) {
        k.pointwise(s -> code.emit(s, k.node().attr));
    }

    @Override
    public String attrText(Object attr) {
        return attr == null ? "" : "[" + attr + "]";
    }
}
