package dev.gradc.spark;

import dev.gradc.runtime.DataException;
import dev.gradc.runtime.TensorInfo;
import dev.gradc.runtime.Trainer;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.UserDefinedType;

/**
 * One model input fed from one DataFrame column: {@code width} values per example (the input's
 * shape without its batch dimension, row-major), from a numeric column (width 1), an array of
 * numbers, or an ML vector.
 */
record Binding(String input, String column, int width, int[] inputShape, Kind kind) implements Serializable {
    enum Kind { SCALAR, ARRAY, VECTOR }

    /** The input and its shape as messages show them, e.g. {@code input 'image' [batch, 784]}. */
    String describeInput(String model) {
        return model + "'s input '" + input + "' " + TensorInfo.format(inputShape);
    }

    /** "784 values per example" or "one value per example". */
    String perExample() {
        return width == 1 ? "one value per example" : width + " values per example";
    }

    /**
     * Binds every input of the trainer to a column of {@code schema}, checking what the schema
     * can tell (presence and type; array lengths are checked row by row when the data is read).
     *
     * @param columns input name to column name, for every input of the trainer
     * @param what the DataFrame's role in messages, e.g. "training"
     */
    static Binding[] bind(Trainer t, Map<String, String> columns, StructType schema, String what) {
        List<String> problems = new ArrayList<>();
        List<Binding> out = new ArrayList<>();
        for (TensorInfo in : t.inputs()) {
            int[] shape = in.shape();
            String col = columns.get(in.name());
            String described = t.modelName() + "'s input '" + in.name() + "' " + TensorInfo.format(shape);
            if (col == null) {
                problems.add(described + " is fed from no column: name one with column(\"" + in.name() + "\", ...)");
                continue;
            }
            if (shape.length == 0 || shape[0] != TensorInfo.BATCH || Arrays.stream(shape).skip(1).anyMatch(d -> d == TensorInfo.BATCH)) {
                problems.add(described + " does not have one leading batch dimension, so it cannot be fed one example per row");
                continue;
            }
            int width = in.sizeAt(1);
            StructField field = find(schema, col);
            if (field == null) {
                problems.add(what + " DataFrame has no column '" + col + "' (for " + described + "); its columns are "
                        + String.join(", ", schema.fieldNames()));
                continue;
            }
            DataType type = field.dataType();
            Kind kind = kindOf(type);
            if (kind == null) {
                problems.add("column '" + col + "' of the " + what + " DataFrame is " + type.simpleString() + ", but " + described
                        + " takes " + (width == 1 ? "one number" : width + " numbers") + " per example: give "
                        + (width == 1 ? "a numeric column" : "an array<float>, array<double> or ML vector column"));
                continue;
            }
            if (kind == Kind.SCALAR && width != 1) {
                problems.add("column '" + col + "' of the " + what + " DataFrame holds one number per row (" + type.simpleString()
                        + ", shape []), but " + described + " takes " + width + " values per example: give an array or ML vector column");
                continue;
            }
            out.add(new Binding(in.name(), col, width, shape, kind));
        }
        for (String input : columns.keySet()) {
            if (t.inputs().stream().noneMatch(i -> i.name().equals(input))) {
                problems.add(t.modelName() + " has no input '" + input + "' to feed from column '" + columns.get(input) + "'; its inputs are "
                        + String.join(", ", t.inputs().stream().map(TensorInfo::toString).toList()));
            }
        }
        if (!problems.isEmpty()) throw new DataException(String.join("\n", problems));
        return out.toArray(new Binding[0]);
    }

    /** The default binding: the first input from {@code features}, the second from {@code label}. */
    static Map<String, String> defaults(Trainer t, String features, String label, Map<String, String> explicit) {
        Map<String, String> m = new LinkedHashMap<>();
        List<TensorInfo> inputs = t.inputs();
        if (inputs.size() > 0) m.put(inputs.get(0).name(), features);
        if (inputs.size() > 1) m.put(inputs.get(1).name(), label);
        m.putAll(explicit);
        return m;
    }

    private static StructField find(StructType schema, String name) {
        for (StructField f : schema.fields()) if (f.name().equals(name)) return f;
        return null;
    }

    private static Kind kindOf(DataType type) {
        if (numeric(type)) return Kind.SCALAR;
        if (type instanceof ArrayType a && numeric(a.elementType())) return Kind.ARRAY;
        if (type instanceof UserDefinedType<?> u && u.userClass().getName().equals("org.apache.spark.ml.linalg.Vector")) return Kind.VECTOR;
        return null;
    }

    private static boolean numeric(DataType t) {
        return t instanceof FloatType || t instanceof DoubleType || t instanceof IntegerType || t instanceof LongType
                || t instanceof ShortType || t instanceof ByteType || t instanceof DecimalType;
    }
}
