package dev.gradc.compiler.emit;

import dev.gradc.compiler.ops.Scalar;
import dev.gradc.compiler.ops.Scalar.Opcode;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import org.objectweb.asm.Type;
import org.objectweb.asm.commons.GeneratorAdapter;
import org.objectweb.asm.commons.Method;

/**
 * Lowers a {@link Scalar} expression to Vector API code: a {@code FloatVector} of the current
 * elements left on the stack, each operation a call of the runtime's {@code VectorOps}, which the
 * JIT inlines. Only the operations whose vector form gives exactly the scalar kernels' bits have
 * one ({@link #supports}); a kernel using any other keeps its scalar code alone.
 */
final class VectorEmitter {
    static final Type OPS = Type.getObjectType("dev/gradc/runtime/internal/VectorOps");
    static final Type VECTOR = Type.getObjectType("jdk/incubator/vector/FloatVector");
    private static final Set<Opcode> VECTORIZED = EnumSet.of(Opcode.ADD, Opcode.SUB, Opcode.MUL, Opcode.DIV, Opcode.NEG,
            Opcode.MAX, Opcode.MIN, Opcode.ABS, Opcode.SQRT, Opcode.EXP, Opcode.TANH, Opcode.SIGMOID,
            Opcode.GT, Opcode.GE, Opcode.LT, Opcode.LE, Opcode.EQ, Opcode.NE, Opcode.SELECT);

    /** Pushes the current vector of one input. */
    interface Operand {
        void push();
    }

    private final GeneratorAdapter g;
    private final Operand[] inputs;

    VectorEmitter(GeneratorAdapter g, Operand[] inputs) {
        this.g = g;
        this.inputs = inputs;
    }

    /** Whether every operation of {@code e} has a vector form. */
    static boolean supports(Scalar e) {
        if (!(e instanceof Scalar.Apply a)) return true;
        return VECTORIZED.contains(a.opcode()) && a.args().stream().allMatch(VectorEmitter::supports);
    }

    /** Broadcasts the float on the stack into a new vector local; returns it. */
    static int broadcastToLocal(GeneratorAdapter g) {
        g.invokeStatic(OPS, new Method("broadcast", VECTOR, new Type[] {Type.FLOAT_TYPE}));
        int local = g.newLocal(VECTOR);
        g.storeLocal(local);
        return local;
    }

    void emit(Scalar e) {
        if (e instanceof Scalar.In in) {
            inputs[in.index()].push();
        } else if (e instanceof Scalar.Const c) {
            g.push((float) c.value());
            g.invokeStatic(OPS, new Method("broadcast", VECTOR, new Type[] {Type.FLOAT_TYPE}));
        } else {
            Scalar.Apply a = (Scalar.Apply) e;
            for (Scalar arg : a.args()) emit(arg);
            Type[] args = new Type[a.args().size()];
            java.util.Arrays.fill(args, VECTOR);
            g.invokeStatic(OPS, new Method(a.opcode().name().toLowerCase(Locale.ROOT), VECTOR, args));
        }
    }
}
