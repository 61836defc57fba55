package dev.gradc.compiler.ops;

import dev.gradc.compiler.ir.Attr;
import dev.gradc.compiler.ir.GraphBuilder;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ir.Shape;
import java.util.List;

/**
 * A primitive of the graph IR, defined once with all its rules: the shape rule, the vector-Jacobian
 * product written as IR, the reference evaluation the interpreter runs, and the lowering to a loop
 * shape of {@link Lowering} (which knows nothing of the machine). {@code A} is the type of its
 * attribute. Adding an op means writing one subclass (or one stanza in {@link Elementwise}).
 */
public abstract class Op<A extends Attr> {
    public final String name;
    private final Class<A> attrType;

    protected Op(String name, Class<A> attrType) {
        this.name = name;
        this.attrType = attrType;
    }

    /** The output shape for inputs of these shapes; throws {@link dev.gradc.compiler.ir.ShapeException}. */
    public abstract Shape shape(List<Shape> inputs, A attr);

    /**
     * Gradients with respect to each input, as IR built with {@code b}, given {@code grad}, the
     * gradient of the loss with respect to {@code node}. An entry is null where the op has no
     * gradient for that input. Results may have the output's (broadcast) shape: autodiff sums them
     * back to each input's shape.
     */
    public abstract List<Node> vjp(GraphBuilder b, Node node, Node grad);

    /** Reference semantics: fills {@code out} (zeroed, row-major) from the inputs' values. */
    public abstract void eval(Node node, double[][] in, int batch, double[] out);

    /** Says which loop shape computes {@code l.node()}. */
    public abstract void lower(Lowering l);

    /** The attribute of a node of this op. */
    public final A attr(Node n) {
        if (n.op != this) throw new IllegalArgumentException(n + " is a " + n.op.name + ", not a " + name);
        return attrType.cast(n.attr);
    }

    /** {@link #shape} for an attribute known only as an {@link Attr} (copying a node in a rewrite). */
    public final Shape shapeOf(List<Shape> inputs, Attr attr) {
        return shape(inputs, attrType.cast(attr));
    }

    /** The attribute as printed in the IR text, e.g. {@code [axes=0]}; empty when there is none. */
    public String attrText(Attr attr) {
        String text = attr.toString();
        return text.isEmpty() ? "" : "[" + text + "]";
    }

    @Override
    public String toString() {
        return name;
    }
}
