package dev.gradc.compiler.ops;

import dev.gradc.compiler.ir.Attr;
import dev.gradc.compiler.ir.GraphBuilder;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ir.Shape;
import dev.gradc.compiler.ir.Size;
import dev.gradc.runtime.internal.Initializer;
import java.util.List;

/**
 * Nodes without inputs. Inputs, parameters, hyper-parameters, state and masks are buffers the host,
 * the optimizer or the trainer fills, each named; constants and counts are scalars the kernels that
 * read them inline. A leaf's attribute carries all it is (a parameter its initializer, a
 * hyper-parameter its initial value), so the graph alone says what a trainer exposes.
 */
public final class Leaf<A extends Attr> extends Op<A> {
    /** Fed by the host each step. */
    public static final Leaf<Named> INPUT = new Leaf<>("input", Named.class);
    /** A trainable tensor and how it is initialized. */
    public static final Leaf<Param> PARAM = new Leaf<>("param", Param.class);
    /** A scalar the host may change between steps, such as the learning rate. */
    public static final Leaf<Hyper> HYPER = new Leaf<>("hyper", Hyper.class);
    /**
     * Optimizer state such as a momentum buffer or a step count, and the sums of gradient
     * accumulation: zero when the trainer is built, then updated in place like a parameter, but not
     * trainable and not saved with the parameters. Named like {@code w1.momentum} (the dot keeps
     * state names apart from parameter, input and hyper-parameter names).
     */
    public static final Leaf<State> STATE = new Leaf<>("state", State.class);
    /**
     * A dropout mask: 0 with probability p, else 1/(1-p), drawn afresh by the trainer before every
     * step from its seeded generator. Only training graphs have masks (outputs run without dropout).
     */
    public static final Leaf<Mask> MASK = new Leaf<>("mask", Mask.class);
    /** A scalar constant. */
    public static final Leaf<Attr.Real> CONST = new Leaf<>("const", Attr.Real.class);
    /** A scalar element count such as {@code batch*16}, for means. */
    public static final Leaf<Count> COUNT = new Leaf<>("count", Count.class);

    /** A buffer that has a name: inputs, parameters, hyper-parameters, state, masks. */
    public interface Buffer extends Attr {
        String name();
    }

    public record Named(String name) implements Buffer {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A parameter: its name and initializer, with the initializer's scalar arguments. */
    public record Param(String name, Initializer init, List<Double> args) implements Buffer {
        public Param {
            args = List.copyOf(args);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A hyper-parameter and the value it starts at. */
    public record Hyper(String name, double initial) implements Buffer {
        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * A state leaf: its shape rides along because a leaf has no inputs to infer it from; every
     * element starts at {@code initial} (0 for optimizer state, 1 for a running variance).
     */
    public record State(String name, Shape shape, double initial) implements Buffer {
        @Override
        public String toString() {
            return name;
        }
    }

    public record Mask(String name, Shape shape, double p) implements Buffer {
        @Override
        public String toString() {
            return name + " p=" + p;
        }
    }

    public record Count(Size size) implements Attr {
        @Override
        public String toString() {
            return size.toString();
        }
    }

    private Leaf(String name, Class<A> attrType) {
        super(name, attrType);
    }

    /** Inputs, parameters, hyper-parameters, state and masks: leaves the host or the step writes, each its own named buffer. */
    public static boolean isNamedBuffer(Node n) {
        return n.attr instanceof Buffer && n.op instanceof Leaf;
    }

    /** The name of a {@linkplain #isNamedBuffer named buffer}. */
    public static String bufferName(Node n) {
        return ((Buffer) n.attr).name();
    }

    /** Constants and counts are read in place by the kernels that use them; they need no buffer. */
    public boolean isInlineScalar() {
        return this == CONST || this == COUNT;
    }

    /** The value of an inline scalar for a batch size. */
    public static double scalarValue(Node node, int batch) {
        return node.op == CONST ? CONST.attr(node).value() : COUNT.attr(node).size().at(batch);
    }

    @Override
    public Shape shape(List<Shape> inputs, A attr) {
        throw new IllegalStateException("a leaf's shape is given when it is created");
    }

    @Override
    public List<Node> vjp(GraphBuilder b, Node node, Node grad) {
        return List.of();
    }

    @Override
    public void eval(Node node, double[][] in, int batch, double[] out) {
        if (!isInlineScalar()) throw new IllegalStateException(name + " nodes are bound, not computed");
        out[0] = scalarValue(node, batch);
    }

    @Override
    public void lower(Lowering l) {
        if (!isInlineScalar()) throw new IllegalStateException(name + " nodes are bound, not computed");
        l.storeScalar();
    }

    @Override
    public String attrText(Attr attr) {
        return " " + attr;
    }
}
