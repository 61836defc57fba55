package dev.gradc.runtime;

import java.util.Arrays;

/**
 * A named tensor of a trainer and its declared shape; a dimension of -1 is {@code batch}.
 *
 * @param name the tensor's name in the model ({@code w1}, {@code w[0]}, {@code w1.momentum})
 * @param shape its dimensions, {@link #BATCH} for the batch dimension
 */
public record TensorInfo(String name, int[] shape) {
    /** The value of a dimension that is the batch size, bound when a trainer is built and per step. */
    public static final int BATCH = -1;

    /**
     * Copies the shape: a TensorInfo never changes.
     *
     * @param name the tensor's name
     * @param shape its dimensions
     */
    public TensorInfo {
        shape = shape.clone();
    }

    /**
     * The declared shape.
     *
     * @return a copy of the dimensions, {@link #BATCH} for the batch dimension
     */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /**
     * The shape with batch bound to a number.
     *
     * @param batch the batch size
     * @return a new array of the dimensions
     */
    public int[] shapeAt(int batch) {
        int[] out = shape.clone();
        for (int i = 0; i < out.length; i++) if (out[i] == BATCH) out[i] = batch;
        return out;
    }

    /**
     * Element count at a batch size.
     *
     * @param batch the batch size
     * @return the product of the dimensions
     * @throws ArithmeticException if it overflows an int
     */
    public int sizeAt(int batch) {
        int n = 1;
        for (int d : shapeAt(batch)) n = Math.multiplyExact(n, d);
        return n;
    }

    /**
     * Whether a dimension is the batch.
     *
     * @return true if the shape holds {@link #BATCH}
     */
    public boolean hasBatch() {
        for (int d : shape) if (d == BATCH) return true;
        return false;
    }

    /**
     * Shape as printed in messages, e.g. {@code [batch, 2]}.
     *
     * @param shape dimensions, {@link #BATCH} for the batch
     * @return the text
     */
    public static String format(int[] shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) sb.append(", ");
            sb.append(shape[i] == BATCH ? "batch" : Integer.toString(shape[i]));
        }
        return sb.append(']').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && t.name.equals(name) && Arrays.equals(t.shape, shape);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    /** {@code w1[2, 16]}. */
    @Override
    public String toString() {
        return name + format(shape);
    }
}
