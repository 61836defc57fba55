package dev.gradc.compiler.emit;

import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ir.Size;
import dev.gradc.compiler.ops.Reshape;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Memory planning: temporaries (values no caller reads by name) share buffers when their
 * lifetimes never overlap. A temporary lives from its kernel to the last kernel that reads it, in
 * every entry point (step, accumulate, update, evaluation, each output) that computes it; two
 * that are live at the same kernel, in any entry point, interfere. Each temporary takes the first
 * slot none of its interferers holds, among slots with the same power of the batch in their size;
 * a slot is as large as its largest member. Nothing is live between calls, so entry points do not
 * constrain each other.
 */
final class MemoryPlan {
    /** One shared buffer: its size and the temporaries in it. */
    record Slot(Size size, List<Node> members) {}

    final Map<Node, Slot> slotOf = new LinkedHashMap<>();
    final List<Slot> slots = new ArrayList<>();

    /**
     * Plans {@code temporaries} over the kernel orders of every entry point; {@code args} gives
     * the buffers a kernel reads.
     */
    MemoryPlan(Collection<Node> temporaries, Collection<List<Node>> entryPoints, Function<Node, List<Node>> args) {
        Set<Node> temps = new HashSet<>(temporaries);
        Map<Node, Set<Node>> interferes = new HashMap<>();
        for (Node t : temporaries) interferes.put(t, new HashSet<>());
        for (List<Node> order : entryPoints) {
            Map<Node, Integer> first = new HashMap<>(), last = new HashMap<>();
            for (int i = 0; i < order.size(); i++) {
                Node k = order.get(i);
                if (temps.contains(k)) {
                    first.putIfAbsent(k, i);
                    last.merge(k, i, Math::max);
                }
                for (Node a : args.apply(k)) {
                    Node buffer = viewOf(a);
                    if (temps.contains(buffer)) last.merge(buffer, i, Math::max);
                }
            }
            List<Node> live = new ArrayList<>(first.keySet());
            for (int x = 0; x < live.size(); x++) {
                for (int y = x + 1; y < live.size(); y++) {
                    Node a = live.get(x), b = live.get(y);
                    if (first.get(a) <= last.get(b) && first.get(b) <= last.get(a)) {
                        interferes.get(a).add(b);
                        interferes.get(b).add(a);
                    }
                }
            }
        }
        // Largest first, so big temporaries claim slots and small ones fill in beside them.
        List<Node> bySize = new ArrayList<>(temporaries);
        bySize.sort((a, b) -> {
            int byPower = Integer.compare(b.shape.size().batchPower(), a.shape.size().batchPower());
            if (byPower != 0) return byPower;
            int byCoef = Long.compare(b.shape.size().coef(), a.shape.size().coef());
            return byCoef != 0 ? byCoef : Integer.compare(a.id, b.id);
        });
        for (Node t : bySize) {
            Slot chosen = null;
            for (Slot s : slots) {
                if (s.size().batchPower() != t.shape.size().batchPower()) continue;
                if (s.members().stream().noneMatch(interferes.get(t)::contains)) {
                    chosen = s;
                    break;
                }
            }
            if (chosen == null) {
                chosen = new Slot(t.shape.size(), new ArrayList<>());
                slots.add(chosen);
            }
            chosen.members().add(t);
            slotOf.put(t, chosen);
        }
    }

    static Node viewOf(Node n) {
        while (n.op == Reshape.OP) n = n.input(0);
        return n;
    }
}
