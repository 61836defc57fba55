package dev.gradc.compiler.ir;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A snapshot of the graph IR: nodes in topological order, and the roles some of them play.
 * {@code loss} and {@code outputs} come from the model; {@code grads} from autodiff (parameter name
 * to gradient); {@code updates} from the optimizer (parameter or state buffer name to its new value,
 * written in place at the end of the step). Gradient accumulation adds two more entry points:
 * {@code accumulate} (loss and gradients, summed into accumulator buffers) and {@code applyUpdates}
 * (the optimizer's updates from the accumulated gradients). {@code evalLoss} is the loss as outputs
 * see the model (dropout off), for measuring held-out data.
 */
public record Graph(
        String modelName,
        List<Node> nodes,
        Node loss,
        Map<String, Node> outputs,
        Map<String, Node> grads,
        Map<String, Node> updates,
        Map<String, Node> accumulate,
        Map<String, Node> applyUpdates,
        Node evalLoss) {

    public Graph {
        accumulate = Collections.unmodifiableMap(new LinkedHashMap<>(accumulate));
        applyUpdates = Collections.unmodifiableMap(new LinkedHashMap<>(applyUpdates));
        nodes = List.copyOf(nodes);
        outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
        grads = Collections.unmodifiableMap(new LinkedHashMap<>(grads));
        updates = Collections.unmodifiableMap(new LinkedHashMap<>(updates));
    }

    /** All nodes of one op kind, e.g. the inputs, in order. */
    public List<Node> nodesOf(dev.gradc.compiler.ops.Op op) {
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
        if (loss != null) roots.add(loss);
        roots.addAll(grads.values());
        roots.addAll(updates.values());
        return roots;
    }

    /** Roots of {@code accumulate()}: the loss, and the sums into the accumulators. */
    public List<Node> accumulateRoots() {
        List<Node> roots = new ArrayList<>();
        if (loss != null) roots.add(loss);
        roots.addAll(accumulate.values());
        return roots;
    }

    /** Roots of {@code update()}: the optimizer's updates from the accumulated gradients. */
    public List<Node> updateRoots() {
        return new ArrayList<>(applyUpdates.values());
    }

    /** Every update of a buffer, whichever entry point makes it. */
    public Map<Node, String> allUpdates() {
        Map<Node, String> out = new LinkedHashMap<>();
        updates.forEach((name, n) -> out.put(n, name));
        accumulate.forEach((name, n) -> out.put(n, name));
        applyUpdates.forEach((name, n) -> out.put(n, name));
        return out;
    }

    public List<Node> allRoots() {
        List<Node> roots = stepRoots();
        roots.addAll(accumulate.values());
        roots.addAll(applyUpdates.values());
        roots.addAll(outputs.values());
        if (evalLoss != null) roots.add(evalLoss);
        return roots;
    }

    @Override
    public String toString() {
        return GraphPrinter.print(this);
    }
}
