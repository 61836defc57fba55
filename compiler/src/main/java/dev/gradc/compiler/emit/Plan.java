package dev.gradc.compiler.emit;

import dev.gradc.compiler.ir.Graph;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ir.Size;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The printed form of code generation's decisions: the step's kernels with what each fuses, and the buffers memory planning made. */
public final class Plan {
    private Plan() {}

    /** {@code optimize} as the compilation had it; sizes at {@code batch}, {@code elementBytes} each. */
    public static String describe(Graph graph, boolean optimize, int batch, int elementBytes) {
        Schedule s = new Schedule(graph, optimize);
        StringBuilder out = new StringBuilder();
        out.append("step: ").append(s.step.size()).append(" kernels (fused nodes in brackets)\n");
        for (Node k : s.step) {
            List<Node> fused = new ArrayList<>();
            for (Node n : graph.nodes()) if (s.fusedInto.containsKey(n) && Fusion.rootOf(n, s.fusedInto) == k) fused.add(n);
            out.append(String.format(Locale.ROOT, "  %-6s %-14s", k, k.op.name + (k.attr != null && k.op.attrText(k.attr).length() < 8 ? k.op.attrText(k.attr) : "")));
            if (!fused.isEmpty()) {
                out.append(" [");
                for (int i = 0; i < fused.size(); i++) out.append(i > 0 ? " " : "").append(fused.get(i)).append(' ').append(fused.get(i).op.name);
                out.append(']');
            }
            out.append('\n');
        }
        long planned = bytes(s.buffers, batch, elementBytes), unplanned = bytes(s.unplannedBuffers, batch, elementBytes);
        out.append(String.format(Locale.ROOT, "buffers: %d arrays, %,d bytes at batch %d; without planning %d arrays, %,d bytes%n",
                s.buffers.size(), planned, batch, s.unplannedBuffers.size(), unplanned));
        if (s.plan != null) {
            int shared = 0;
            for (MemoryPlan.Slot slot : s.plan.slots) if (slot.members().size() > 1) shared++;
            out.append(String.format(Locale.ROOT, "  %d temporaries in %d shared buffers (%d holding more than one)%n",
                    s.plan.slotOf.size(), s.plan.slots.size(), shared));
        }
        return out.toString();
    }

    private static long bytes(List<Schedule.Buffer> buffers, int batch, int elementBytes) {
        long total = 0;
        for (Schedule.Buffer b : buffers) total += size(b.size(), batch) * elementBytes;
        return total;
    }

    private static long size(Size s, int batch) {
        long n = s.coef();
        for (int i = 0; i < s.batchPower(); i++) n *= batch;
        return n;
    }
}
