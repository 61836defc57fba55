package dev.gradc.compiler.ir;

import dev.gradc.runtime.TensorInfo;
import java.util.Arrays;
import java.util.List;

/**
 * A static tensor shape. A dimension is a positive size or {@link #BATCH}, the symbolic batch
 * dimension bound when the trainer is constructed. Broadcasting follows NumPy. A shape is also the
 * attribute of the ops that produce one (reshape, broadcast).
 */
public final class Shape implements Attr {
    /** The batch dimension: the runtime's one representation of it, from the language to the trainer. */
    public static final int BATCH = TensorInfo.BATCH;
    /** The most elements a tensor may have: a Java array's limit. */
    public static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;
    public static final Shape SCALAR = new Shape(new int[0]);

    private final int[] dims;

    private Shape(int[] dims) {
        this.dims = dims;
    }

    public static Shape of(int... dims) {
        for (int d : dims) {
            if (d != BATCH && d < 1) throw new IllegalArgumentException("bad dimension " + d);
        }
        return new Shape(dims.clone());
    }

    public static Shape of(List<Integer> dims) {
        return of(dims.stream().mapToInt(Integer::intValue).toArray());
    }

    public int rank() {
        return dims.length;
    }

    public int dim(int axis) {
        return dims[axis];
    }

    public int[] dims() {
        return dims.clone();
    }

    public Size dimSize(int axis) {
        return dims[axis] == BATCH ? Size.BATCH : Size.of(dims[axis]);
    }

    /** Number of elements. */
    public Size size() {
        Size s = Size.ONE;
        for (int axis = 0; axis < dims.length; axis++) s = s.times(dimSize(axis));
        return s;
    }

    /** Row-major strides, in elements. */
    public Size[] strides() {
        Size[] strides = new Size[dims.length];
        Size s = Size.ONE;
        for (int axis = dims.length - 1; axis >= 0; axis--) {
            strides[axis] = s;
            s = s.times(dimSize(axis));
        }
        return strides;
    }

    /** The dimensions with batch replaced by a number. */
    public int[] at(int batch) {
        int[] out = dims.clone();
        for (int i = 0; i < out.length; i++) if (out[i] == BATCH) out[i] = batch;
        return out;
    }

    public boolean hasBatch() {
        for (int d : dims) if (d == BATCH) return true;
        return false;
    }

    /** NumPy broadcasting of two shapes, or null if they do not broadcast. */
    public static Shape broadcast(Shape a, Shape b) {
        int rank = Math.max(a.rank(), b.rank());
        int[] out = new int[rank];
        for (int i = 0; i < rank; i++) {
            int da = i < rank - a.rank() ? 1 : a.dims[i - (rank - a.rank())];
            int db = i < rank - b.rank() ? 1 : b.dims[i - (rank - b.rank())];
            if (da == db || db == 1) out[i] = da;
            else if (da == 1) out[i] = db;
            else return null;
        }
        return new Shape(out);
    }

    /**
     * Strides for reading a tensor of this shape broadcast to {@code target}: aligned from the right,
     * 0 along every broadcast dimension.
     */
    public Size[] broadcastStrides(Shape target) {
        Size[] own = strides();
        Size[] out = new Size[target.rank()];
        int lead = target.rank() - rank();
        for (int i = 0; i < target.rank(); i++) {
            int axis = i - lead;
            boolean broadcast = axis < 0 || (dims[axis] == 1 && target.dims[i] != 1);
            out[i] = broadcast ? Size.of(0) : own[axis];
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape other && Arrays.equals(dims, other.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return TensorInfo.format(dims);
    }
}
