package dev.gradc.runtime;

import java.util.Arrays;
import java.util.Objects;

/**
 * An in-memory data set: {@code x} holds {@code size} rows of {@code features} values, row-major;
 * {@code y} holds one label per row (a class index stored as a double, or a regression target).
 * The arrays are shared, not copied; equality compares them by content.
 *
 * @param name the set's name in messages
 * @param size examples
 * @param features values per example
 * @param x {@code size * features} values, row-major
 * @param y {@code size} labels
 */
public record Dataset(String name, int size, int features, double[] x, double[] y) {
    /**
     * Checks the sizes.
     *
     * @param name the set's name in messages
     * @param size examples
     * @param features values per example
     * @param x {@code size * features} values, row-major
     * @param y {@code size} labels
     * @throws IllegalArgumentException if {@code x} or {@code y} does not hold {@code size} rows
     */
    public Dataset {
        Objects.requireNonNull(name, "name");
        if (size < 0 || features < 0) throw new IllegalArgumentException("negative size or features: " + size + ", " + features);
        if (x.length != (long) size * features) {
            throw new IllegalArgumentException(name + ": x has " + x.length + " values, expected " + size + " * " + features);
        }
        if (y.length != size) throw new IllegalArgumentException(name + ": y has " + y.length + " labels, expected " + size);
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
        Objects.checkIndex(i, size);
        return Arrays.copyOfRange(x, i * features, (i + 1) * features);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Dataset d && d.name.equals(name) && d.size == size && d.features == features
                && Arrays.equals(d.x, x) && Arrays.equals(d.y, y);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, size, features, Arrays.hashCode(x), Arrays.hashCode(y));
    }

    /** {@code moons (100 examples, 2 features)}. */
    @Override
    public String toString() {
        return name + " (" + size + " examples, " + features + " features)";
    }
}
