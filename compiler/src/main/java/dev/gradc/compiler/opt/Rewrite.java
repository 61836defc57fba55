package dev.gradc.compiler.opt;

import dev.gradc.compiler.ir.Graph;
import dev.gradc.compiler.ir.GraphBuilder;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ops.Leaf;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
        Map<Node, Node> now = new HashMap<>();
        java.util.Set<Node> needed = new java.util.HashSet<>(g.needed(g.allRoots()));
        for (Node old : g.nodes()) {
            if (!needed.contains(old) && !Leaf.isNamedBuffer(old)) continue;
            List<Node> inputs = new ArrayList<>();
            for (Node in : old.inputs) inputs.add(now.get(in));
            now.put(old, rule.apply(b, old, inputs));
        }
        b.loss = now.get(g.loss());
        b.evalLoss = now.get(g.evalLoss());
        copy(g.outputs(), b.outputs, now);
        copy(g.grads(), b.grads, now);
        copy(g.updates(), b.updates, now);
        copy(g.accumulate(), b.accumulate, now);
        copy(g.applyUpdates(), b.applyUpdates, now);
        return b.graph();
    }

    private static void copy(Map<String, Node> from, Map<String, Node> to, Map<Node, Node> now) {
        for (Map.Entry<String, Node> e : from.entrySet()) to.put(e.getKey(), now.get(e.getValue()));
    }
}
