package dev.gradc.runtime;

import java.util.Arrays;

/** A named tensor of a trainer and its declared shape; a dimension of -1 is {@code batch}. */
public record TensorInfo(String name, int[] shape) {
    public static final int BATCH = -1;

    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** The shape with batch bound to a number. */
    public int[] shapeAt(int batch) {
        int[] out = shape.clone();
        for (int i = 0; i < out.length; i++) if (out[i] == BATCH) out[i] = batch;
        return out;
    }

    /** Element count at a batch size. */
    public int sizeAt(int batch) {
        int n = 1;
        for (int d : shapeAt(batch)) n = Math.multiplyExact(n, d);
        return n;
    }

    public boolean hasBatch() {
        for (int d : shape) if (d == BATCH) return true;
        return false;
    }

    /** Shape as printed in messages, e.g. {@code [batch, 2]}. */
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

    @Override
    public String toString() {
        return name + format(shape);
    }
}
