package dev.gradc.compiler.ir;

import dev.gradc.compiler.ops.Op;
import dev.gradc.dsl.SourcePos;
import java.util.List;

/**
 * One SSA value of the graph: an op applied to earlier nodes, with its static shape and the source
 * position it came from. Immutable; {@code id} is its index in the graph, in topological order.
 */
public final class Node {
    public final int id;
    public final Op<?> op;
    /** The op's static parameters, of the type the op declares. */
    public final Attr attr;
    public final List<Node> inputs;
    public final Shape shape;
    public final SourcePos pos;

    Node(int id, Op<?> op, Attr attr, List<Node> inputs, Shape shape, SourcePos pos) {
        this.id = id;
        this.op = op;
        this.attr = attr;
        this.inputs = List.copyOf(inputs);
        this.shape = shape;
        this.pos = pos;
    }

    public Node input(int i) {
        return inputs.get(i);
    }

    @Override
    public String toString() {
        return "%" + id;
    }
}
