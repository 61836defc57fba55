package dev.gradc.dsl;

import java.util.stream.Collectors;

/** The elaborated expression as text: {@code add(matmul(x, w1), b1)}; numbers as written by Java. */
public final class ExprPrinter {
    private ExprPrinter() {}

    public static String print(Expr e) {
        if (e instanceof Expr.Num n) return n.integral() ? Long.toString((long) n.value()) : Double.toString(n.value());
        if (e instanceof Expr.Batch) return "batch";
        if (e instanceof Expr.Bool b) return Boolean.toString(b.value());
        if (e instanceof Expr.InputRef r) return r.name();
        if (e instanceof Expr.ParamRef r) return r.name();
        Expr.Call c = (Expr.Call) e;
        return c.function() + "(" + c.args().stream().map(ExprPrinter::print).collect(Collectors.joining(", ")) + ")";
    }

    /** The whole model: declarations, then the loss and each output. */
    public static String print(Model m) {
        StringBuilder out = new StringBuilder("model ").append(m.name()).append('\n');
        for (Model.Constant c : m.constants()) {
            out.append("  const ").append(c.name()).append(" = ").append(c.integral() ? Long.toString((long) c.value()) : Double.toString(c.value())).append('\n');
        }
        for (Model.InputDecl in : m.inputs()) out.append("  input ").append(in.name()).append(' ').append(in.shape()).append('\n');
        for (Model.ParamDecl p : m.params()) {
            out.append("  param ").append(p.name()).append(' ').append(p.shape()).append(" = ").append(p.init().functionName)
                    .append(p.initArgs()).append('\n');
        }
        if (m.loss() != null) out.append("  loss = ").append(print(m.loss())).append('\n');
        for (Model.OutputDecl o : m.outputs()) out.append("  output ").append(o.name()).append(" = ").append(print(o.value())).append('\n');
        if (m.optimizer() != null) {
            out.append("  optimizer ").append(m.optimizer().function()).append('(')
                    .append(m.optimizer().args().stream().map(ExprPrinter::print).collect(Collectors.joining(", "))).append(")\n");
        }
        for (Model.ClipDecl c : m.clips()) {
            out.append("  clip ").append(c.function()).append('(')
                    .append(c.args().stream().map(ExprPrinter::print).collect(Collectors.joining(", "))).append(")\n");
        }
        return out.toString();
    }
}
