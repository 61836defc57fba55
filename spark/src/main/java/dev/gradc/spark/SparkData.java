package dev.gradc.spark;

import dev.gradc.runtime.Dataset;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * gradc's in-memory data sets ({@link dev.gradc.runtime.Datasets}: IDX, CSV, synthetic) as Spark
 * data, with the columns {@link SparkTrainer} reads by default: {@code features} (array&lt;float&gt;)
 * and {@code label} (int for class indices, else double).
 */
public final class SparkData {
    private SparkData() {}

    /** The schema of {@link #writeParquet}: features array&lt;float&gt; and an int or double label. */
    public static StructType schema(boolean integerLabels) {
        return new StructType()
                .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), false)
                .add("label", integerLabels ? DataTypes.IntegerType : DataTypes.DoubleType, false);
    }

    /**
     * Writes the data set as Parquet under {@code path} (replacing what is there), {@code rowsPerFile}
     * rows at a time, so that the driver never holds more than one file's rows as Spark rows.
     */
    public static void writeParquet(SparkSession spark, Dataset data, String path, int rowsPerFile) {
        if (rowsPerFile < 1) throw new IllegalArgumentException("rowsPerFile must be at least 1, got " + rowsPerFile);
        boolean integers = integerLabels(data);
        StructType schema = schema(integers);
        int f = data.features();
        for (int start = 0; start < data.size(); start += rowsPerFile) {
            int end = Math.min(data.size(), start + rowsPerFile);
            List<Row> rows = new ArrayList<>(end - start);
            for (int i = start; i < end; i++) {
                float[] x = new float[f];
                data.copyRow(i, x, 0);
                double y = data.y()[i];
                rows.add(RowFactory.create(x, integers ? (Object) (int) y : (Object) y));
            }
            spark.createDataFrame(rows, schema).coalesce(1).write().mode(start == 0 ? SaveMode.Overwrite : SaveMode.Append).parquet(path);
        }
    }

    private static boolean integerLabels(Dataset data) {
        for (double y : data.y()) if (y != Math.rint(y) || Math.abs(y) > Integer.MAX_VALUE) return false;
        return true;
    }
}
