package dev.gradc.compiler.ir;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of the graph IR: nodes in topological order, and the {@link Roles} some of them play
 * (loss, outputs, gradients, the optimizer's updates, the entry points of gradient accumulation).
 */
public record Graph(String modelName, List<Node> nodes, Roles roles) {

    public Graph {
        nodes = List.copyOf(nodes);
    }

    public Node loss() { return roles.loss(); }
    public Node evalLoss() { return roles.evalLoss(); }
    public Map<String, Node> outputs() { return roles.outputs(); }
    public Map<String, Node> grads() { return roles.grads(); }
    public Map<String, Node> updates() { return roles.updates(); }
    public Map<String, Node> accumulate() { return roles.accumulate(); }
    public Map<String, Node> applyUpdates() { return roles.applyUpdates(); }
    public Map<String, Node> applyGrads() { return roles.applyGrads(); }

    /** All nodes of one op kind, e.g. the inputs, in order. */
    public List<Node> nodesOf(dev.gradc.compiler.ops.Op<?> op) {
        List<Node> out = new ArrayList<>();
        for (Node n : nodes) if (n.op == op) out.add(n);
        return out;
    }

    /** The nodes {@code roots} depend on, themselves included, in topological order. */
    public List<Node> needed(List<Node> roots) {
        boolean[] seen = new boolean[nodes.size()];
        Deque<Node> work = new ArrayDeque<>(roots);
        while (!work.isEmpty()) {
            Node n = work.pop();
            if (seen[n.id]) continue;
            seen[n.id] = true;
            work.addAll(n.inputs);
        }
        List<Node> out = new ArrayList<>();
        for (Node n : nodes) if (seen[n.id]) out.add(n);
        return out;
    }

    /** Roots of a training step: loss, gradients, updates. */
    public List<Node> stepRoots() {
        List<Node> roots = new ArrayList<>();
        if (loss() != null) roots.add(loss());
        roots.addAll(grads().values());
        roots.addAll(updates().values());
        return roots;
    }

    /** Roots of {@code accumulate()}: the loss, and the sums into the accumulators. */
    public List<Node> accumulateRoots() {
        List<Node> roots = new ArrayList<>();
        if (loss() != null) roots.add(loss());
        roots.addAll(accumulate().values());
        return roots;
    }

    /** Roots of {@code update()}: the optimizer's updates from the accumulated gradients, and those gradients. */
    public List<Node> updateRoots() {
        List<Node> roots = new ArrayList<>(applyUpdates().values());
        roots.addAll(applyGrads().values());
        return roots;
    }

    /** Every update of a buffer, whichever entry point makes it. */
    public Map<Node, String> allUpdates() {
        Map<Node, String> out = new LinkedHashMap<>();
        updates().forEach((name, n) -> out.put(n, name));
        accumulate().forEach((name, n) -> out.put(n, name));
        applyUpdates().forEach((name, n) -> out.put(n, name));
        return out;
    }

    public List<Node> allRoots() {
        List<Node> roots = stepRoots();
        roots.addAll(accumulate().values());
        roots.addAll(applyUpdates().values());
        roots.addAll(applyGrads().values());
        roots.addAll(outputs().values());
        if (evalLoss() != null) roots.add(evalLoss());
        return roots;
    }

    /** Whether {@code other} prints the same: the same nodes (op, attribute, inputs, shape, position) in the same roles. */
    public boolean sameAs(Graph other) {
        if (nodes.size() != other.nodes.size() || !modelName.equals(other.modelName)) return false;
        for (int i = 0; i < nodes.size(); i++) {
            Node a = nodes.get(i), b = other.nodes.get(i);
            if (a.op != b.op || !a.attr.equals(b.attr) || !a.shape.equals(b.shape) || !a.pos.equals(b.pos)
                    || a.inputs.size() != b.inputs.size()) return false;
            for (int k = 0; k < a.inputs.size(); k++) if (a.input(k).id != b.input(k).id) return false;
        }
        return ids(roles).equals(ids(other.roles));
    }

    private static String ids(Roles r) {
        return r.map(n -> n) + "";
    }

    @Override
    public String toString() {
        return GraphPrinter.print(this);
    }
}
