package dev.gradc.dsl;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An elaborated tensor expression: constants folded, helper methods inlined, locals and names
 * resolved. A value used twice is the same object, so the expression is a DAG.
 *
 * <p>An unrolled loop makes expressions as deep as its iteration count (10,000 nested calls and
 * more), so nothing here recurses over the tree: equality and hashing of a {@link Call} are
 * structural but iterative (the hash is computed once, at construction), and printing goes
 * through {@link ExprPrinter}, which uses a work list.
 */
public sealed interface Expr {
    SourcePos pos();

    /** A number: a literal or a folded constant. {@code integral} when it came from int arithmetic. */
    record Num(double value, boolean integral, SourcePos pos) implements Expr {}

    /** {@code true} or {@code false}, as in {@code sum(x, 1, true)} (keep the reduced axis). */
    record Bool(boolean value, SourcePos pos) implements Expr {}

    /** The symbolic batch dimension, as an argument such as {@code reshape(t, batch)}. */
    record Batch(SourcePos pos) implements Expr {}

    record InputRef(String name, SourcePos pos) implements Expr {}

    record ParamRef(String name, SourcePos pos) implements Expr {}

    /**
     * A built-in function applied to arguments. Operators become calls too: {@code a + b} is
     * {@code add}, {@code a - b} {@code sub}, {@code a * b} {@code mul}, {@code a / b} {@code div},
     * {@code -a} {@code neg}, {@code a > b} {@code gt} (likewise {@code ge lt le eq ne}, giving 0/1
     * masks); their position is the operator's. The compiler resolves the name
     * against its op library and reports unknown functions and wrong argument counts.
     *
     * <p>Equal when function, position and arguments are equal, as a record would be; not a record
     * because a record's generated methods recurse, and would overflow the stack on deep expressions.
     */
    final class Call implements Expr {
        private final String function;
        private final List<Expr> args;
        private final SourcePos pos;
        private final int hash;

        public Call(String function, List<Expr> args, SourcePos pos) {
            this.function = Objects.requireNonNull(function, "function");
            this.args = List.copyOf(args);
            this.pos = pos;
            int h = function.hashCode() * 31 + Objects.hashCode(pos);
            for (Expr a : this.args) h = 31 * h + a.hashCode(); // O(1) each: a call's hash is already known
            this.hash = h;
        }

        public String function() {
            return function;
        }

        public List<Expr> args() {
            return args;
        }

        @Override
        public SourcePos pos() {
            return pos;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            if (this == o) return true;
            if (!(o instanceof Call other) || other.hash != hash) return false;
            // Compares the two DAGs with a work list; a pair of nodes found equal once is not compared again,
            // so shared subexpressions cost once, not once per path.
            Map<Call, Call> same = new IdentityHashMap<>();
            Deque<Call[]> work = new ArrayDeque<>();
            work.push(new Call[] {this, other});
            while (!work.isEmpty()) {
                Call[] pair = work.pop();
                Call a = pair[0], b = pair[1];
                if (a == b || same.get(a) == b) continue;
                if (a.hash != b.hash || !a.function.equals(b.function) || !Objects.equals(a.pos, b.pos) || a.args.size() != b.args.size()) {
                    return false;
                }
                same.put(a, b);
                for (int i = 0; i < a.args.size(); i++) {
                    Expr x = a.args.get(i), y = b.args.get(i);
                    if (x instanceof Call cx && y instanceof Call cy) work.push(new Call[] {cx, cy});
                    else if (!x.equals(y)) return false;
                }
            }
            return true;
        }

        @Override
        public String toString() {
            return ExprPrinter.print(this);
        }
    }
}
