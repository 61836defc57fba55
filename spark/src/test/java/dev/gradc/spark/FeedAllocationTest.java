package dev.gradc.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gradc.compiler.Compilation;
import dev.gradc.runtime.DType;
import dev.gradc.runtime.TensorView;
import dev.gradc.runtime.Trainer;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/**
 * A round's inner loop, rows of the cached block into the trainer's input buffers and
 * accumulate(), allocates nothing (measured with the thread's allocation counter, no Spark needed).
 */
class FeedAllocationTest {
    @Test
    void feedingAndAccumulatingAllocatesNothing() {
        Compilation c = SparkTests.compile("Feed", SparkTests.classifier("Feed", 5, 8, 3, "Optimizer optimizer = adam(0.01);"), DType.FLOAT32);
        Trainer t = c.newTrainer(16, 1);
        Binding[] bindings = Binding.bind(t, Binding.defaults(t, "features", "label", Map.of()), SparkTests.SCHEMA, "training");
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            List<Object> x = List.of(i * 0.001, 1.0, -1.0, 0.5, i % 7 * 0.1);
            rows.add(RowFactory.create(scala.jdk.javaapi.CollectionConverters.asScala(x).toSeq(), i % 3));
        }
        Block block = Block.pack(0, rows.iterator(), bindings, DType.FLOAT32, "Feed", "training");
        assertEquals(null, block.problem);
        assertEquals(5000, block.rows);
        // Row 4100 sits in the second chunk: the copy crosses chunks.
        assertEquals((float) 4.1, (float) block.value(0, 4100, 0));
        TensorView[] inputs = {t.input("x"), t.input("y")};
        int[] order = new Job(null, null, bindings, 16, 1, 9, true, 1, true, null, null).order(0, 0, block.rows);
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (int warm = 0; warm < 3; warm++) run(t, inputs, block, order);
        long before = threads.getCurrentThreadAllocatedBytes();
        run(t, inputs, block, order);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(0, allocated, "bytes allocated feeding " + block.rows + " rows");
    }

    private static void run(Trainer t, TensorView[] inputs, Block block, int[] order) {
        for (int i = 0; i + 16 <= block.rows; i += 16) {
            Worker.feed(t, inputs, block, order, i, i + 16);
            t.accumulate();
        }
        t.update();
    }
}
