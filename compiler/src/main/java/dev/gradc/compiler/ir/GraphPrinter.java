package dev.gradc.compiler.ir;

import java.util.Map;

/**
 * The IR's text form: one typed binding per line, then the roles. Only nodes some role needs are
 * printed. Example: {@code %4:[batch, 16] = add %2 %3    # 13:40}.
 */
public final class GraphPrinter {
    private GraphPrinter() {}

    public static String print(Graph g) {
        StringBuilder out = new StringBuilder();
        out.append("graph ").append(g.modelName()).append(" {\n");
        for (Node n : g.needed(g.allRoots())) {
            StringBuilder line = new StringBuilder("  ");
            line.append(n).append(':').append(n.shape).append(" = ").append(n.op.name).append(n.op.attrText(n.attr));
            for (Node in : n.inputs) line.append(' ').append(in);
            if (n.pos.line() > 0) {
                while (line.length() < 48) line.append(' ');
                line.append("  # ").append(n.pos);
            }
            out.append(line).append('\n');
        }
        if (g.loss() != null) out.append("  loss = ").append(g.loss()).append('\n');
        if (g.evalLoss() != null && g.evalLoss() != g.loss()) out.append("  evalLoss = ").append(g.evalLoss()).append('\n');
        roles(out, "output", g.outputs());
        roles(out, "grad", g.grads());
        roles(out, "update", g.updates());
        roles(out, "accumulate", g.accumulate());
        roles(out, "apply", g.applyUpdates());
        roles(out, "applied grad", g.applyGrads());
        if (g.roles().minBatch() > 1) out.append("  minBatch = ").append(g.roles().minBatch()).append('\n');
        return out.append("}\n").toString();
    }

    private static void roles(StringBuilder out, String role, Map<String, Node> nodes) {
        nodes.forEach((name, n) -> out.append("  ").append(role).append(' ').append(name).append(" = ").append(n).append('\n'));
    }
}
