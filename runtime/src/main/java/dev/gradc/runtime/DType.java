package dev.gradc.runtime;

/** Element type of tensors and parameter files, with its NumPy spelling (always little-endian). */
public enum DType {
    /** IEEE 754 single precision, Java's {@code float}; NumPy's {@code float32}. */
    FLOAT32("<f4", 4),
    /** IEEE 754 double precision, Java's {@code double}; NumPy's {@code float64}. */
    FLOAT64("<f8", 8);

    private final String descr;
    private final int itemSize;

    DType(String descr, int itemSize) {
        this.descr = descr;
        this.itemSize = itemSize;
    }

    /**
     * The NumPy dtype descr, {@code '<f4'} or {@code '<f8'}.
     *
     * @return the descr
     */
    public String descr() {
        return descr;
    }

    /**
     * Bytes per element.
     *
     * @return 4 or 8
     */
    public int itemSize() {
        return itemSize;
    }

    /**
     * The type NumPy calls {@code descr}, or null if it is not one gradc supports.
     *
     * @param descr a NumPy descr such as {@code '<f4'}
     * @return the type, or null
     */
    public static DType fromDescr(String descr) {
        for (DType t : values()) if (t.descr.equals(descr)) return t;
        return null;
    }
}
