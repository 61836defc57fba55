package dev.gradc.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradc.compiler.Compilation;
import dev.gradc.runtime.DType;
import dev.gradc.runtime.DataException;
import dev.gradc.runtime.DivergenceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a DataFrame may hold: arrays or ML vectors (dense or sparse) of features, and every way it
 * can fail to fit, each refused before training with the column and both shapes named.
 */
class DataFrameTest {
    static final SparkTests.Data DATA = SparkTests.Data.blobs(60, 6, 3, 5);
    static final Compilation MODEL = SparkTests.compile("Small", SparkTests.classifier("Small", 6, 4, 3, "Optimizer optimizer = sgd(0.1);"),
            DType.FLOAT64);

    private static SparkTrainer trainer() {
        return SparkTrainer.fromCompilation(MODEL, 16, 1).globalBatch(20).epochs(1).shuffle(false);
    }

    private static String refused(Dataset<Row> df) {
        return assertThrows(DataException.class, () -> trainer().fit(df, null)).getMessage();
    }

    private static void assertMentions(String message, String... parts) {
        for (String p : parts) assertTrue(message.contains(p), "expected \"" + p + "\" in: " + message);
    }

    private static Dataset<Row> frame(StructType schema, List<Row> rows) {
        return SparkTests.spark().createDataFrame(rows, schema).coalesce(2);
    }

    @Test
    void mlVectorColumnsTrainAsArraysDo() {
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType()).add("label", DataTypes.IntegerType);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            double[] x = DATA.x()[i];
            // Every third row sparse, with its values at their indices.
            var v = i % 3 == 0 ? Vectors.dense(x).toSparse() : Vectors.dense(x);
            rows.add(RowFactory.create(v, DATA.y()[i]));
        }
        double[] fromVectors = SparkTests.everything(trainer().fit(SparkTests.spark().createDataFrame(rows, schema).repartition(1), null).trainer());
        double[] fromArrays = SparkTests.everything(trainer().fit(SparkTests.frame(DATA, 60), null).trainer());
        assertArrayEquals(fromArrays, fromVectors);
    }

    @Test
    void missingColumnsAndWrongTypesAreRefusedByTheSchema() {
        Dataset<Row> good = SparkTests.frame(DATA, 30, 30);
        assertMentions(refused(good.withColumnRenamed("features", "pixels")),
                "no column 'features'", "Small's input 'x' [batch, 6]", "its columns are pixels, label");
        assertMentions(refused(good.withColumn("features", good.col("label").cast("string"))),
                "column 'features'", "is string", "Small's input 'x' [batch, 6]", "6 numbers per example");
        assertMentions(refused(good.withColumn("label", good.col("features"))),
                "column 'label' of the training DataFrame has 6 values (shape [6]) in row 0 of partition 0", "Small's input 'y' [batch]",
                "takes one value per example");
        assertMentions(refused(good.withColumn("features", good.col("label").cast("double"))),
                "column 'features'", "one number per row", "shape []", "[batch, 6]", "6 values per example");
        assertMentions(assertThrows(DataException.class, () -> trainer().column("z", "label").fit(good, null)).getMessage(),
                "Small has no input 'z'");
        // The names are configurable, so the same frame renamed fits.
        assertEquals(60, trainer().featuresCol("pixels").labelCol("class")
                .fit(good.withColumnRenamed("features", "pixels").withColumnRenamed("label", "class"), null).examples());
    }

    @Test
    void rowsThatDoNotFitAreRefusedBeforeTraining() {
        StructType schema = new StructType().add("features", DataTypes.createArrayType(DataTypes.FloatType)).add("label", DataTypes.LongType);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 40; i++) rows.add(RowFactory.create(new Float[] {1f, 2f, 3f, 4f, 5f, 6f}, 1L));
        List<Row> short5 = new ArrayList<>(rows);
        short5.set(27, RowFactory.create(new Float[] {1f, 2f, 3f, 4f, 5f}, 1L));
        assertMentions(refused(frame(schema, short5)),
                "column 'features' of the training DataFrame has 5 values (shape [5]) in row 7 of partition 1",
                "Small's input 'x' [batch, 6] takes 6 values per example");
        List<Row> nulls = new ArrayList<>(rows);
        nulls.set(3, RowFactory.create(null, 1L));
        assertMentions(refused(frame(schema, nulls)), "column 'features' of the training DataFrame is null in row 3 of partition 0");
        List<Row> nullLabel = new ArrayList<>(rows);
        nullLabel.set(5, RowFactory.create(new Float[] {1f, 2f, 3f, 4f, 5f, 6f}, null));
        assertMentions(refused(frame(schema, nullLabel)), "column 'label' of the training DataFrame is null in row 5 of partition 0",
                "Small's input 'y' [batch] takes one value per example");
        List<Row> badLabel = new ArrayList<>(rows);
        badLabel.set(2, RowFactory.create(new Float[] {1f, 2f, 3f, 4f, 5f, 6f}, 7L));
        // A label that is not a class index is the trainer's own check, shown as it is rather than as a task failure.
        assertMentions(refused(frame(schema, badLabel)), "input 'y' holds 7 at row 2", "not a class index");
        assertMentions(refused(frame(schema, rows).limit(0)), "the training DataFrame has no rows");
        assertMentions(assertThrows(DataException.class, () -> trainer().fit(SparkTests.frame(DATA, 60), frame(schema, short5))).getMessage(),
                "of the test DataFrame has 5 values");
    }

    /** A NaN in the data makes the loss NaN: training stops at that step, and neither the trainer nor a checkpoint takes it. */
    @Test
    void aNonFiniteLossStopsTrainingBeforeTheTrainerOrACheckpointTakesIt(@TempDir Path dir) {
        double[][] x = new double[DATA.x().length][];
        for (int i = 0; i < x.length; i++) x[i] = DATA.x()[i].clone();
        x[43][2] = Double.NaN; // partition 1's row 13: with 3 steps of 20 and no shuffle, in step 2's share (rows 10..19)
        SparkTrainer st = trainer().checkpointDir(dir);
        double[] initial = SparkTests.everything(st.trainer());
        DivergenceException e = assertThrows(DivergenceException.class,
                () -> st.fit(SparkTests.frame(new SparkTests.Data(x, DATA.y()), 30, 30), null));
        assertEquals(2, e.step(), e.getMessage());
        assertMentions(e.getMessage(), "training diverged at step 2", "the loss is NaN");
        assertFalse(Files.exists(SparkTrainer.checkpointFile(dir, 1)), "a checkpoint was written");
        // The driver took step 1 and not step 2: its state is that of a one-step run on step 1's rows (0..9 of each partition).
        double[][] x1 = new double[20][];
        int[] y1 = new int[20];
        for (int i = 0; i < 20; i++) {
            int row = i < 10 ? i : 20 + i;
            x1[i] = DATA.x()[row];
            y1[i] = DATA.y()[row];
        }
        double[] oneStep = SparkTests.everything(SparkTrainer.fromCompilation(MODEL, 16, 1).globalBatch(20).epochs(1).shuffle(false)
                .fit(SparkTests.frame(new SparkTests.Data(x1, y1), 10, 10), null).trainer());
        assertFalse(Arrays.equals(initial, oneStep));
        assertArrayEquals(oneStep, SparkTests.everything(st.trainer()), "the trainer is not where step 1 left it");
    }
}
