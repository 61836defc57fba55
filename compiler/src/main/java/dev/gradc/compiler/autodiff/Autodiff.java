package dev.gradc.compiler.autodiff;

import dev.gradc.compiler.ir.GraphBuilder;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ops.Leaf;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reverse-mode differentiation as a graph-to-graph transformation: walks the graph from the loss
 * backwards, applies each op's vector-Jacobian product (ordinary IR), sums contributions where a
 * value fans out, and sums broadcast gradients back to each input's shape. Appends the backward
 * nodes to the builder and returns one gradient per parameter the loss depends on.
 */
public final class Autodiff {
    private Autodiff() {}

    /** Parameter name to the gradient of {@code loss}, in parameter declaration order. */
    public static Map<String, Node> gradients(GraphBuilder b, Node loss) {
        List<Node> needed = needed(loss);
        Map<Node, Boolean> dependsOnParam = new HashMap<>();
        for (Node n : needed) {
            dependsOnParam.put(n, n.op == Leaf.PARAM || n.inputs.stream().anyMatch(dependsOnParam::get));
        }
        Map<Node, Node> grads = new HashMap<>();
        b.at(loss.pos);
        grads.put(loss, b.constant(1));
        for (int i = needed.size() - 1; i >= 0; i--) {
            Node node = needed.get(i);
            Node g = grads.get(node);
            if (g == null || node.inputs.isEmpty() || !dependsOnParam.get(node)) continue;
            b.at(node.pos);
            List<Node> inputGrads = node.op.vjp(b, node, g);
            for (int k = 0; k < node.inputs.size(); k++) {
                Node in = node.input(k);
                Node contribution = inputGrads.get(k);
                if (contribution == null || !dependsOnParam.get(in)) continue;
                contribution = b.sumTo(contribution, in.shape);
                Node sum = grads.get(in);
                grads.put(in, sum == null ? contribution : b.add(sum, contribution));
            }
        }
        Map<String, Node> out = new LinkedHashMap<>();
        for (Node n : b.nodes()) {
            if (n.op == Leaf.PARAM && grads.containsKey(n)) out.put(Leaf.bufferName(n), grads.get(n));
        }
        return out;
    }

    /** The nodes {@code root} depends on, itself included, in id (topological) order. */
    private static List<Node> needed(Node root) {
        Map<Node, Boolean> seen = new HashMap<>();
        Deque<Node> work = new ArrayDeque<>(List.of(root));
        while (!work.isEmpty()) {
            Node n = work.pop();
            if (seen.put(n, true) != null) continue;
            work.addAll(n.inputs);
        }
        List<Node> out = new ArrayList<>(seen.keySet());
        out.sort((x, y) -> Integer.compare(x.id, y.id));
        return out;
    }
}
