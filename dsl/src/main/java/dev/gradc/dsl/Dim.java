package dev.gradc.dsl;

/** One dimension of a declared shape: a fixed size, or {@code batch}, bound when the trainer is built. */
public record Dim(int size) {
    public static final Dim BATCH = new Dim(-1);

    public static Dim of(int size) {
        if (size < 1) throw new IllegalArgumentException("dimension must be positive: " + size);
        return new Dim(size);
    }

    public boolean isBatch() {
        return size < 0;
    }

    @Override
    public String toString() {
        return isBatch() ? "batch" : Integer.toString(size);
    }
}
