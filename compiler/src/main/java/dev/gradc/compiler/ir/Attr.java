package dev.gradc.compiler.ir;

/**
 * An op's static parameters: a value type (a record, or {@link Shape}) with value equality, so that
 * structurally equal nodes are equal, and a {@code toString} that is its printed form in the IR.
 * Each op declares the one attribute type it takes ({@code Op<A extends Attr>}), so a node is
 * built with the right kind of attribute and an op reads its own without casting.
 */
public interface Attr {
    /** The attribute of ops that have none. */
    None NONE = new None();

    record None() implements Attr {
        @Override
        public String toString() {
            return "";
        }
    }

    /** A real number: a constant's value, an exponent, a slope. */
    record Real(double value) implements Attr {
        @Override
        public String toString() {
            return Double.toString(value);
        }
    }

    /** One axis of the input (non-negative). */
    record Axis(int axis) implements Attr {
        @Override
        public String toString() {
            return "axis=" + axis;
        }
    }

    /** A length, such as iota's. */
    record Length(int length) implements Attr {
        @Override
        public String toString() {
            return Integer.toString(length);
        }
    }
}
