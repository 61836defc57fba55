package dev.gradc.compiler.emit;

import dev.gradc.compiler.ir.Graph;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ir.Size;
import dev.gradc.compiler.ops.Elementwise;
import dev.gradc.compiler.ops.Leaf;
import dev.gradc.compiler.ops.Reshape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Where every value lives and in which order kernels run. Inputs, parameters, hyper-parameters and
 * optimizer state are buffers of their own; constants and counts are pushed inline by the kernels
 * that read them; a reshape shares its input's buffer; an optimizer update writes its parameter's
 * (or state's) buffer in place, scheduled after the last kernel that reads the old value, so that
 * later kernels reading the update node (say Adam's parameter update reading the new moments) see
 * the new value in the same buffer. Everything else gets its own buffer (no reuse yet: that is
 * memory planning's job).
 */
final class Schedule {
    /** A buffer: one field of the generated class, allocated for the largest batch. */
    record Buffer(String field, Size size) {}

    final Graph graph;
    final Map<Node, Buffer> storage = new LinkedHashMap<>();
    final List<Buffer> buffers = new ArrayList<>();
    /** Nodes that run a kernel, by id. */
    final Set<Node> computed = new HashSet<>();
    /** Element-wise nodes computed inside their single reader's loop (see {@link Fusion}). */
    final Map<Node, Node> fusedInto;
    final List<Node> step;
    /** Kernels of accumulate() and of update(), for gradient accumulation. */
    final List<Node> accumulate, update;
    /** Kernels of the loss with dropout off, for evaluateLoss(). */
    final List<Node> evaluate;
    final Map<String, List<Node>> outputs = new LinkedHashMap<>();

    Schedule(Graph graph, boolean fusion) {
        this(graph, fusion, fusion);
    }

    Schedule(Graph graph, boolean fusion, boolean planMemory) {
        this.graph = graph;
        List<Node> live = graph.needed(graph.allRoots());
        Set<Node> roots = new HashSet<>(graph.allRoots());
        Map<Node, List<Node>> users = new HashMap<>();
        for (Node n : live) for (Node in : n.inputs) users.computeIfAbsent(in, k -> new ArrayList<>()).add(n);

        Map<Node, Node> inPlace = new HashMap<>(); // update node -> the leaf it overwrites
        Map<Node, String> allUpdates = graph.allUpdates();
        for (Map.Entry<Node, String> u : allUpdates.entrySet()) {
            Node target = leafNamed(u.getValue());
            Node value = u.getKey();
            // Readers of the update node are fine: they run after it and read the new value in
            // place. A value that is also a root keeps its own buffer, since it is read by name.
            boolean soleUse = graph.updates().values().stream().filter(v -> v == value).count() <= 1
                    && graph.accumulate().values().stream().filter(v -> v == value).count() <= 1
                    && graph.applyUpdates().values().stream().filter(v -> v == value).count() <= 1
                    && !graph.outputs().containsValue(value) && !graph.grads().containsValue(value)
                    && value != graph.loss();
            if (value.op instanceof Elementwise && soleUse && value.shape.equals(target.shape)) inPlace.put(value, target);
        }

        Set<Node> keep = new HashSet<>(roots);
        keep.addAll(inPlace.keySet());
        this.fusedInto = fusion ? Fusion.plan(live, users, keep, inPlace) : Map.of();

        for (Node n : graph.nodes()) {
            if (Leaf.isNamedBuffer(n)) own(n, n.op.name + "_" + fieldSafe(Leaf.bufferName(n)));
        }
        for (Node n : live) {
            if (fusedInto.containsKey(n)) {
                // computed inside its reader's kernel
            } else if (storage.containsKey(n)) {
                // a leaf buffer
            } else if (n.op instanceof Leaf leaf && leaf.isInlineScalar() && !roots.contains(n)
                    && users.get(n).stream().allMatch(Schedule::readsScalarsInline)) {
                // pushed inline by its readers
            } else if (n.op == Reshape.OP) {
                storage.put(n, storage.get(n.input(0)));
            } else if (inPlace.containsKey(n)) {
                storage.put(n, storage.get(inPlace.get(n)));
                computed.add(n);
            } else {
                own(n, "t" + n.id + "_" + n.op.name);
                computed.add(n);
            }
        }
        this.step = order(graph.needed(graph.stepRoots()), inPlace);
        this.accumulate = order(graph.needed(graph.accumulateRoots()), inPlace);
        this.update = order(graph.needed(graph.updateRoots()), inPlace);
        this.evaluate = kernels(graph.needed(List.of(graph.evalLoss())));
        graph.outputs().forEach((name, out) -> outputs.put(name, kernels(graph.needed(List.of(out)))));
        this.unplannedBuffers = List.copyOf(buffers);
        if (planMemory) share(live, roots, inPlace);
    }

    /** Every buffer as it would be without memory planning, for reporting what planning saved. */
    final List<Buffer> unplannedBuffers;
    MemoryPlan plan;

    /** Puts temporaries whose lifetimes never overlap into shared buffers (see {@link MemoryPlan}). */
    private void share(List<Node> live, Set<Node> roots, Map<Node, Node> inPlace) {
        // A root read by name may be a reshape: the buffer it views is not a temporary either.
        Set<Node> named = new HashSet<>();
        for (Node r : roots) named.add(viewOf(r));
        List<Node> temporaries = new ArrayList<>();
        for (Node n : live) {
            if (computed.contains(n) && !named.contains(n) && !inPlace.containsKey(n)) temporaries.add(n);
        }
        List<List<Node>> entryPoints = new ArrayList<>(List.of(step, accumulate, update, evaluate));
        entryPoints.addAll(outputs.values());
        plan = new MemoryPlan(temporaries, entryPoints, this::kernelArgs);
        Set<Buffer> replaced = new HashSet<>();
        for (Node t : temporaries) replaced.add(storage.get(t));
        buffers.removeAll(replaced);
        for (int i = 0; i < plan.slots.size(); i++) {
            MemoryPlan.Slot slot = plan.slots.get(i);
            Buffer b = new Buffer("s" + i, slot.size());
            buffers.add(b);
            for (Node member : slot.members()) storage.put(member, b);
        }
        for (Node n : live) {
            if (n.op == Reshape.OP && storage.containsKey(n)) storage.put(n, storage.get(n.input(0)));
        }
    }

    /** Element-wise kernels push constants inline; other kernels read only arrays. */
    static boolean readsScalarsInline(Node user) {
        return user.op instanceof Elementwise || user.op == dev.gradc.compiler.ops.Broadcast.OP;
    }

    /** A constant or count its readers push as an instruction: neither a buffer nor a fused node. */
    boolean isInline(Node n) {
        return !storage.containsKey(n) && !fusedInto.containsKey(n);
    }

    /**
     * The buffers a node's kernel reads, in order, each once: its inputs' buffers, and for a
     * fused loop those of every node computed inside it.
     */
    List<Node> kernelArgs(Node n) {
        java.util.LinkedHashSet<Node> out = new java.util.LinkedHashSet<>();
        collectArgs(n, out);
        return new ArrayList<>(out);
    }

    private void collectArgs(Node n, Set<Node> out) {
        for (Node in : n.inputs) {
            if (fusedInto.containsKey(in)) collectArgs(in, out);
            else if (storage.containsKey(in)) out.add(in);
        }
    }

    /** Updates not done in place: copied from their own buffer into the target's at the end of the step. */
    Map<Node, Node> copiedUpdates(Map<String, Node> updates) {
        Map<Node, Node> out = new LinkedHashMap<>();
        updates.forEach((name, value) -> {
            Node target = leafNamed(name);
            if (storage.get(value) != storage.get(target)) out.put(value, target);
        });
        return out;
    }

    private void own(Node n, String field) {
        Buffer b = new Buffer(field, n.shape.size());
        storage.put(n, b);
        buffers.add(b);
    }

    private Node leafNamed(String name) {
        for (Node n : graph.nodes()) {
            if (Leaf.isNamedBuffer(n) && Leaf.bufferName(n).equals(name)) return n;
        }
        throw new IllegalStateException("update of unknown buffer " + name);
    }

    private List<Node> kernels(List<Node> nodes) {
        List<Node> out = new ArrayList<>();
        for (Node n : nodes) if (computed.contains(n)) out.add(n);
        return out;
    }

    /**
     * Topological order, smallest id first, with one extra rule: an in-place update runs after
     * every other kernel that reads the old value of the buffer it overwrites (the leaf itself or
     * a reshape of it; readers of the update node depend on it anyway).
     */
    private List<Node> order(List<Node> nodes, Map<Node, Node> inPlace) {
        Map<Node, List<Node>> after = new HashMap<>();
        Map<Node, Integer> waiting = new HashMap<>();
        for (Node n : nodes) {
            waiting.put(n, 0);
            for (Node in : new HashSet<>(n.inputs)) edge(after, waiting, in, n);
        }
        for (Map.Entry<Node, Node> e : inPlace.entrySet()) {
            Node leaf = e.getValue();
            for (Node reader : nodes) {
                if (reader == e.getKey() || !computed.contains(reader)) continue;
                // A fused loop reads its fused nodes' inputs when it runs: its arguments say what it reads.
                boolean reads = kernelArgs(reader).stream().anyMatch(in -> viewOf(in) == leaf);
                if (reads && nodes.contains(e.getKey())) edge(after, waiting, reader, e.getKey());
            }
        }
        PriorityQueue<Node> ready = new PriorityQueue<>((a, b) -> Integer.compare(a.id, b.id));
        for (Node n : nodes) if (waiting.get(n) == 0) ready.add(n);
        List<Node> out = new ArrayList<>();
        int scheduled = 0;
        while (!ready.isEmpty()) {
            Node n = ready.poll();
            scheduled++;
            if (computed.contains(n)) out.add(n);
            for (Node next : after.getOrDefault(n, List.of())) {
                if (waiting.merge(next, -1, Integer::sum) == 0) ready.add(next);
            }
        }
        if (scheduled != nodes.size()) {
            List<Node> stuck = nodes.stream().filter(n -> waiting.get(n) > 0).toList();
            throw new IllegalStateException("in-place updates form a cycle among " + stuck + " in\n" + graph);
        }
        return out;
    }

    /** A buffer name as a field name: {@code w1.momentum} and {@code w[0]} hold characters a JVM field name may not. */
    private static String fieldSafe(String name) {
        return name.replaceAll("[.;\\[\\]/]", "\\$");
    }

    /** The node whose buffer {@code n} reads: through reshapes, which share their input's buffer. */
    private static Node viewOf(Node n) {
        while (n.op == Reshape.OP) n = n.input(0);
        return n;
    }

    private static void edge(Map<Node, List<Node>> after, Map<Node, Integer> waiting, Node from, Node to) {
        if (!waiting.containsKey(from)) return;
        after.computeIfAbsent(from, k -> new ArrayList<>()).add(to);
        waiting.merge(to, 1, Integer::sum);
    }
}
