package dev.gradc.compiler.ops;

import dev.gradc.runtime.internal.Scalars;
import java.util.List;

/**
 * The scalar vocabulary element-wise ops are written in: an expression over the current element of
 * each input, built from a small set of {@link Opcode}s. An op's file says what it computes in this
 * vocabulary; the interpreter evaluates it in double precision and the code generator lowers it (to
 * scalar bytecode today), so neither the op nor the IR knows the machine.
 */
public sealed interface Scalar {
    /** The current element of input {@code index}, broadcast to the output. */
    record In(int index) implements Scalar {}

    record Const(double value) implements Scalar {}

    record Apply(Opcode opcode, List<Scalar> args) implements Scalar {
        public Apply {
            args = List.copyOf(args);
            if (args.size() != opcode.arity) throw new IllegalArgumentException(opcode + " takes " + opcode.arity + " arguments");
        }
    }

    /**
     * The operations, with their reference semantics in double precision. Comparisons give 1 where
     * they hold, else 0 (NaN compares false); {@code SELECT(m, a, b)} is {@code a} where {@code m} is
     * non-zero. The functions that also take a constant ({@code ELU}'s alpha, {@code LEAKY_RELU}'s
     * slope) have it as their last argument.
     */
    enum Opcode {
        ADD(2), SUB(2), MUL(2), DIV(2), NEG(1), MAX(2), MIN(2), ABS(1), SIGNUM(1),
        EXP(1), LOG(1), LOG1P(1), SQRT(1), SIN(1), COS(1), POW(2),
        TANH(1), SIGMOID(1), SOFTPLUS(1), GELU(1), ELU(2), LEAKY_RELU(2),
        GT(2), GE(2), LT(2), LE(2), EQ(2), NE(2), SELECT(3);

        public final int arity;

        Opcode(int arity) {
            this.arity = arity;
        }

        public double eval(double a, double b, double c) {
            switch (this) {
                case ADD: return a + b;
                case SUB: return a - b;
                case MUL: return a * b;
                case DIV: return a / b;
                case NEG: return -a;
                case MAX: return Math.max(a, b);
                case MIN: return Math.min(a, b);
                case ABS: return Math.abs(a);
                case SIGNUM: return Math.signum(a);
                case EXP: return Math.exp(a);
                case LOG: return Math.log(a);
                case LOG1P: return Math.log1p(a);
                case SQRT: return Math.sqrt(a);
                case SIN: return Math.sin(a);
                case COS: return Math.cos(a);
                case POW: return Math.pow(a, b);
                case TANH: return Math.tanh(a);
                case SIGMOID: return Scalars.sigmoid(a);
                case SOFTPLUS: return Scalars.softplus(a);
                case GELU: return Scalars.gelu(a);
                case ELU: return Scalars.elu(a, b);
                case LEAKY_RELU: return Scalars.leakyRelu(a, b);
                case GT: return a > b ? 1 : 0;
                case GE: return a >= b ? 1 : 0;
                case LT: return a < b ? 1 : 0;
                case LE: return a <= b ? 1 : 0;
                case EQ: return a == b ? 1 : 0;
                case NE: return a != b ? 1 : 0;
                case SELECT: return a != 0 ? b : c;
                default: throw new AssertionError(this);
            }
        }
    }

    static Scalar in(int index) {
        return new In(index);
    }

    static Scalar constant(double value) {
        return new Const(value);
    }

    static Scalar apply(Opcode opcode, Scalar... args) {
        return new Apply(opcode, List.of(args));
    }

    /** The value in double precision, {@code inputs[i]} being input i's element. */
    default double eval(double[] inputs) {
        if (this instanceof In in) return inputs[in.index()];
        if (this instanceof Const c) return c.value();
        Apply a = (Apply) this;
        double x = a.args().get(0).eval(inputs);
        double y = a.args().size() > 1 ? a.args().get(1).eval(inputs) : 0;
        double z = a.args().size() > 2 ? a.args().get(2).eval(inputs) : 0;
        return a.opcode().eval(x, y, z);
    }
}
