package dev.gradc.dsl;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The elaborated expression as text: {@code add(matmul(x, w1), b1)}; numbers as written by Java.
 *
 * <p>A value used twice is printed twice, as the nested form reads best, unless that text would be
 * huge: {@code t = tanh(t) - t} unrolled 10,000 times is a DAG of 20,000 nodes whose nested form has
 * 2^10,000 characters. Then each value used more than once is printed once, as {@code %1}, {@code
 * %2}, ... defined after the expression: {@code sub(tanh(%2), %2) where %1 = ..., %2 = ...}. Both
 * forms are printed with a work list, never by recursion, so any depth prints.
 */
public final class ExprPrinter {
    /** Beyond this many characters the nested form gives way to the shared one. */
    static final long NESTED_LIMIT = 1 << 20;

    private ExprPrinter() {}

    public static String print(Expr e) {
        if (nestedLength(e) <= NESTED_LIMIT) {
            StringBuilder out = new StringBuilder();
            emit(e, Map.of(), out);
            return out.toString();
        }
        return shared(e);
    }

    private static String leaf(Expr e) {
        if (e instanceof Expr.Num n) return n.integral() ? Long.toString((long) n.value()) : Double.toString(n.value());
        if (e instanceof Expr.Batch) return "batch";
        if (e instanceof Expr.Bool b) return Boolean.toString(b.value());
        if (e instanceof Expr.InputRef r) return r.name();
        return ((Expr.ParamRef) e).name();
    }

    /** The length of the nested form, saturating at {@code Long.MAX_VALUE}; each node is measured once. */
    private static long nestedLength(Expr root) {
        Map<Expr, Long> length = new IdentityHashMap<>();
        Deque<Expr> work = new ArrayDeque<>();
        work.push(root);
        while (!work.isEmpty()) {
            Expr e = work.peek();
            if (length.containsKey(e)) {
                work.pop();
                continue;
            }
            if (!(e instanceof Expr.Call c)) {
                length.put(work.pop(), (long) leaf(e).length());
                continue;
            }
            boolean ready = true;
            for (Expr a : c.args()) {
                if (!length.containsKey(a)) {
                    work.push(a);
                    ready = false;
                }
            }
            if (!ready) continue;
            long n = c.function().length() + 2L + 2L * Math.max(0, c.args().size() - 1);
            for (Expr a : c.args()) {
                long sum = n + length.get(a);
                n = sum < n ? Long.MAX_VALUE : sum; // lengths are non-negative: a sum that wraps is smaller
            }
            length.put(work.pop(), n);
        }
        return length.get(root);
    }

    /** Appends the nested form of {@code root}, writing a node of {@code names} as its name. */
    private static void emit(Expr root, Map<Expr, String> names, StringBuilder out) {
        Deque<Object> work = new ArrayDeque<>(); // an Expr to print, or a String to append
        work.push(root);
        boolean top = true;
        while (!work.isEmpty()) {
            Object item = work.pop();
            if (item instanceof String s) {
                out.append(s);
                continue;
            }
            Expr e = (Expr) item;
            String name = top ? null : names.get(e);
            top = false;
            if (name != null) {
                out.append(name);
            } else if (e instanceof Expr.Call c) {
                out.append(c.function()).append('(');
                work.push(")");
                for (int i = c.args().size() - 1; i >= 0; i--) {
                    work.push(c.args().get(i));
                    if (i > 0) work.push(", ");
                }
            } else {
                out.append(leaf(e));
            }
        }
    }

    /** The form with each call used more than once named, definitions in dependency order. */
    private static String shared(Expr root) {
        Map<Expr, Integer> uses = new IdentityHashMap<>();
        List<Expr.Call> postOrder = new ArrayList<>();
        Map<Expr, Boolean> visited = new IdentityHashMap<>();
        Deque<Object[]> work = new ArrayDeque<>(); // {node, whether its arguments are done}
        work.push(new Object[] {root, false});
        while (!work.isEmpty()) {
            Object[] item = work.pop();
            if (!(item[0] instanceof Expr.Call c)) continue;
            if ((Boolean) item[1]) { // a DAG has no cycles, so every argument is finished by now
                postOrder.add(c);
                continue;
            }
            if (visited.put(c, Boolean.TRUE) != null) continue;
            work.push(new Object[] {c, true});
            for (Expr a : c.args()) {
                uses.merge(a, 1, Integer::sum);
                work.push(new Object[] {a, false});
            }
        }
        Map<Expr, String> names = new IdentityHashMap<>();
        for (Expr.Call c : postOrder) if (c != root && uses.getOrDefault(c, 0) > 1) names.put(c, "%" + (names.size() + 1));
        StringBuilder out = new StringBuilder();
        emit(root, names, out);
        String sep = " where ";
        for (Expr.Call c : postOrder) {
            String name = names.get(c);
            if (name == null) continue;
            out.append(sep).append(name).append(" = ");
            emit(c, names, out);
            sep = ", ";
        }
        return out.toString();
    }

    /** The whole model: declarations, then the loss and each output. */
    public static String print(Model m) {
        StringBuilder out = new StringBuilder("model ").append(m.name()).append('\n');
        for (Model.Constant c : m.constants()) {
            out.append("  const ").append(c.name()).append(" = ").append(c.integral() ? Long.toString((long) c.value()) : Double.toString(c.value())).append('\n');
        }
        for (Model.InputDecl in : m.inputs()) out.append("  input ").append(in.name()).append(' ').append(dev.gradc.runtime.TensorInfo.format(in.shape().stream().mapToInt(Integer::intValue).toArray())).append('\n');
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
