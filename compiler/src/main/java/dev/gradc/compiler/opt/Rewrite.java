package dev.gradc.compiler.opt;

import dev.gradc.compiler.ir.Graph;
import dev.gradc.compiler.ir.GraphBuilder;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ops.Leaf;
import java.util.ArrayList;
import java.util.List;

/** Rebuilds a graph node by node through a rule, keeping only what the roots need. */
final class Rewrite {
    /** What one old node becomes, given the builder and its inputs already rewritten. */
    interface Rule {
        Node apply(GraphBuilder b, Node old, List<Node> inputs);
    }

    private Rewrite() {}

    /**
     * The graph {@code rule} makes of {@code g}: every node some root needs, in order, plus every
     * named buffer (inputs, parameters, state), which the trainer exposes whether used or not.
     * With {@code interning}, structurally equal nodes are made once.
     */
    static Graph rebuild(Graph g, boolean interning, Rule rule) {
        GraphBuilder b = new GraphBuilder(null, g.modelName());
        if (!interning) b.withoutInterning();
        Node[] now = new Node[g.nodes().size()]; // by old id: ids are dense
        boolean[] needed = new boolean[now.length];
        for (Node n : g.needed(g.allRoots())) needed[n.id] = true;
        for (Node old : g.nodes()) {
            if (!needed[old.id] && !Leaf.isNamedBuffer(old)) continue;
            List<Node> inputs = new ArrayList<>(old.inputs.size());
            for (Node in : old.inputs) inputs.add(now[in.id]);
            now[old.id] = rule.apply(b, old, inputs);
        }
        return b.graph(g.roles().map(n -> now[n.id]));
    }
}
