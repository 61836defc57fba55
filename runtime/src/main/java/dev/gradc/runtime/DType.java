package dev.gradc.runtime;

/** Element type of tensors and parameter files, with its NumPy spelling (always little-endian). */
public enum DType {
    FLOAT32("<f4", 4),
    FLOAT64("<f8", 8);

    private final String descr;
    private final int itemSize;

    DType(String descr, int itemSize) {
        this.descr = descr;
        this.itemSize = itemSize;
    }

    /** The NumPy dtype descr, {@code '<f4'} or {@code '<f8'}. */
    public String descr() {
        return descr;
    }

    /** Bytes per element. */
    public int itemSize() {
        return itemSize;
    }

    /** The type NumPy calls {@code descr}, or null if it is not one gradc supports. */
    public static DType fromDescr(String descr) {
        for (DType t : values()) if (t.descr.equals(descr)) return t;
        return null;
    }
}
