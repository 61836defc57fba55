package dev.gradc.compiler.plan;

import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ops.Elementwise;
import dev.gradc.compiler.ops.Reshape;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Element-wise fusion: an element-wise node whose only reader is an element-wise node of the same
 * shape is computed inside that reader's loop, into a local, instead of into a buffer of its own.
 * A chain like {@code relu(x·w + b)} and its backward then run as one loop per kernel root, reading
 * each input element once. Roots (the loss, outputs, gradients, updates) always keep their buffers.
 */
final class Fusion {
    /** Fused nodes per kernel at most: keeps every kernel method far below HotSpot's 8000-byte limit. */
    static final int MAX_NODES_PER_KERNEL = 24;

    private Fusion() {}

    /**
     * Which node each fused node is computed inside (its single reader). {@code live} in
     * topological order; {@code users} every reader of a node, once per use; {@code apart} nodes
     * another kind of kernel computes (a product's epilogue), neither fused nor fused into; {@code keep} the
     * nodes that must have buffers; {@code inPlace} each optimizer update written over a leaf's
     * buffer, with that leaf.
     */
    static Map<Node, Node> plan(List<Node> live, Map<Node, List<Node>> users, Set<Node> keep, Map<Node, Node> inPlace, Set<Node> apart) {
        Map<Node, Node> updateOf = new HashMap<>();
        inPlace.forEach((update, leaf) -> updateOf.put(leaf, update));
        Map<Node, Node> fusedInto = new HashMap<>();
        Map<Node, Integer> kernelSize = new HashMap<>();
        // Readers before producers, so a reader's own kernel root is known when its inputs are decided.
        for (int i = live.size() - 1; i >= 0; i--) {
            Node n = live.get(i);
            List<Node> readers = users.getOrDefault(n, List.of());
            if (!(n.op instanceof Elementwise) || keep.contains(n) || apart.contains(n) || readers.size() != 1) continue;
            Node reader = readers.get(0);
            if (!(reader.op instanceof Elementwise) || apart.contains(reader) || !reader.shape.equals(n.shape)) continue;
            Node root = rootOf(reader, fusedInto);
            if (readsOverwrittenLeaf(n, root, updateOf)) continue;
            int size = kernelSize.getOrDefault(root, 1);
            if (size >= MAX_NODES_PER_KERNEL) continue;
            kernelSize.put(root, size + 1);
            fusedInto.put(n, reader);
        }
        return fusedInto;
    }

    /**
     * Whether {@code n} reads the old value of a leaf that an optimizer update other than
     * {@code root} overwrites in place. Fused, that read would move to when {@code root} runs,
     * which may be after the overwrite, and two such reads can even demand opposite orders
     * ({@code p1 -= lr*p2; p2 -= lr*p1}). An update reading its own target in its own loop is
     * fine: each element is read before it is written.
     */
    private static boolean readsOverwrittenLeaf(Node n, Node root, Map<Node, Node> updateOf) {
        for (Node in : n.inputs) {
            while (in.op == Reshape.OP) in = in.input(0);
            Node update = updateOf.get(in);
            if (update != null && update != root) return true;
        }
        return false;
    }

    static Node rootOf(Node n, Map<Node, Node> fusedInto) {
        while (fusedInto.containsKey(n)) n = fusedInto.get(n);
        return n;
    }
}
