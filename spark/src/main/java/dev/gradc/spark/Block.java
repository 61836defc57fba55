package dev.gradc.spark;

import dev.gradc.runtime.DType;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Row;

/**
 * One partition's examples packed into primitive arrays in the trainer's element type, one set of
 * chunks per input: the form the rounds read, cached by Spark, so that a round copies rows into
 * the trainer's input buffers with {@code System.arraycopy} and nothing else. Chunks of 4096 rows
 * keep the arrays far below Java's array limit and waste at most one chunk per input.
 *
 * <p>Read-only once built: Spark hands the same cached object to every task on its executor.
 */
final class Block implements Serializable {
    private static final long serialVersionUID = 1L;
    static final int CHUNK_SHIFT = 12, CHUNK_ROWS = 1 << CHUNK_SHIFT, CHUNK_MASK = CHUNK_ROWS - 1;

    final int partition;
    final int rows;
    final int[] widths;
    /** {@code data[k][c]}: chunk c of input k, a float[] or double[] of CHUNK_ROWS * widths[k] values. */
    private final Object[][] data;
    /** The first problem found in the partition's rows, or null. */
    final String problem;

    private Block(int partition, int rows, int[] widths, Object[][] data, String problem) {
        this.partition = partition;
        this.rows = rows;
        this.widths = widths;
        this.data = data;
        this.problem = problem;
    }

    /** Copies rows {@code order[from..to)} of input {@code k} into {@code dest} (an input buffer) from its row 0. */
    void copyRows(int k, int[] order, int from, int to, Object dest) {
        int w = widths[k];
        Object[] chunks = data[k];
        for (int i = from, at = 0; i < to; i++, at += w) {
            int r = order[i];
            System.arraycopy(chunks[r >>> CHUNK_SHIFT], (r & CHUNK_MASK) * w, dest, at, w);
        }
    }

    /** Value {@code j} of row {@code row} of input {@code k}. */
    double value(int k, int row, int j) {
        Object chunk = data[k][row >>> CHUNK_SHIFT];
        int i = (row & CHUNK_MASK) * widths[k] + j;
        return chunk instanceof float[] f ? f[i] : ((double[]) chunk)[i];
    }

    /**
     * Packs a partition's rows, whose fields are the bindings' columns in order. A row that does
     * not fit (a null, an array of the wrong length) stops the packing and is reported in
     * {@link #problem}, for the driver to show before training starts.
     */
    static Block pack(int partition, Iterator<Row> rows, Binding[] bindings, DType dtype, String model, String what) {
        int inputs = bindings.length;
        int[] widths = new int[inputs];
        List<List<Object>> chunks = new ArrayList<>();
        for (int k = 0; k < inputs; k++) {
            widths[k] = bindings[k].width();
            chunks.add(new ArrayList<>());
        }
        boolean f64 = dtype == DType.FLOAT64;
        Object[] current = new Object[inputs];
        int n = 0;
        String problem = null;
        rowLoop:
        while (rows.hasNext()) {
            Row row = rows.next();
            int slot = n & CHUNK_MASK;
            if (slot == 0) {
                for (int k = 0; k < inputs; k++) {
                    current[k] = f64 ? new double[CHUNK_ROWS * widths[k]] : new float[CHUNK_ROWS * widths[k]];
                    chunks.get(k).add(current[k]);
                }
            }
            for (int k = 0; k < inputs; k++) {
                problem = copy(row, k, bindings[k], current[k], slot * widths[k]);
                if (problem != null) {
                    problem = String.format(Locale.ROOT, "column '%s' of the %s DataFrame %s in row %d of partition %d, but %s takes %s",
                            bindings[k].column(), what, problem, n, partition, bindings[k].describeInput(model), bindings[k].perExample());
                    break rowLoop;
                }
            }
            n++;
        }
        Object[][] data = new Object[inputs][];
        for (int k = 0; k < inputs; k++) data[k] = chunks.get(k).toArray();
        return new Block(partition, n, widths, data, problem);
    }

    /** Copies field k of a row into {@code dest} at {@code at}; a description of what is wrong, or null. */
    private static String copy(Row row, int k, Binding b, Object dest, int at) {
        if (row.isNullAt(k)) return "is null";
        int w = b.width();
        switch (b.kind()) {
            case SCALAR -> put(dest, at, ((Number) row.get(k)).doubleValue());
            case ARRAY -> {
                scala.collection.Seq<Object> values = row.getSeq(k);
                int n = values.length();
                if (n != w) return "has " + n + " values (shape [" + n + "])";
                for (int j = 0; j < w; j++) {
                    Object v = values.apply(j);
                    if (v == null) return "has a null at index " + j;
                    put(dest, at + j, ((Number) v).doubleValue());
                }
            }
            case VECTOR -> {
                return VectorValues.copy(row.get(k), w, dest, at);
            }
        }
        return null;
    }

    static void put(Object dest, int at, double v) {
        if (dest instanceof float[] f) f[at] = (float) v;
        else ((double[]) dest)[at] = v;
    }
}
