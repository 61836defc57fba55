package dev.gradc.compiler.emit;

import dev.gradc.compiler.ops.Scalar;
import dev.gradc.compiler.ops.Scalar.Opcode;
import org.objectweb.asm.Label;
import org.objectweb.asm.Type;
import org.objectweb.asm.commons.GeneratorAdapter;
import org.objectweb.asm.commons.Method;

/**
 * Lowers a {@link Scalar} expression to bytecode in the kernel's element type (float or double),
 * leaving its value on the stack. Operations without an instruction call {@code Math} or the
 * runtime's {@code Scalars} in double precision and narrow the result once; in float32, exp, tanh
 * and sigmoid are the runtime's {@code FloatMath}, which vector kernels repeat lane for lane.
 */
final class ScalarEmitter {
    private static final Type MATH = Type.getType(Math.class);
    private static final Type SCALARS = Type.getType(dev.gradc.runtime.internal.Scalars.class);
    private static final Type FLOAT_MATH = Type.getType(dev.gradc.runtime.internal.FloatMath.class);

    /** Pushes the current element of one input (a loaded local, a fused node's local, an inline scalar). */
    interface Operand {
        void push();
    }

    private final GeneratorAdapter g;
    private final Type elem;
    private final Operand[] inputs;

    ScalarEmitter(GeneratorAdapter g, Type elem, Operand[] inputs) {
        this.g = g;
        this.elem = elem;
        this.inputs = inputs;
    }

    /** Pushes {@code e}'s value in the element type. */
    void emit(Scalar e) {
        if (e instanceof Scalar.In in) {
            inputs[in.index()].push();
            return;
        }
        if (e instanceof Scalar.Const c) {
            push(g, elem, c.value());
            return;
        }
        Scalar.Apply a = (Scalar.Apply) e;
        Opcode op = a.opcode();
        switch (op) {
            case ADD: case SUB: case MUL: case DIV:
                emit(a.args().get(0));
                emit(a.args().get(1));
                g.math(op == Opcode.ADD ? GeneratorAdapter.ADD : op == Opcode.SUB ? GeneratorAdapter.SUB
                        : op == Opcode.MUL ? GeneratorAdapter.MUL : GeneratorAdapter.DIV, elem);
                break;
            case NEG:
                emit(a.args().get(0));
                g.math(GeneratorAdapter.NEG, elem);
                break;
            case MAX: case MIN: case ABS: case SIGNUM: {
                // Math.max(float, float) and the like: the element type throughout (never a ternary: see PERF-NOTES)
                for (Scalar arg : a.args()) emit(arg);
                String name = op == Opcode.MAX ? "max" : op == Opcode.MIN ? "min" : op == Opcode.ABS ? "abs" : "signum";
                g.invokeStatic(MATH, new Method(name, elem, repeat(elem, a.args().size())));
                break;
            }
            case EXP: case TANH: case SIGMOID:
                if (elem == Type.FLOAT_TYPE) { // gradc's float32 functions, the same bits as their vector lanes
                    emit(a.args().get(0));
                    g.invokeStatic(FLOAT_MATH, new Method(op.name().toLowerCase(java.util.Locale.ROOT), elem, new Type[] {elem}));
                } else if (op == Opcode.SIGMOID) {
                    emitDouble(a.args().get(0));
                    callScalars("sigmoid", 1);
                } else {
                    emitDouble(a.args().get(0));
                    g.invokeStatic(MATH, new Method(op.name().toLowerCase(java.util.Locale.ROOT), Type.DOUBLE_TYPE, new Type[] {Type.DOUBLE_TYPE}));
                }
                break;
            case LOG: case LOG1P: case SQRT: case SIN: case COS: case POW:
                for (Scalar arg : a.args()) emitDouble(arg);
                g.invokeStatic(MATH, new Method(op.name().toLowerCase(java.util.Locale.ROOT), Type.DOUBLE_TYPE,
                        repeat(Type.DOUBLE_TYPE, a.args().size())));
                g.cast(Type.DOUBLE_TYPE, elem);
                break;
            case SOFTPLUS: case GELU: case ELU: case LEAKY_RELU:
                for (Scalar arg : a.args()) emitDouble(arg);
                callScalars(op == Opcode.SOFTPLUS ? "softplus" : op == Opcode.GELU ? "gelu" : op == Opcode.ELU ? "elu" : "leakyRelu",
                        a.args().size());
                g.cast(Type.DOUBLE_TYPE, elem);
                break;
            case GT: case GE: case LT: case LE: case EQ: case NE:
                compare(a, op);
                break;
            case SELECT:
                select(a);
                break;
            default:
                throw new AssertionError(op);
        }
    }

    /** Pushes {@code e}'s value as a double: constants exactly, others widened from the element type. */
    private void emitDouble(Scalar e) {
        if (e instanceof Scalar.Const c) {
            g.push(c.value());
            return;
        }
        emit(e);
        g.cast(elem, Type.DOUBLE_TYPE);
    }

    private void callScalars(String name, int argc) {
        g.invokeStatic(SCALARS, new Method(name, Type.DOUBLE_TYPE, repeat(Type.DOUBLE_TYPE, argc)));
    }

    /** 1 where the comparison holds, else 0 (NaN compares false). */
    private void compare(Scalar.Apply a, Opcode op) {
        int mode = op == Opcode.GT ? GeneratorAdapter.GT : op == Opcode.GE ? GeneratorAdapter.GE : op == Opcode.LT ? GeneratorAdapter.LT
                : op == Opcode.LE ? GeneratorAdapter.LE : op == Opcode.EQ ? GeneratorAdapter.EQ : GeneratorAdapter.NE;
        Label holds = new Label(), done = new Label();
        emit(a.args().get(0));
        emit(a.args().get(1));
        g.ifCmp(elem, mode, holds);
        push(g, elem, 0);
        g.goTo(done);
        g.mark(holds);
        push(g, elem, 1);
        g.mark(done);
    }

    /** {@code mask != 0 ? a : b}. */
    private void select(Scalar.Apply a) {
        Label chosen = new Label(), done = new Label();
        emit(a.args().get(0));
        push(g, elem, 0);
        g.ifCmp(elem, GeneratorAdapter.NE, chosen);
        emit(a.args().get(2));
        g.goTo(done);
        g.mark(chosen);
        emit(a.args().get(1));
        g.mark(done);
    }

    static void push(GeneratorAdapter g, Type elem, double value) {
        if (elem == Type.FLOAT_TYPE) g.push((float) value);
        else g.push(value);
    }

    private static Type[] repeat(Type t, int n) {
        Type[] out = new Type[n];
        java.util.Arrays.fill(out, t);
        return out;
    }
}
