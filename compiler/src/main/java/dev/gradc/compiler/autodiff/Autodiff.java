package dev.gradc.compiler.autodiff;

import dev.gradc.compiler.ir.Graph;
import dev.gradc.compiler.ir.GraphBuilder;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ops.Leaf;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reverse-mode differentiation as a graph-to-graph transformation: walks the forward graph from the
 * loss backwards, applies each op's vector-Jacobian product (ordinary IR), sums contributions where
 * a value fans out, and sums broadcast gradients back to each input's shape. Appends the backward
 * nodes to the builder and records one gradient per parameter the loss depends on.
 */
public final class Autodiff {
    private Autodiff() {}

    public static void differentiate(GraphBuilder b) {
        Graph forward = b.graph();
        Node loss = forward.loss();
        List<Node> needed = forward.needed(List.of(loss));
        boolean[] dependsOnParam = new boolean[forward.nodes().size()];
        for (Node n : needed) {
            dependsOnParam[n.id] = n.op == Leaf.PARAM || n.inputs.stream().anyMatch(in -> dependsOnParam[in.id]);
        }

        Map<Node, Node> grads = new HashMap<>();
        b.at(loss.pos);
        grads.put(loss, b.constant(1));
        for (int i = needed.size() - 1; i >= 0; i--) {
            Node node = needed.get(i);
            Node g = grads.get(node);
            if (g == null || node.inputs.isEmpty() || !dependsOnParam[node.id]) continue;
            b.at(node.pos);
            List<Node> inputGrads = node.op.vjp(b, node, g);
            for (int k = 0; k < node.inputs.size(); k++) {
                Node in = node.input(k);
                Node contribution = inputGrads.get(k);
                if (contribution == null || !dependsOnParam[in.id]) continue;
                contribution = b.sumTo(contribution, in.shape);
                Node sum = grads.get(in);
                grads.put(in, sum == null ? contribution : b.add(sum, contribution));
            }
        }
        for (Node param : forward.nodesOf(Leaf.PARAM)) {
            Node g = grads.get(param);
            if (g != null) b.grads.put((String) param.attr, g);
        }
    }
}
