package dev.gradc.compiler.ir;

import java.util.List;
import java.util.Map;

/**
 * A graph as Graphviz DOT, the picture micrograd's {@code draw_dot} gives: one box per node needed
 * by a role (op, attribute, shape, source position), an arrow from each operand, and the roles
 * (loss, outputs, gradients, updates) as ovals. Given the kernels of a plan, the nodes fused into
 * one kernel are drawn in one cluster. {@code dot -Tpng} renders it.
 */
public final class DotPrinter {
    private DotPrinter() {}

    /** {@code kernels}: each kernel's nodes, root last (empty for none). */
    public static String print(Graph g, Map<String, List<Node>> kernels) {
        StringBuilder out = new StringBuilder("digraph \"").append(escape(g.modelName())).append("\" {\n");
        out.append("  rankdir=LR;\n  node [shape=box, fontname=\"monospace\", fontsize=10];\n");
        List<Node> needed = g.needed(g.allRoots());
        java.util.Set<Node> clustered = new java.util.HashSet<>();
        kernels.forEach((name, nodes) -> {
            if (nodes.size() < 2) return;
            out.append("  subgraph \"cluster_").append(escape(name)).append("\" {\n    label=\"").append(escape(name))
                    .append("\"; style=rounded; color=gray;\n");
            for (Node n : nodes) {
                out.append("    ").append(node(n)).append('\n');
                clustered.add(n);
            }
            out.append("  }\n");
        });
        for (Node n : needed) if (!clustered.contains(n)) out.append("  ").append(node(n)).append('\n');
        for (Node n : needed) {
            for (Node in : n.inputs) out.append("  n").append(in.id).append(" -> n").append(n.id).append(";\n");
        }
        if (g.loss() != null) role(out, "loss", g.loss());
        g.outputs().forEach((name, n) -> role(out, "output " + name, n));
        g.grads().forEach((name, n) -> role(out, "grad " + name, n));
        g.updates().forEach((name, n) -> role(out, "update " + name, n));
        return out.append("}\n").toString();
    }

    private static String node(Node n) {
        String label = n + " " + n.op.name + n.op.attrText(n.attr) + "\\n" + n.shape + (n.pos.line() > 0 ? "\\nline " + n.pos : "");
        return "n" + n.id + " [label=\"" + escape(label).replace("\\\\n", "\\n") + "\"];";
    }

    private static void role(StringBuilder out, String role, Node n) {
        String id = "r" + Integer.toHexString(role.hashCode()) + "_" + n.id;
        out.append("  ").append(id).append(" [shape=oval, label=\"").append(escape(role)).append("\"];\n");
        out.append("  n").append(n.id).append(" -> ").append(id).append(" [style=dashed];\n");
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
