package dev.gradc.spark;

import dev.gradc.runtime.DType;
import dev.gradc.runtime.DataException;
import java.io.Serializable;
import java.util.Collections;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * The Spark jobs of a fit: packing the data, and one round. Their closures are serialized to the
 * executors, and deserializing a lambda resolves every method signature of the class that
 * declares it, so they live here, apart from {@link SparkTrainer}'s methods that name
 * gradc-compiler's types.
 */
final class Jobs {
    private Jobs() {}

    /** A partition's row count and first problem, reported to the driver by the packing job. */
    record Summary(int partition, int rows, String problem) implements Serializable {}

    record Prepared(JavaRDD<Block> blocks, int partitions, long examples) {}

    /** Packs every partition into a cached {@link Block}, checking every row; one Spark job. */
    static Prepared prepare(JavaSparkContext jsc, Dataset<Row> df, Binding[] bindings, DType dtype, String model, String what,
                            StorageLevel storageLevel, List<JavaRDD<Block>> cached) {
        Column[] selected = new Column[bindings.length];
        for (int k = 0; k < bindings.length; k++) selected[k] = functions.col("`" + bindings[k].column().replace("`", "``") + "`");
        JavaRDD<Block> blocks = df.select(selected).javaRDD()
                .mapPartitionsWithIndex((p, rows) -> Collections.singletonList(Block.pack(p, rows, bindings, dtype, model, what)).iterator(), true)
                .persist(storageLevel);
        cached.add(blocks);
        jsc.setJobDescription("gradc " + model + ": reading the " + what + " data");
        List<Summary> summaries = run(() -> blocks.map(b -> new Summary(b.partition, b.rows, b.problem)).collect());
        long examples = 0;
        for (Summary s : summaries.stream().sorted(java.util.Comparator.comparingInt(Summary::partition)).toList()) {
            if (s.problem() != null) throw new DataException(s.problem());
            examples += s.rows();
        }
        return new Prepared(blocks, blocks.getNumPartitions(), examples);
    }

    enum Task { SYNCHRONOUS, AVERAGING, EVALUATE }

    /** One round: every partition's vector, summed by treeAggregate in a fixed association ({@link OrderedSum}). */
    static double[] aggregate(JavaRDD<Block> blocks, int partitions, Broadcast<Job> job, Broadcast<Round> round, Task task, int length) {
        JavaRDD<Leaf> leaves = blocks.map(b -> {
            try {
                return new Leaf(b.partition, switch (task) {
                    case SYNCHRONOUS -> Worker.synchronous(job.value(), round.value(), b);
                    case AVERAGING -> Worker.averaging(job.value(), round.value(), b);
                    case EVALUATE -> Worker.evaluate(job.value(), round.value(), b);
                }, null);
            } catch (DataException e) {
                // The trainer refused the data (a label that is no class index): a result, not a task failure to retry.
                return new Leaf(b.partition, null, e.getMessage() + " (partition " + b.partition + ")");
            }
        });
        OrderedSum zero = new OrderedSum(partitions, length - 1);
        OrderedSum sum = run(() -> leaves.treeAggregate(zero,
                (acc, leaf) -> leaf.problem() != null ? acc.addProblem(leaf.partition(), leaf.problem()) : acc.add(leaf.partition(), leaf.values()),
                OrderedSum::merge, 2));
        if (sum.problem() != null) throw new DataException(sum.problem());
        return sum.result();
    }

    /** One partition's result in a round, or what was wrong with its data. */
    record Leaf(int partition, double[] values, String problem) implements Serializable {}

    /** Runs a Spark action; a user's data error inside a task comes out as the DataException it was, not a task failure's trace. */
    static <T> T run(java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (Exception e) { // Spark's actions throw SparkException without declaring it
            for (Throwable c = e; c != null; c = c.getCause()) {
                if (c instanceof DataException d) throw new DataException(d.getMessage());
            }
            throw Jobs.<RuntimeException>rethrow(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Exception> E rethrow(Exception e) throws E {
        throw (E) e;
    }
}
