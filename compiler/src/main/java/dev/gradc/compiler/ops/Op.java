package dev.gradc.compiler.ops;

import dev.gradc.compiler.emit.Kernel;
import dev.gradc.compiler.ir.GraphBuilder;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ir.Shape;
import java.util.List;

/**
 * A primitive of the graph IR, defined once with all its rules: the shape rule, the vector-Jacobian
 * product written as IR, the reference evaluation the interpreter runs, and the lowering to a
 * kernel. Adding an op means writing one subclass (or one stanza in {@link Elementwise}).
 */
public abstract class Op {
    public final String name;

    protected Op(String name) {
        this.name = name;
    }

    /** The output shape for inputs of these shapes; throws {@link dev.gradc.compiler.ir.ShapeException}. */
    public abstract Shape shape(List<Shape> inputs, Object attr);

    /**
     * Gradients with respect to each input, as IR built with {@code b}, given {@code grad}, the
     * gradient of the loss with respect to {@code node}. An entry is null where the op has no
     * gradient for that input. Results may have the output's (broadcast) shape: autodiff sums them
     * back to each input's shape.
     */
    public abstract List<Node> vjp(GraphBuilder b, Node node, Node grad);

    /** Reference semantics: fills {@code out} (zeroed, row-major) from the inputs' values. */
    public abstract void eval(Node node, double[][] in, int batch, double[] out);

    /** Emits the kernel that computes {@code k.node()}. */
    public abstract void emit(Kernel k);

    /** The attribute as printed in the IR text, e.g. {@code [axes=0]}; empty when there is none. */
    public String attrText(Object attr) {
        return attr == null ? "" : "[" + attr + "]";
    }

    @Override
    public String toString() {
        return name;
    }
}
