package dev.gradc.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradc.runtime.Datasets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * samples/spark-fashion-mnist's model and recipe, short: Fashion-MNIST written to Parquet, read
 * back in two partitions and trained on local[2] with parameter averaging, to at least 85% test
 * accuracy. (The sample itself, SparkFashionMnist, runs both modes and the single-JVM baseline.)
 */
class FashionMnistSampleTest {
    static final Path MODEL = Path.of("../samples/spark-fashion-mnist/src/main/grad/dev/gradc/samples/spark/FashionMnist.grad");

    @Test
    void averagingReachesEightyFivePercent(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Datasets.FASHION_MNIST), "dataset-fashion-mnist is not installed");
        var spark = SparkTests.spark();
        SparkData.writeParquet(spark, Datasets.fashionMnistTrain(), tmp.resolve("train").toString(), 10_000);
        SparkData.writeParquet(spark, Datasets.fashionMnistTest(), tmp.resolve("test").toString(), 10_000);
        Dataset<Row> train = spark.read().parquet(tmp.resolve("train").toString()).coalesce(2);
        Dataset<Row> test = spark.read().parquet(tmp.resolve("test").toString()).coalesce(2);

        // The sample's averaging recipe: global batch 256 (128 a worker), averaged every 8 steps, Adam at 2e-3.
        SparkTrainer st = SparkTrainer.of(MODEL, 256, 1).globalBatch(256).epochs(2).mode(Mode.averaging(8));
        st.trainer().setLearningRate(2e-3);
        TrainingResult r = st.progress(System.out::println).fit(train, test);
        assertEquals(60_000, r.examples());
        assertEquals(2, r.partitions());
        assertEquals(Metric.ACCURACY, r.last().metric());
        assertTrue(r.testMetric() >= 0.85, "test accuracy " + r.testMetric());
    }
}
