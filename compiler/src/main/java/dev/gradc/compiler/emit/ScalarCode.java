package dev.gradc.compiler.emit;

import org.objectweb.asm.Label;
import org.objectweb.asm.Type;
import org.objectweb.asm.commons.GeneratorAdapter;
import org.objectweb.asm.commons.Method;

/**
 * What an element-wise op's scalar code sees inside its loop: the current element of each input
 * (already loaded), typed as the model's element type (float or double), and a few intent-level
 * instructions. The code leaves one value of the element type on the stack.
 */
public final class ScalarCode {
    private static final Type MATH = Type.getType(Math.class);
    private static final Type SCALARS = Type.getType(dev.gradc.runtime.internal.Scalars.class);

    private final GeneratorAdapter g;
    private final Type elem;
    private final Operand[] inputs;

    /** Where input i's current value comes from: a local holding the loaded element, or an inline scalar. */
    interface Operand {
        void push(GeneratorAdapter g, Type elem);
    }

    ScalarCode(GeneratorAdapter g, Type elem, Operand[] inputs) {
        this.g = g;
        this.elem = elem;
        this.inputs = inputs;
    }

    /** Whether the kernel computes in float32 (so float-precision runtime helpers suffice). */
    public boolean isFloat() {
        return elem == Type.FLOAT_TYPE;
    }

    /** Pushes input {@code i}'s current element. */
    public void load(int i) {
        inputs[i].push(g, elem);
    }

    /** Pushes input {@code i}'s current element widened to double. */
    public void loadDouble(int i) {
        load(i);
        g.cast(elem, Type.DOUBLE_TYPE);
    }

    /** Narrows a double on the stack back to the element type. */
    public void fromDouble() {
        g.cast(Type.DOUBLE_TYPE, elem);
    }

    /** Pushes a constant of the element type. */
    public void pushConstant(double value) {
        push(g, elem, value);
    }

    public void pushDouble(double value) {
        g.push(value);
    }

    /** An arithmetic instruction on the element type ({@code GeneratorAdapter.ADD}, {@code MUL}, ...). */
    public void math(int op) {
        g.math(op, elem);
    }

    /** {@code Math.name} on {@code argc} arguments of the element type, e.g. {@code Math.max(float, float)}. */
    public void invokeMathSameType(String name, int argc) {
        g.invokeStatic(MATH, new Method(name, elem, repeat(elem, argc)));
    }

    /** {@code Math.name} on {@code argc} doubles. */
    public void invokeMathDouble(String name, int argc) {
        g.invokeStatic(MATH, new Method(name, Type.DOUBLE_TYPE, repeat(Type.DOUBLE_TYPE, argc)));
    }

    /** {@code Scalars.name(x, constants...)} on input 0 widened to double, narrowed back. */
    public void invokeRuntime(String name, double... constants) {
        loadDouble(0);
        for (double c : constants) g.push(c);
        g.invokeStatic(SCALARS, new Method(name, Type.DOUBLE_TYPE, repeat(Type.DOUBLE_TYPE, 1 + constants.length)));
        fromDouble();
    }

    /** 1 where {@code in0 mode in1} holds, else 0 ({@code GeneratorAdapter.GT}, {@code EQ}, ...; NaN compares false). */
    public void compare(int mode) {
        Label holds = new Label(), done = new Label();
        load(0);
        load(1);
        g.ifCmp(elem, mode, holds);
        pushConstant(0);
        g.goTo(done);
        g.mark(holds);
        pushConstant(1);
        g.mark(done);
    }

    /** {@code in[mask] != 0 ? whenTrue : whenFalse}, each pushing one value. */
    public void select(int mask, Runnable whenTrue, Runnable whenFalse) {
        Label chosen = new Label(), done = new Label();
        load(mask);
        pushConstant(0);
        g.ifCmp(elem, GeneratorAdapter.NE, chosen);
        whenFalse.run();
        g.goTo(done);
        g.mark(chosen);
        whenTrue.run();
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
