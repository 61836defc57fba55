package dev.gradc.dsl;

import java.util.List;

/**
 * An elaborated tensor expression: constants folded, helper methods inlined, locals and names
 * resolved. A value used twice is the same object, so the expression is a DAG.
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
     */
    record Call(String function, List<Expr> args, SourcePos pos) implements Expr {
        public Call {
            args = List.copyOf(args);
        }
    }
}
