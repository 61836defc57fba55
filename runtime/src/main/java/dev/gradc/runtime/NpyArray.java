package dev.gradc.runtime;

import java.util.Arrays;
import java.util.Objects;

/**
 * One named array of a {@code .npy}/{@code .npz} file: {@code data} is a {@code float[]} for
 * {@link DType#FLOAT32} or a {@code double[]} for {@link DType#FLOAT64}, in C (row-major) order,
 * with exactly product(shape) elements; a 0-d array has shape {@code []} and one element.
 *
 * <p>The shape is copied; the data array is shared, not copied, because parameter arrays can be
 * large. Equality compares shape and data by content.
 *
 * @param name the array's name (its entry in an {@code .npz}, without {@code .npy})
 * @param dtype the element type
 * @param shape the dimensions
 * @param data a {@code float[]} or {@code double[]} of product(shape) elements, row-major
 */
public record NpyArray(String name, DType dtype, int[] shape, Object data) {
    /**
     * Checks that the data fits the dtype and shape, and copies the shape.
     *
     * @param name the array's name
     * @param dtype the element type
     * @param shape the dimensions
     * @param data a {@code float[]} or {@code double[]} of product(shape) elements
     * @throws IllegalArgumentException if the data's type or length does not match the dtype and shape
     * @throws NullPointerException if the name, dtype or data is null
     */
    public NpyArray {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(data, "data");
        shape = shape.clone();
        long n = elementCount(shape);
        if (n < 0) throw new IllegalArgumentException(name + ": negative dimension in shape " + Arrays.toString(shape));
        int length;
        if (dtype == DType.FLOAT32 && data instanceof float[] f) length = f.length;
        else if (dtype == DType.FLOAT64 && data instanceof double[] d) length = d.length;
        else throw new IllegalArgumentException(name + ": data must be "
                + (dtype == DType.FLOAT32 ? "float[]" : "double[]") + " for " + dtype
                + ", not " + data.getClass().getSimpleName());
        if (length != n) throw new IllegalArgumentException(name + ": shape " + Arrays.toString(shape)
                + " needs " + n + " elements, data has " + length);
    }

    /**
     * A float32 array.
     *
     * @param name the name
     * @param data the values, row-major
     * @param shape the dimensions
     * @return a float32 array
     */
    public static NpyArray of(String name, float[] data, int... shape) {
        return new NpyArray(name, DType.FLOAT32, shape, data);
    }

    /**
     * A float64 array.
     *
     * @param name the name
     * @param data the values, row-major
     * @param shape the dimensions
     * @return a float64 array
     */
    public static NpyArray of(String name, double[] data, int... shape) {
        return new NpyArray(name, DType.FLOAT64, shape, data);
    }

    /**
     * Product of the dimensions, -1 if any is negative. Saturates at Long.MAX_VALUE rather than
     * overflowing, so a hostile header cannot wrap around to a small size.
     */
    static long elementCount(int[] shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) return -1;
            n = d == 0 || n <= Long.MAX_VALUE / d ? n * d : Long.MAX_VALUE;
        }
        return n;
    }

    /**
     * The dimensions.
     *
     * @return a copy of the dimensions
     */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /**
     * The number of dimensions.
     *
     * @return the number of dimensions, 0 for a scalar
     */
    public int rank() {
        return shape.length;
    }

    /**
     * Number of elements.
     *
     * @return product(shape)
     */
    public int size() {
        return data instanceof float[] f ? f.length : ((double[]) data).length;
    }

    /**
     * The data of a FLOAT32 array.
     *
     * @return the array itself, not a copy
     * @throws IllegalStateException if the array is float64
     */
    public float[] floats() {
        if (!(data instanceof float[] f)) throw new IllegalStateException(name + " is " + dtype + ", not FLOAT32");
        return f;
    }

    /**
     * The data of a FLOAT64 array.
     *
     * @return the array itself, not a copy
     * @throws IllegalStateException if the array is float32
     */
    public double[] doubles() {
        if (!(data instanceof double[] d)) throw new IllegalStateException(name + " is " + dtype + ", not FLOAT64");
        return d;
    }

    /**
     * The same array under another name.
     *
     * @param newName the name
     * @return an array sharing this one's data
     */
    public NpyArray withName(String newName) {
        return new NpyArray(newName, dtype, shape, data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NpyArray a && a.name.equals(name) && a.dtype == dtype
                && Arrays.equals(a.shape, shape) && Objects.deepEquals(a.data, data);
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(name, dtype, Arrays.hashCode(shape));
        return 31 * h + (data instanceof float[] f ? Arrays.hashCode(f) : Arrays.hashCode((double[]) data));
    }

    /** {@code w1 <f4 [2, 16]}. */
    @Override
    public String toString() {
        return name + " " + dtype.descr() + " " + Arrays.toString(shape);
    }
}
