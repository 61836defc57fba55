package dev.gradc.runtime;

import java.util.Arrays;
import java.util.Objects;

/**
 * An in-memory data set: {@code size} rows of {@code features} values, row-major, and one label per
 * row in {@code y} (a class index stored as a double, or a regression target). The features are
 * held as doubles, or as floats for a float32 model ({@link #ofFloats}): a large image set then
 * takes half the memory, and rows reach a float32 trainer as the same floats either way. The arrays
 * are shared, not copied; equality compares the values.
 */
public final class Dataset {
    private final String name;
    private final int size, features;
    private final double[] x;
    private final float[] floats;
    private final double[] y;

    /**
     * A set whose features are doubles.
     *
     * @param name the set's name in messages
     * @param size examples
     * @param features values per example
     * @param x {@code size * features} values, row-major
     * @param y {@code size} labels
     * @throws IllegalArgumentException if {@code x} or {@code y} does not hold {@code size} rows
     */
    public Dataset(String name, int size, int features, double[] x, double[] y) {
        this(name, size, features, Objects.requireNonNull(x, "x"), null, y, x.length);
    }

    /**
     * A set whose features are floats, for float32 models.
     *
     * @param name the set's name in messages
     * @param size examples
     * @param features values per example
     * @param x {@code size * features} values, row-major
     * @param y {@code size} labels
     * @return the set
     * @throws IllegalArgumentException if {@code x} or {@code y} does not hold {@code size} rows
     */
    public static Dataset ofFloats(String name, int size, int features, float[] x, double[] y) {
        return new Dataset(name, size, features, null, Objects.requireNonNull(x, "x"), y, x.length);
    }

    private Dataset(String name, int size, int features, double[] x, float[] floats, double[] y, int length) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(y, "y");
        if (size < 0 || features < 0) throw new IllegalArgumentException("negative size or features: " + size + ", " + features);
        if (length != (long) size * features) {
            throw new IllegalArgumentException(name + ": x has " + length + " values, expected " + size + " * " + features);
        }
        if (y.length != size) throw new IllegalArgumentException(name + ": y has " + y.length + " labels, expected " + size);
        this.name = name;
        this.size = size;
        this.features = features;
        this.x = x;
        this.floats = floats;
        this.y = y;
    }

    /** @return the set's name in messages */
    public String name() { return name; }

    /** @return examples */
    public int size() { return size; }

    /** @return values per example */
    public int features() { return features; }

    /** @return the labels, one per example (shared) */
    public double[] y() { return y; }

    /** @return whether the features are held as floats ({@link #ofFloats}) */
    public boolean floatFeatures() { return floats != null; }

    /**
     * The features as doubles, row-major: the array itself, or for a set of floats a widened copy
     * ({@code size * features} doubles; {@link #copyRow} reads rows without one).
     *
     * @return {@code size * features} values
     */
    public double[] x() {
        if (x != null) return x;
        double[] wide = new double[floats.length];
        for (int i = 0; i < wide.length; i++) wide[i] = floats[i];
        return wide;
    }

    /**
     * Copies example {@code i}'s features into {@code into} at {@code offset}.
     *
     * @param i the example, from 0
     * @param into where they go
     * @param offset the first position written
     */
    public void copyRow(int i, double[] into, int offset) {
        Objects.checkIndex(i, size);
        if (x != null) {
            System.arraycopy(x, i * features, into, offset, features);
        } else {
            Objects.checkFromIndexSize(offset, features, into.length);
            for (int j = 0, from = i * features; j < features; j++) into[offset + j] = floats[from + j];
        }
    }

    /**
     * Copies example {@code i}'s features into {@code into} at {@code offset}, rounded to float as a
     * float32 trainer's input takes them.
     *
     * @param i the example, from 0
     * @param into where they go
     * @param offset the first position written
     */
    public void copyRow(int i, float[] into, int offset) {
        Objects.checkIndex(i, size);
        if (floats != null) {
            System.arraycopy(floats, i * features, into, offset, features);
        } else {
            Objects.checkFromIndexSize(offset, features, into.length);
            for (int j = 0, from = i * features; j < features; j++) into[offset + j] = (float) x[from + j];
        }
    }

    /**
     * Examples {@code start..start+count} into a trainer's input, whose batch is {@code count}: as
     * floats into a float32 input, without widening them.
     *
     * @param start the first example
     * @param count how many
     * @param input the input view, of {@code count * features} values
     */
    public void feed(int start, int count, TensorView input) {
        Objects.checkFromIndexSize(start, count, size);
        if (input.buffer() instanceof float[]) {
            float[] rows = new float[count * features];
            for (int i = 0; i < count; i++) copyRow(start + i, rows, i * features);
            input.copyFrom(rows);
        } else {
            double[] rows = new double[count * features];
            for (int i = 0; i < count; i++) copyRow(start + i, rows, i * features);
            input.copyFrom(rows);
        }
    }

    /**
     * Number of classes when the labels are class indices: the largest label plus one.
     *
     * @return the number of classes
     * @throws IllegalStateException if a label is not a non-negative integer (e.g. a regression target)
     */
    public int classes() {
        int max = -1;
        for (double label : y) {
            if (!(label >= 0 && label == Math.rint(label) && label < Integer.MAX_VALUE)) {
                throw new IllegalStateException(name + ": label " + label + " is not a class index");
            }
            max = Math.max(max, (int) label);
        }
        return max + 1;
    }

    /**
     * Features of one example (a copy).
     *
     * @param i the example, from 0
     * @return its {@code features} values
     */
    public double[] row(int i) {
        double[] row = new double[features];
        copyRow(i, row, 0);
        return row;
    }

    /**
     * The same examples under another name.
     *
     * @param newName the name in messages
     * @return a set sharing this one's arrays
     */
    public Dataset named(String newName) {
        return new Dataset(newName, size, features, x, floats, y, x != null ? x.length : floats.length);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Dataset d) || !d.name.equals(name) || d.size != size || d.features != features || !Arrays.equals(d.y, y)) {
            return false;
        }
        if (x != null && d.x != null) return Arrays.equals(d.x, x);
        if (floats != null && d.floats != null) return Arrays.equals(d.floats, floats);
        return Arrays.equals(d.x(), x());
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, size, features, Arrays.hashCode(y));
    }

    /** {@code moons (100 examples, 2 features)}. */
    @Override
    public String toString() {
        return name + " (" + size + " examples, " + features + " features)";
    }
}
