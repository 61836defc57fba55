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

    /** 1 where input {@code i} is greater than zero, else 0 (NaN gives 0). */
    public void greaterThanZero(int i) {
        Label positive = new Label(), done = new Label();
        load(i);
        pushConstant(0);
        g.ifCmp(elem, GeneratorAdapter.GT, positive);
        pushConstant(0);
        g.goTo(done);
        g.mark(positive);
        pushConstant(1);
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
