package dev.gradc.compiler.plan;

import dev.gradc.compiler.ir.Graph;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ir.Size;
import dev.gradc.compiler.ops.Broadcast;
import dev.gradc.compiler.ops.Elementwise;
import dev.gradc.compiler.ops.Leaf;
import dev.gradc.compiler.ops.MatMul;
import dev.gradc.compiler.ops.Reshape;
import dev.gradc.runtime.internal.Storage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;

/**
 * Makes the {@link Plan} of a trained graph, in four steps, each a function below: optimizer
 * updates written in place ({@link #inPlaceUpdates}); element-wise fusion ({@link Fusion});
 * kernel order per entry point ({@link #order}); storage, with memory planning sharing buffers
 * among temporaries whose lifetimes never overlap ({@link #allocate}). Every step is linear or
 * n log n in the graph's size.
 */
public final class Planner {
    /**
     * The back end's switches: fuse element-wise chains into one loop; let temporaries share
     * buffers; split large element-wise loops across the trainer's threads; give element-wise
     * kernels a Vector API variant beside the plain one.
     */
    public record Options(boolean fusion, boolean memoryPlanning, boolean loopSplitting, boolean vectorKernels) {
        public static final Options ALL = new Options(true, true, true, true);
        public static final Options NONE = new Options(false, false, false, false);
    }

    /** Split loops at most: keeps the dispatching method far below HotSpot's 8000-byte limit. */
    static final int MAX_SPLIT_CALLS = 150;

    private final Graph graph;
    private final Options options;
    private final List<Node> live;
    private final Set<Node> roots;
    private final Map<Node, List<Node>> users = new HashMap<>();
    /** Update node to the leaf whose buffer it overwrites. */
    private final Map<Node, Node> inPlace;
    private final Map<Node, Node> fusedInto;
    /** Matrix products computed with the bias add (and ReLU) that reads them, by the kernel's root. */
    private final Map<Node, Plan.Epilogue> epilogues;
    /** Nodes a kernel computes. */
    private final Set<Node> computed = new LinkedHashSet<>();
    /** Constants and counts their readers push inline. */
    private final Set<Node> inline = new HashSet<>();
    private final Map<Node, Plan.Kernel> kernels = new LinkedHashMap<>();
    /** Each buffer's size and what it holds, by index. */
    private final List<Size> sizes = new ArrayList<>();
    private final List<Set<String>> holds = new ArrayList<>();
    /** Buffers every entry point sees the same: named values, roots, and (without memory planning) temporaries. */
    private final Map<Node, Integer> fixed = new HashMap<>();
    private final Map<String, Integer> bindings = new LinkedHashMap<>();
    private final Map<String, Node> namedLeaves = new HashMap<>();

    private Planner(Graph graph, Options options) {
        this.graph = graph;
        this.options = options;
        this.live = graph.needed(graph.allRoots());
        this.roots = new HashSet<>(graph.allRoots());
        for (Node n : graph.nodes()) if (Leaf.isNamedBuffer(n)) namedLeaves.put(Leaf.bufferName(n), n);
        for (Node n : live) for (Node in : n.inputs) users.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
        this.inPlace = inPlaceUpdates();
        Set<Node> keep = new HashSet<>(roots);
        keep.addAll(inPlace.keySet());
        this.epilogues = options.fusion() ? epilogues(keep) : Map.of();
        Set<Node> apart = new HashSet<>();
        Map<Node, Node> fused = new HashMap<>();
        epilogues.forEach((root, e) -> {
            Node add = root.op == Elementwise.RELU_OP ? root.input(0) : root;
            apart.add(root);
            apart.add(add);
            fused.put(e.product(), add);
            if (add != root) fused.put(add, root);
        });
        if (options.fusion()) fused.putAll(Fusion.plan(live, users, keep, inPlace, apart));
        this.fusedInto = fused;
    }

    public static Plan plan(Graph graph, Options options) {
        return new Planner(graph, options).build();
    }

    private Plan build() {
        classify();
        namedBuffers();
        makeKernels();
        List<String> names = new ArrayList<>();
        List<List<Node>> orders = new ArrayList<>();
        names.add("step");
        orders.add(order(graph.needed(graph.stepRoots())));
        if (!graph.accumulate().isEmpty()) {
            names.add("accumulate");
            orders.add(order(graph.needed(graph.accumulateRoots())));
            names.add("update");
            orders.add(order(graph.needed(graph.updateRoots())));
        }
        // Evaluation computes every output beside the loss: they share its forward pass, so reading
        // them after it (Trainer.evaluatedOutput) costs nothing where a second pass would cost a forward.
        List<Node> evaluated = new ArrayList<>(List.of(graph.evalLoss()));
        evaluated.addAll(graph.outputs().values());
        names.add("evaluate");
        orders.add(computedIn(graph.needed(evaluated)));
        graph.outputs().forEach((name, out) -> {
            names.add("output " + name);
            orders.add(computedIn(graph.needed(List.of(out))));
        });
        List<Size> unplanned = new ArrayList<>();
        unplanned.addAll(sizes);
        for (Node n : temporaries()) unplanned.add(n.shape.size());
        List<Map<Node, Integer>> storage = allocate(orders);
        boolean masks = !graph.nodesOf(Leaf.MASK).isEmpty();
        List<Plan.EntryPoint> entryPoints = new ArrayList<>();
        int[] splitIds = {0};
        for (int e = 0; e < names.size(); e++) {
            String name = names.get(e);
            List<Plan.Call> calls = new ArrayList<>();
            for (Node n : orders.get(e)) {
                Plan.Kernel k = kernels.get(n);
                Map<Node, Integer> where = storage.get(e);
                List<Integer> args = new ArrayList<>();
                for (Node in : k.reads()) args.add(bufferOf(in, where));
                int split = k.splits() && splitIds[0] < MAX_SPLIT_CALLS ? splitIds[0]++ : -1;
                calls.add(new Plan.Call(k, bufferOf(n, where), args, split));
            }
            Map<String, Node> updates = name.equals("step") ? graph.updates() : name.equals("accumulate") ? graph.accumulate()
                    : name.equals("update") ? graph.applyUpdates() : Map.of();
            List<Plan.Copy> copies = new ArrayList<>();
            updates.forEach((buffer, value) -> {
                int from = bufferOf(value, storage.get(0)), to = fixed.get(leafNamed(buffer));
                if (from != to) copies.add(new Plan.Copy(from, to));
            });
            if (name.equals("update")) {
                graph.applyGrads().forEach((param, value) -> {
                    int from = bufferOf(value, storage.get(0)), to = bindings.get(Storage.key("grad", param));
                    if (from != to) copies.add(new Plan.Copy(from, to));
                });
            }
            boolean training = name.equals("step") || name.equals("accumulate");
            entryPoints.add(new Plan.EntryPoint(name, masks && training, calls, copies, name.equals("update")));
        }
        List<Plan.Buffer> buffers = new ArrayList<>();
        for (int i = 0; i < sizes.size(); i++) buffers.add(new Plan.Buffer(i, sizes.get(i), String.join(", ", holds.get(i))));
        return new Plan(graph.modelName(), buffers, bindings, new ArrayList<>(kernels.values()), entryPoints, inPlace, unplanned);
    }

    /**
     * Optimizer updates written over the buffer of the leaf they update, when the update is an
     * element-wise node of the leaf's shape that nothing reads by name: then later kernels that
     * read the update (Adam's parameter update reading the new moments) find it in that buffer.
     */
    private Map<Node, Node> inPlaceUpdates() {
        Map<Node, Integer> uses = new HashMap<>();
        for (Map<String, Node> m : List.of(graph.updates(), graph.accumulate(), graph.applyUpdates())) {
            Set<Node> once = new HashSet<>(); // a value updating two buffers is not in place
            for (Node v : m.values()) if (!once.add(v)) uses.put(v, 2);
        }
        Set<Node> readByName = new HashSet<>(graph.outputs().values());
        readByName.addAll(graph.grads().values());
        readByName.addAll(graph.applyGrads().values());
        readByName.add(graph.loss());
        Map<Node, Node> out = new LinkedHashMap<>();
        graph.allUpdates().forEach((value, name) -> {
            Node target = leafNamed(name);
            boolean soleUse = uses.getOrDefault(value, 1) == 1 && !readByName.contains(value);
            if (value.op instanceof Elementwise && soleUse && value.shape.equals(target.shape)) out.put(value, target);
        });
        return out;
    }

    /**
     * {@code relu(matmul(a, b) + bias)} and {@code matmul(a, b) + bias}, bias a row of the product's
     * width: one kernel, the runtime's product with its epilogue, so the product is never stored
     * before the add reads it back. The same bits as the three kernels (one float add, then
     * {@code Math.max(0, x)}).
     */
    private Map<Node, Plan.Epilogue> epilogues(Set<Node> keep) {
        Map<Node, Plan.Epilogue> out = new LinkedHashMap<>();
        for (Node m : live) {
            if (m.op != MatMul.OP || m.shape.rank() != 2 || m.input(0).shape.rank() != 2 || m.input(1).shape.rank() != 2) continue;
            List<Node> readers = users.getOrDefault(m, List.of());
            if (keep.contains(m) || readers.size() != 1 || readers.get(0).op != Elementwise.ADD_OP) continue;
            Node add = readers.get(0);
            Node bias = add.input(0) == m ? add.input(1) : add.input(0);
            int n = m.shape.dim(1);
            boolean row = n != dev.gradc.compiler.ir.Shape.BATCH && bias != m && add.shape.equals(m.shape)
                    && (bias.shape.equals(dev.gradc.compiler.ir.Shape.of(n)) || bias.shape.equals(dev.gradc.compiler.ir.Shape.of(1, n)));
            if (!row || inPlace.containsKey(add)) continue;
            List<Node> next = users.getOrDefault(add, List.of());
            boolean relu = !keep.contains(add) && next.size() == 1 && next.get(0).op == Elementwise.RELU_OP && !inPlace.containsKey(next.get(0));
            out.put(relu ? next.get(0) : add, new Plan.Epilogue(m, bias, relu));
        }
        return out;
    }

    /** Which live nodes are computed by a kernel, read inline, or views of another's buffer. */
    private void classify() {
        for (Node n : live) {
            if (fusedInto.containsKey(n) || Leaf.isNamedBuffer(n) || n.op == Reshape.OP) continue;
            if (n.op instanceof Leaf<?> leaf && leaf.isInlineScalar() && !roots.contains(n)
                    && users.get(n).stream().allMatch(Planner::readsScalarsInline)) {
                inline.add(n);
            } else {
                computed.add(n);
            }
        }
    }

    /** Element-wise kernels push constants inline; other kernels read only arrays. */
    private static boolean readsScalarsInline(Node user) {
        return user.op instanceof Elementwise || user.op == Broadcast.OP;
    }

    /**
     * Buffers every entry point shares: each named leaf's (the host and the optimizer read them by
     * name), each root's, and gradients of parameters the loss does not depend on (zeros).
     */
    private void namedBuffers() {
        for (Node n : graph.nodes()) {
            if (Leaf.isNamedBuffer(n)) bind(n.op.name, Leaf.bufferName(n), own(n, n.op.name + " " + Leaf.bufferName(n)));
        }
        for (Node n : inPlace.keySet()) fixed.put(n, fixed.get(inPlace.get(n)));
        for (Node p : graph.nodesOf(Leaf.PARAM)) {
            String name = Leaf.bufferName(p);
            Node g = graph.grads().get(name);
            bind("grad", name, g == null ? newBuffer(p.shape.size(), "zeros: no gradient of " + name) : rootBuffer(g, "grad " + name));
        }
        // update() computes the gradients it applies into the same views (they are never live in one
        // entry point with step()'s); one that is another buffer's view is copied there instead.
        graph.applyGrads().forEach((name, u) -> {
            int grad = bindings.get(Storage.key("grad", name));
            Node v = viewOf(u);
            if (!fixed.containsKey(v) && !Leaf.isNamedBuffer(v)) {
                fixed.put(v, grad);
                holds.get(grad).add("applied grad " + name);
            } else {
                rootBuffer(u, "applied grad " + name);
            }
        });
        graph.outputs().forEach((name, n) -> bind("output", name, rootBuffer(n, "output " + name)));
        bind("loss", "", rootBuffer(graph.loss(), "loss"));
        bind("evalLoss", "", rootBuffer(graph.evalLoss(), "evalLoss"));
        graph.allUpdates().forEach((n, name) -> { if (!inPlace.containsKey(n)) rootBuffer(n, "update " + name); });
    }

    /** The buffer of a root: its own (made once), or the one it views. */
    private int rootBuffer(Node n, String holds) {
        Node v = viewOf(n);
        Integer b = fixed.get(v);
        if (b != null) {
            this.holds.get(b).add(holds);
            return b;
        }
        return own(v, holds);
    }

    private int own(Node n, String holds) {
        int b = newBuffer(n.shape.size(), holds);
        fixed.put(n, b);
        return b;
    }

    private int newBuffer(Size size, String what) {
        sizes.add(size);
        holds.add(new LinkedHashSet<>());
        if (!what.isEmpty()) holds.get(holds.size() - 1).add(what);
        return sizes.size() - 1;
    }

    private void bind(String role, String name, int buffer) {
        bindings.put(Storage.key(role, name), buffer);
    }

    /** One kernel per computed node; kernels with the same code share one method. */
    private void makeKernels() {
        Map<Node, List<Node>> fusedOf = new HashMap<>();
        for (Node n : live) if (fusedInto.containsKey(n)) fusedOf.computeIfAbsent(Fusion.rootOf(n, fusedInto), k -> new ArrayList<>()).add(n);
        Map<String, String> methodOf = new HashMap<>();
        for (Node n : computed) {
            List<Node> reads = kernelArgs(n);
            Plan.Epilogue epilogue = epilogues.get(n);
            boolean splits = options.loopSplitting() && splits(n) && epilogue == null;
            boolean pointwise = (n.op instanceof Elementwise || n.op == Broadcast.OP) && epilogue == null;
            Plan.Variant variant = options.vectorKernels() && pointwise ? Plan.Variant.VECTOR : Plan.Variant.PLAIN;
            Plan.Kernel k = new Plan.Kernel(n.id, n, fusedOf.getOrDefault(n, List.of()), reads, n.op == MatMul.OP || epilogue != null,
                    splits, variant, "", epilogue);
            String code = variant + " " + KernelKey.of(k, fusedInto.keySet(), inline);
            String method = methodOf.computeIfAbsent(code, c -> Plan.methodName(k));
            kernels.put(n, new Plan.Kernel(k.id(), n, k.fused(), reads, k.pool(), splits, k.variant(), method, epilogue));
        }
    }

    /**
     * Whether a node's loop is split across the trainer's threads: an element-wise loop over at
     * least 2^16 elements (for a batch-sized one, 2^9 per example), large enough that a part
     * outweighs waking a helper.
     */
    private static boolean splits(Node n) {
        if (!(n.op instanceof Elementwise)) return false;
        Size size = n.shape.size();
        return size.coef() >= (size.batchPower() == 0 ? 1 << 16 : 1 << 9);
    }

    /**
     * The nodes whose buffers a node's kernel reads, in order, each once: its inputs', and for a
     * fused loop those of every node computed inside it.
     */
    private List<Node> kernelArgs(Node n) {
        LinkedHashSet<Node> out = new LinkedHashSet<>();
        collectArgs(n, out);
        return new ArrayList<>(out);
    }

    private void collectArgs(Node n, Set<Node> out) {
        for (Node in : n.inputs) {
            if (fusedInto.containsKey(in)) collectArgs(in, out);
            else if (!inline.contains(in)) out.add(in);
        }
    }

    /**
     * Topological order of the kernels among {@code nodes}, smallest id first, with one extra rule:
     * an in-place update runs after every other kernel that reads the old value of the buffer it
     * overwrites (the leaf itself or a reshape of it; readers of the update node depend on it anyway).
     */
    private List<Node> order(List<Node> nodes) {
        int size = graph.nodes().size();
        boolean[] here = new boolean[size];
        for (Node n : nodes) here[n.id] = true;
        int[] waiting = new int[size];
        @SuppressWarnings("unchecked")
        List<Node>[] after = new List[size]; // by id: ids are dense
        for (Node n : nodes) {
            for (int k = 0; k < n.inputs.size(); k++) {
                Node in = n.input(k);
                if (n.inputs.indexOf(in) == k) edge(after, waiting, here, in, n); // each input once
            }
        }
        Map<Node, Node> updateOf = new HashMap<>();
        inPlace.forEach((update, leaf) -> { if (here[update.id]) updateOf.put(leaf, update); });
        for (Node reader : nodes) {
            if (!computed.contains(reader)) continue;
            // A fused loop reads its fused nodes' inputs when it runs: its arguments say what it reads.
            for (Node in : kernels.get(reader).reads()) {
                Node update = updateOf.get(viewOf(in));
                if (update != null && update != reader) edge(after, waiting, here, reader, update);
            }
        }
        PriorityQueue<Node> ready = new PriorityQueue<>((a, b) -> Integer.compare(a.id, b.id));
        for (Node n : nodes) if (waiting[n.id] == 0) ready.add(n);
        List<Node> out = new ArrayList<>();
        int scheduled = 0;
        while (!ready.isEmpty()) {
            Node n = ready.poll();
            scheduled++;
            if (computed.contains(n)) out.add(n);
            if (after[n.id] == null) continue;
            for (Node next : after[n.id]) if (--waiting[next.id] == 0) ready.add(next);
        }
        if (scheduled != nodes.size()) {
            List<Node> stuck = nodes.stream().filter(n -> waiting[n.id] > 0).toList();
            throw new IllegalStateException("in-place updates form a cycle among " + stuck + " in\n" + graph);
        }
        return out;
    }

    private static void edge(List<Node>[] after, int[] waiting, boolean[] here, Node from, Node to) {
        if (!here[from.id]) return;
        if (after[from.id] == null) after[from.id] = new ArrayList<>(2);
        after[from.id].add(to);
        waiting[to.id]++;
    }

    private List<Node> computedIn(List<Node> nodes) {
        List<Node> out = new ArrayList<>();
        for (Node n : nodes) if (computed.contains(n)) out.add(n);
        return out;
    }

    /** Computed values nothing reads by name: they live only while an entry point runs. */
    private List<Node> temporaries() {
        List<Node> out = new ArrayList<>();
        for (Node n : computed) if (!fixed.containsKey(n)) out.add(n);
        return out;
    }

    /**
     * Where each temporary lives in each entry point. Without memory planning every temporary has
     * a buffer of its own. With it, each entry point is a linear scan over its kernels: a
     * temporary lives from its kernel to the last kernel that reads it, takes a free shared buffer
     * when it starts (of the same power of batch, the smallest that holds it, else the largest,
     * which grows) and frees it after its last reader. Nothing is live between calls, so the
     * entry points share the same buffers.
     */
    private List<Map<Node, Integer>> allocate(List<List<Node>> orders) {
        List<Map<Node, Integer>> out = new ArrayList<>();
        List<Node> temps = temporaries();
        if (!options.memoryPlanning()) {
            Map<Node, Integer> own = new HashMap<>();
            for (Node t : temps) own.put(t, newBuffer(t.shape.size(), t.toString()));
            for (int e = 0; e < orders.size(); e++) out.add(own);
            return out;
        }
        Set<Node> temporary = new HashSet<>(temps);
        List<Integer> shared = new ArrayList<>(); // buffer indices of the shared slots
        for (List<Node> order : orders) {
            Map<Node, Integer> lastRead = new LinkedHashMap<>(); // in order: releases, hence slot choices, are deterministic
            for (int i = 0; i < order.size(); i++) {
                Node k = order.get(i);
                if (temporary.contains(k)) lastRead.merge(k, i, Math::max);
                for (Node a : kernels.get(k).reads()) {
                    Node v = viewOf(a);
                    if (temporary.contains(v)) lastRead.merge(v, i, Math::max);
                }
            }
            Map<Integer, List<Node>> dies = new HashMap<>();
            lastRead.forEach((t, i) -> dies.computeIfAbsent(i, x -> new ArrayList<>()).add(t));
            // Free slots by batch power, then by size: best fit in log time.
            Map<Integer, TreeMap<Long, List<Integer>>> free = new HashMap<>();
            for (int slot : shared) release(free, sizes.get(slot), slot);
            Map<Node, Integer> where = new HashMap<>();
            for (int i = 0; i < order.size(); i++) {
                Node k = order.get(i);
                if (temporary.contains(k)) {
                    int slot = take(free, k.shape.size());
                    if (slot < 0) {
                        slot = newBuffer(k.shape.size(), "");
                        shared.add(slot);
                    }
                    Size need = k.shape.size();
                    if (need.coef() > sizes.get(slot).coef()) sizes.set(slot, need);
                    holds.get(slot).add(k.toString());
                    where.put(k, slot);
                }
                for (Node t : dies.getOrDefault(i, List.of())) release(free, sizes.get(where.get(t)), where.get(t));
            }
            out.add(where);
        }
        return out;
    }

    private static void release(Map<Integer, TreeMap<Long, List<Integer>>> free, Size size, int slot) {
        free.computeIfAbsent(size.batchPower(), p -> new TreeMap<>()).computeIfAbsent(size.coef(), c -> new ArrayList<>()).add(slot);
    }

    /** A free slot for {@code size}: the smallest that holds it, else the largest; -1 when none is free. */
    private static int take(Map<Integer, TreeMap<Long, List<Integer>>> free, Size size) {
        TreeMap<Long, List<Integer>> bySize = free.get(size.batchPower());
        if (bySize == null || bySize.isEmpty()) return -1;
        Map.Entry<Long, List<Integer>> e = bySize.ceilingEntry(size.coef());
        if (e == null) e = bySize.lastEntry();
        List<Integer> slots = e.getValue();
        int slot = slots.remove(slots.size() - 1);
        if (slots.isEmpty()) bySize.remove(e.getKey());
        return slot;
    }

    /** The buffer a node's value is in, in an entry point whose temporaries live in {@code where}. */
    private int bufferOf(Node n, Map<Node, Integer> where) {
        Node v = viewOf(n);
        Integer b = fixed.get(v);
        if (b == null) b = where.get(v);
        if (b == null) throw new IllegalStateException("no buffer holds " + n + " (" + v.op.name + ")");
        return b;
    }

    private Node leafNamed(String name) {
        Node n = namedLeaves.get(name);
        if (n == null) throw new IllegalStateException("update of unknown buffer " + name);
        return n;
    }

    /** The node whose buffer {@code n} reads: through reshapes, which share their input's buffer. */
    static Node viewOf(Node n) {
        while (n.op == Reshape.OP) n = n.input(0);
        return n;
    }
}
