package dev.gradc.compiler.ir;

import dev.gradc.compiler.ops.Leaf;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks that a graph is well formed: ids are positions, every operand is an earlier node of the
 * same graph, every shape is what its op's rule gives, named buffers have one leaf each, and every
 * role names a node of the graph of the right kind and shape. The pipeline runs it after every
 * stage when assertions are on (as in the tests), so a pass that breaks the IR fails where it breaks it.
 */
public final class Verifier {
    private Verifier() {}

    /** True, or an IllegalStateException naming the first problem; for {@code assert Verifier.verified(g, "after cse")}. */
    public static boolean verified(Graph g, String stage) {
        String problem = problem(g);
        if (problem != null) throw new IllegalStateException("malformed IR " + stage + ": " + problem + "\n" + g);
        return true;
    }

    /** The first problem found, or null. */
    public static String problem(Graph g) {
        List<Node> nodes = g.nodes();
        Map<String, Node> named = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (n.id != i) return n + " stands at position " + i;
            for (Node in : n.inputs) {
                if (in.id >= n.id || nodes.get(in.id) != in) return n + " reads " + in + ", not an earlier node of this graph";
            }
            if (Leaf.isNamedBuffer(n)) {
                Node other = named.put(Leaf.bufferName(n), n);
                if (other != null) return "two leaves are named " + Leaf.bufferName(n) + ": " + other + " and " + n;
            }
            if (!n.inputs.isEmpty()) {
                List<Shape> shapes = n.inputs.stream().map(in -> in.shape).toList();
                Shape rule;
                try {
                    rule = n.op.shapeOf(shapes, n.attr);
                } catch (RuntimeException e) {
                    return n + " (" + n.op.name + ") rejects its inputs: " + e.getMessage();
                }
                if (!rule.equals(n.shape)) return n + " has shape " + n.shape + " but " + n.op.name + " gives " + rule;
            }
        }
        String r = role(g, "loss", g.loss());
        if (r == null && g.loss() != null && g.loss().shape.rank() != 0) r = "the loss is not a scalar";
        if (r == null) r = role(g, "evalLoss", g.evalLoss());
        for (Map.Entry<String, Node> e : g.outputs().entrySet()) if (r == null) r = role(g, "output " + e.getKey(), e.getValue());
        for (Map.Entry<String, Node> e : g.grads().entrySet()) if (r == null) r = target(g, named, "grad", e, Leaf.PARAM);
        for (Map.Entry<String, Node> e : g.applyGrads().entrySet()) if (r == null) r = target(g, named, "applied grad", e, Leaf.PARAM);
        for (Map<String, Node> updates : List.of(g.updates(), g.accumulate(), g.applyUpdates())) {
            for (Map.Entry<String, Node> e : updates.entrySet()) if (r == null) r = target(g, named, "update", e, null);
        }
        return r;
    }

    private static String role(Graph g, String role, Node n) {
        if (n == null) return null;
        return n.id < g.nodes().size() && g.nodes().get(n.id) == n ? null : role + " is " + n + ", not a node of this graph";
    }

    /** A role for a named buffer: the buffer exists (as a leaf of {@code kind}, if given) and has the value's shape. */
    private static String target(Graph g, Map<String, Node> named, String role, Map.Entry<String, Node> e, Leaf<?> kind) {
        String r = role(g, role + " " + e.getKey(), e.getValue());
        if (r != null) return r;
        Node leaf = named.get(e.getKey());
        if (leaf == null || (kind != null && leaf.op != kind)) return role + " " + e.getKey() + " names no " + (kind == null ? "buffer" : kind.name);
        if (leaf.op != Leaf.PARAM && leaf.op != Leaf.STATE) return role + " " + e.getKey() + " writes the " + leaf.op.name + ", not a parameter or state";
        if (!leaf.shape.equals(e.getValue().shape)) {
            return role + " " + e.getKey() + " has shape " + e.getValue().shape + ", the buffer " + leaf.shape;
        }
        return null;
    }
}
