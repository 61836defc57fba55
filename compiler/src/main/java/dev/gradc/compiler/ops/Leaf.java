package dev.gradc.compiler.ops;

import dev.gradc.compiler.emit.Kernel;
import dev.gradc.compiler.ir.GraphBuilder;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ir.Shape;
import dev.gradc.compiler.ir.Size;
import java.util.List;

/**
 * Nodes without inputs. Inputs, parameters and hyper-parameters are buffers the host or the
 * optimizer fills; constants and counts are scalars the kernels that read them inline.
 */
public final class Leaf extends Op {
    /** Fed by the host each step; attribute: its name. */
    public static final Leaf INPUT = new Leaf("input");
    /** A trainable tensor; attribute: its name. */
    public static final Leaf PARAM = new Leaf("param");
    /** A scalar the host may change between steps, such as the learning rate; attribute: its name. */
    public static final Leaf HYPER = new Leaf("hyper");
    /**
     * Optimizer state such as a momentum buffer or a step count: zero when the trainer is built,
     * then updated in place by every step like a parameter, but not trainable and not saved with
     * the parameters. Attribute: a {@link State}, named like {@code w1.momentum} (the dot keeps
     * state names apart from parameter, input and hyper-parameter names).
     */
    public static final Leaf STATE = new Leaf("state");
    /**
     * A dropout mask: 0 with probability p, else 1/(1-p), drawn afresh by the trainer before every
     * step from its seeded generator. Only training graphs have masks (outputs run without dropout).
     * Attribute: a {@link Mask}.
     */
    public static final Leaf MASK = new Leaf("mask");
    /** A scalar constant; attribute: its value (Double). */
    public static final Leaf CONST = new Leaf("const");
    /** A scalar element count such as {@code batch*16}, for means; attribute: the {@link Size}. */
    public static final Leaf COUNT = new Leaf("count");

    /** A state leaf's attribute: its shape rides along because a leaf has no inputs to infer it from. */
    public record State(String name, Shape shape) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** A mask leaf's attribute. */
    public record Mask(String name, Shape shape, double p) {
        @Override
        public String toString() {
            return name + " p=" + p;
        }
    }

    private Leaf(String name) {
        super(name);
    }

    /** A zero-initialized state buffer; made through {@link GraphBuilder#apply}, which takes its shape from the attribute. */
    public static Node state(GraphBuilder b, String name, Shape shape) {
        return b.apply(STATE, new State(name, shape));
    }

    /** Inputs, parameters, hyper-parameters and state: leaves the host or the step writes, each its own named buffer. */
    public static boolean isNamedBuffer(Node n) {
        return n.op == INPUT || n.op == PARAM || n.op == HYPER || n.op == STATE || n.op == MASK;
    }

    /** The name of a {@linkplain #isNamedBuffer named buffer}. */
    public static String bufferName(Node n) {
        if (n.attr instanceof State s) return s.name();
        return n.attr instanceof Mask m ? m.name() : (String) n.attr;
    }

    /** Constants and counts are read in place by the kernels that use them; they need no buffer. */
    public boolean isInlineScalar() {
        return this == CONST || this == COUNT;
    }

    /** The value of an inline scalar for a batch size. */
    public static double scalarValue(Node node, int batch) {
        return node.op == CONST ? (Double) node.attr : ((Size) node.attr).at(batch);
    }

    @Override
    public Shape shape(List<Shape> inputs, Object attr) {
        if (this == STATE) return ((State) attr).shape();
        if (this == MASK) return ((Mask) attr).shape();
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
    public void emit(Kernel k) {
        if (!isInlineScalar()) throw new IllegalStateException(name + " nodes are bound, not computed");
        k.fillScalar();
    }

    @Override
    public String attrText(Object attr) {
        return " " + attr;
    }
}
