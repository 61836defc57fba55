package dev.gradc.compiler.ir;

/**
 * A size known up to the batch dimension: {@code coef * batch^batchPower}. Element counts and
 * strides of shapes that contain {@code batch} are such sizes; they become numbers once the trainer
 * knows its batch.
 */
public record Size(long coef, int batchPower) {
    public static final Size ONE = new Size(1, 0);
    public static final Size BATCH = new Size(1, 1);

    public Size {
        if (coef == 0) batchPower = 0; // zero is zero at every batch size
    }

    public static Size of(long n) {
        return new Size(n, 0);
    }

    /** The product; an ArithmeticException past a long's range (a shape no array could hold anyway). */
    public Size times(Size other) {
        return new Size(Math.multiplyExact(coef, other.coef), batchPower + other.batchPower);
    }

    public boolean isConstant() {
        return batchPower == 0;
    }

    public long at(int batch) {
        long v = coef;
        for (int i = 0; i < batchPower; i++) v *= batch;
        return v;
    }

    @Override
    public String toString() {
        if (batchPower == 0) return Long.toString(coef);
        String b = batchPower == 1 ? "batch" : "batch^" + batchPower;
        return coef == 1 ? b : coef + "*" + b;
    }
}
