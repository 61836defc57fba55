package dev.gradc.compiler.plan;

import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ir.Shape;
import dev.gradc.compiler.ops.Leaf;
import java.util.List;
import java.util.Set;

/**
 * The code of a kernel as text, from everything its lowering reads: each computed node's op,
 * attribute and shape, where each of its inputs comes from (a fused node, an argument of a given
 * shape, an inline constant or count), whether it takes the pool or splits, and its source line.
 * Two kernels with the same key compile to the same method, which they then share: an unrolled loop
 * or a stack of equal layers gets one method per distinct kernel (fewer methods to JIT-compile,
 * and a class that stays within the class-file limits for thousands of parameters).
 */
final class KernelKey {
    private KernelKey() {}

    static String of(Plan.Kernel k, Set<Node> fused, Set<Node> inline) {
        StringBuilder key = new StringBuilder();
        key.append(k.pool() ? "pool " : "").append(k.splits() ? "split " : "").append("line ").append(k.root().pos.line()).append(": ");
        describe(k.root(), k.reads(), fused, inline, k.flat() ? k.root().shape : null, key);
        return key.toString();
    }

    /** {@code flat}: the output's shape of a flat kernel, whose length is an argument (written {@code [n]}), else null. */
    private static void describe(Node n, List<Node> reads, Set<Node> fused, Set<Node> inline, Shape flat, StringBuilder key) {
        key.append(n.op.name).append(n.op.attrText(n.attr)).append(shape(n.shape, flat)).append('(');
        for (Node in : n.inputs) {
            if (fused.contains(in)) {
                describe(in, reads, fused, inline, flat, key);
            } else if (inline.contains(in)) {
                key.append(in.op.name).append(((Leaf<?>) in.op).attrText(in.attr));
            } else {
                key.append('a').append(reads.indexOf(in)).append(shape(in.shape, flat));
            }
            key.append(',');
        }
        key.append(')');
    }

    private static String shape(Shape s, Shape flat) {
        return s.equals(flat) ? "[n]" : s.toString();
    }
}
