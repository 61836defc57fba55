package dev.gradc.compiler.plan;

import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ir.Size;
import dev.gradc.compiler.ops.Elementwise;
import dev.gradc.compiler.ops.Leaf;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How a trained graph runs: its buffers (each one array of the generated class), its kernels (one
 * loop nest each, with the element-wise nodes fused into it), and its entry points ({@code step},
 * {@code accumulate}, {@code update}, {@code evaluate}, one per output), each a sequence of kernel
 * calls on given buffers followed by the updates that are copied rather than written in place. The
 * {@link Planner} makes it; the code generator reads nothing else of the graph.
 */
public record Plan(
        String modelName,
        List<Buffer> buffers,
        Map<String, Integer> bindings,
        List<Kernel> kernels,
        List<EntryPoint> entryPoints,
        Map<Node, Node> inPlace,
        List<Size> unplanned) {

    /**
     * How a kernel runs: PLAIN, scalar loops only; VECTOR, also a Vector API variant, which the
     * generated class runs where the JVM has the module and the kernel's operations and layout
     * allow (float32), with the same results.
     */
    public enum Variant { PLAIN, VECTOR }

    /** One array, of {@code size} elements at the maximum batch; {@code holds} says what lives in it. */
    public record Buffer(int index, Size size, String holds) {}

    /**
     * The loop nest computing {@code root}, with {@code fused} (element-wise nodes computed inside
     * its loop, producers first) and {@code reads} (the nodes whose buffers it reads, in argument
     * order). {@code method} names the generated method: kernels with the same code share one.
     * {@code pool}: it takes the trainer's thread pool (a matrix product); {@code splits}: its
     * outer loop is split across the pool's threads.
     */
    public record Kernel(int id, Node root, List<Node> fused, List<Node> reads, boolean pool, boolean splits,
                         Variant variant, String method, Epilogue epilogue) {
        public Kernel {
            fused = List.copyOf(fused);
            reads = List.copyOf(reads);
        }

        /**
         * Whether the kernel is one element-wise loop over its output, reading every buffer element
         * for element (the output's shape) or one value throughout: its code is then the same at
         * every length, which its call passes where others pass the batch, so kernels that differ
         * only in length (the optimizer's updates of each parameter) share a method. Not where it
         * divides by a count of the batch (a mean's gradient): that count reads the batch argument.
         */
        public boolean flat() {
            if (!(root.op instanceof Elementwise<?>) || pool || epilogue != null || root.shape.rank() == 0) return false;
            for (Node f : fused) if (!f.shape.equals(root.shape)) return false;
            for (Node r : reads) if (!r.shape.equals(root.shape) && !r.shape.size().equals(Size.ONE)) return false;
            List<Node> computed = new ArrayList<>(fused);
            computed.add(root);
            for (Node n : computed) {
                for (Node in : n.inputs) if (in.op == Leaf.COUNT && !Leaf.COUNT.attr(in).size().isConstant()) return false;
            }
            return true;
        }
    }

    /**
     * A matrix product whose kernel also adds a bias row and applies ReLU to each output tile
     * before storing it ({@code root} is the add, or the ReLU of it): the product and the add are
     * the kernel's fused nodes, {@code bias} one of its reads.
     */
    public record Epilogue(Node product, Node bias, boolean relu) {}

    /**
     * A kernel run on particular buffers: its output and one per read. {@code splitId} is its index
     * among the class's split loops, or -1 when it runs whole on the caller.
     */
    public record Call(Kernel kernel, int out, List<Integer> args, int splitId) {
        public Call {
            args = List.copyOf(args);
        }
    }

    /** {@code System.arraycopy} of a whole buffer: an update that could not be written in place. */
    public record Copy(int from, int to) {}

    /**
     * One method of the trainer: {@code step}, {@code accumulate}, {@code update}, {@code evaluate}
     * or {@code output <name>}. Masks are drawn first when {@code drawsMasks}; accumulators are
     * zeroed last when {@code clearsAccumulators}.
     */
    public record EntryPoint(String name, boolean drawsMasks, List<Call> calls, List<Copy> copies, boolean clearsAccumulators) {
        public EntryPoint {
            calls = List.copyOf(calls);
            copies = List.copyOf(copies);
        }
    }

    public Plan {
        buffers = List.copyOf(buffers);
        bindings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(bindings));
        kernels = List.copyOf(kernels);
        entryPoints = List.copyOf(entryPoints);
        inPlace = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(inPlace));
        unplanned = List.copyOf(unplanned);
    }

    public EntryPoint entryPoint(String name) {
        for (EntryPoint e : entryPoints) if (e.name().equals(name)) return e;
        throw new IllegalArgumentException("no entry point " + name);
    }

    /** Kernels whose method they run themselves (not another kernel's with the same code), in order. */
    public List<Kernel> methods() {
        Map<String, Kernel> first = new LinkedHashMap<>();
        for (Kernel k : kernels) first.putIfAbsent(k.method(), k);
        return new ArrayList<>(first.values());
    }

    /** Every call of a split loop, by split id. */
    public List<Call> splitCalls() {
        List<Call> out = new ArrayList<>();
        for (EntryPoint e : entryPoints) for (Call c : e.calls()) if (c.splitId() >= 0) out.add(c);
        out.sort((a, b) -> Integer.compare(a.splitId(), b.splitId()));
        return out;
    }

    /** Bytes of every buffer at {@code batch}, and as they would be without memory planning. */
    public long bytes(int batch, int elementBytes) {
        long total = 0;
        for (Buffer b : buffers) total += b.size().at(batch) * elementBytes;
        return total;
    }

    public long unplannedBytes(int batch, int elementBytes) {
        long total = 0;
        for (Size s : unplanned) total += s.at(batch) * elementBytes;
        return total;
    }

    /**
     * The plan as text: buffers, kernels (with their fused nodes and the source position of their
     * root), then each entry point's calls as {@code kN bOut <- bIn...}.
     */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("plan ").append(modelName).append(" {\n");
        out.append("  buffers (").append(buffers.size()).append(", ").append(unplanned.size()).append(" without memory planning)\n");
        for (Buffer b : buffers) out.append(String.format(Locale.ROOT, "    b%-4d %-12s %s%n", b.index(), b.size(), b.holds()));
        out.append("  kernels (").append(kernels.size()).append(", ").append(methods().size()).append(" methods)\n");
        for (Kernel k : kernels) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "    k%-4d %s = %s%s", k.id(), k.root(),
                    k.root().op.name, k.root().op.attrText(k.root().attr)));
            if (!k.fused().isEmpty()) {
                line.append(" [");
                for (int i = 0; i < k.fused().size(); i++) {
                    Node f = k.fused().get(i);
                    line.append(i > 0 ? " " : "").append(f).append(' ').append(f.op.name);
                }
                line.append(']');
            }
            if (k.epilogue() != null) line.append(" epilogue");
            if (k.splits()) line.append(" split");
            if (k.variant() == Variant.VECTOR) line.append(" vector");
            if (!k.method().equals(methodName(k))) line.append(" (code of ").append(k.method()).append(')');
            if (k.root().pos.line() > 0) {
                while (line.length() < 56) line.append(' ');
                line.append("  # ").append(k.root().pos);
            }
            out.append(line).append('\n');
        }
        if (!inPlace.isEmpty()) {
            out.append("  in place:");
            inPlace.forEach((update, leaf) -> out.append(' ').append(update).append("->").append(leaf));
            out.append('\n');
        }
        for (EntryPoint e : entryPoints) {
            out.append("  ").append(e.name()).append(':');
            if (e.drawsMasks()) out.append(" draw masks;");
            for (Call c : e.calls()) {
                out.append(" k").append(c.kernel().id()).append(" b").append(c.out());
                if (!c.args().isEmpty()) {
                    out.append(" <-");
                    for (int a : c.args()) out.append(" b").append(a);
                }
                out.append(';');
            }
            for (Copy c : e.copies()) out.append(" copy b").append(c.from()).append(" to b").append(c.to()).append(';');
            if (e.clearsAccumulators()) out.append(" zero accumulators;");
            out.setLength(out.length() - 1);
            out.append('\n');
        }
        return out.append("}\n").toString();
    }

    /** The name a kernel's method takes when it is the first with its code. */
    static String methodName(Kernel k) {
        return "k" + k.id() + "_" + k.root().op.name;
    }
}
