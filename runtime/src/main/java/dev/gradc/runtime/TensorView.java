package dev.gradc.runtime;

/**
 * A window onto one of a trainer's buffers, without copying: values at the current batch size,
 * row-major. Reading and writing go straight to the trainer's array. Views are made once per
 * trainer, so using them allocates nothing except where a method says it returns a new array.
 */
public final class TensorView {
    private final Trainer owner;
    private final TensorInfo info;
    private final float[] floats;
    private final double[] doubles;

    /**
     * A view of {@code buffer} (a {@code float[]} or {@code double[]} of {@code owner}'s), sized by
     * the owner's current batch. Trainers make their views themselves; hosts get them from
     * {@link Trainer#input}, {@link Trainer#param} and the like.
     */
    public TensorView(Trainer owner, TensorInfo info, Object buffer) {
        this.owner = owner;
        this.info = info;
        this.floats = buffer instanceof float[] f ? f : null;
        this.doubles = buffer instanceof double[] d ? d : null;
    }

    public String name() {
        return info.name();
    }

    /** The declared shape, with -1 for batch. */
    public TensorInfo info() {
        return info;
    }

    /** The shape at the trainer's current batch size (a new array). */
    public int[] shape() {
        return info.shapeAt(owner.batch());
    }

    /** Number of elements at the current batch size. */
    public int size() {
        return info.sizeAt(owner.batch());
    }

    public double get(int index) {
        checkIndex(index);
        return floats != null ? floats[index] : doubles[index];
    }

    public void set(int index, double value) {
        checkIndex(index);
        if (floats != null) floats[index] = (float) value;
        else doubles[index] = value;
    }

    /** Copies {@link #size()} values in, row-major. */
    public void copyFrom(double[] values) {
        checkLength(values);
        if (floats != null) for (int i = 0; i < values.length; i++) floats[i] = (float) values[i];
        else System.arraycopy(values, 0, doubles, 0, values.length);
    }

    /** Copies {@link #size()} values in, row-major. */
    public void copyFrom(float[] values) {
        checkLength(values);
        if (floats != null) System.arraycopy(values, 0, floats, 0, values.length);
        else for (int i = 0; i < values.length; i++) doubles[i] = values[i];
    }

    /**
     * Copies {@link #size()} whole numbers in, row-major: class indices for a label input, say
     * (exact in float32 up to 2^24).
     */
    public void copyFrom(int[] values) {
        checkLength(values);
        if (floats != null) for (int i = 0; i < values.length; i++) floats[i] = values[i];
        else for (int i = 0; i < values.length; i++) doubles[i] = values[i];
    }

    /** Copies {@link #size()} values into {@code out}, which must be at least that long. */
    public void copyTo(double[] out) {
        java.util.Objects.requireNonNull(out, () -> name() + ": the destination array is null");
        int n = size();
        if (out.length < n) throw new IllegalArgumentException(name() + ": destination holds " + out.length + " values, need " + n);
        if (doubles != null) System.arraycopy(doubles, 0, out, 0, n);
        else for (int i = 0; i < n; i++) out[i] = floats[i];
    }

    /** The values as a new array. */
    public double[] toDoubleArray() {
        double[] out = new double[size()];
        copyTo(out);
        return out;
    }

    /** The values as a new array. */
    public float[] toFloatArray() {
        int n = size();
        float[] out = new float[n];
        if (floats != null) System.arraycopy(floats, 0, out, 0, n);
        else for (int i = 0; i < n; i++) out[i] = (float) doubles[i];
        return out;
    }

    /** The trainer's own array (float[] or double[]); longer than {@link #size()} below the maximum batch. */
    public Object buffer() {
        return floats != null ? floats : doubles;
    }

    private void checkIndex(int index) {
        int n = size();
        if (index < 0 || index >= n) {
            throw new IndexOutOfBoundsException(name() + ": index " + index + " outside 0.." + (n - 1));
        }
    }

    private void checkLength(Object values) {
        java.util.Objects.requireNonNull(values, () -> name() + ": the values to copy in are null");
        int length = java.lang.reflect.Array.getLength(values);
        int n = size();
        if (length != n) {
            throw new IllegalArgumentException(name() + ": expected " + n + " values (shape "
                    + TensorInfo.format(shape()) + " at batch " + owner.batch() + "), got " + length);
        }
    }

    @Override
    public String toString() {
        return name() + TensorInfo.format(shape());
    }
}
