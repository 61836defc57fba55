package dev.gradc.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradc.runtime.DType;
import dev.gradc.runtime.Dataset;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gradc train's data sets, epochs, test sets, schedules and tasks. */
class TrainDataTest {
    static final String CLASSIFIER = """
            class C {
                Input x = input(batch, FEATURES);
                Input label = input(batch);
                Param w = xavierUniform(FEATURES, 8), b = zeros(8), v = xavierUniform(8, CLASSES);
                Tensor logits() { return matmul(tanh(matmul(x, w) + b), v); }
                Tensor loss() { return crossEntropy(logits(), label); }
                Optimizer o = adam(0.05);
            }
            """;

    static Path model(Path dir, int features, int classes) throws IOException {
        return Files.writeString(dir.resolve("C.grad"), CLASSIFIER.replace("FEATURES", "" + features).replace("CLASSES", "" + classes));
    }

    @Test
    void circlesWithATestSetByEpochs(@TempDir Path tmp) throws IOException {
        CliTest.Run r = CliTest.gradc("train", model(tmp, 2, 2).toString(), "--data", "circles", "--test-data", "circles",
                "--samples", "200", "--epochs", "3", "--batch", "50", "--print-every", "1", "--save", tmp.resolve("p.npz").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("training on circles: 200 examples, batch 50, 3 epochs of 4 steps"), r.out());
        assertTrue(r.out().contains("epoch   3/3  loss"), r.out());
        assertTrue(r.out().matches("(?s).*training loss \\S+, training accuracy \\S+% \\(\\d+/200\\); test loss \\S+, accuracy \\S+% \\(\\d+/200\\)\n.*"), r.out());
    }

    @Test
    void idxFiles(@TempDir Path tmp) throws IOException {
        Path images = Files.write(tmp.resolve("images"), idx(new int[] {4, 2, 2}, new int[] {0, 0, 255, 255, 255, 255, 0, 0, 0, 255, 0, 255, 255, 0, 255, 0}));
        Path labels = Files.write(tmp.resolve("labels"), idx(new int[] {4}, new int[] {0, 1, 0, 1}));
        CliTest.Run r = CliTest.gradc("train", model(tmp, 4, 2).toString(), "--data", "idx:" + images + "," + labels,
                "--steps", "30", "--save", tmp.resolve("p.npz").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("training accuracy 100.0% (4/4)"), r.out());
    }

    @Test
    void imageSetsAreHeldInTheModelsPrecision(@TempDir Path tmp) throws IOException {
        Path images = Files.write(tmp.resolve("images"), idx(new int[] {2, 2}, new int[] {0, 51, 102, 255}));
        Path labels = Files.write(tmp.resolve("labels"), idx(new int[] {2}, new int[] {0, 1}));
        DataOptions options = new DataOptions();
        String spec = "idx:" + images + "," + labels;
        options.precision = DType.FLOAT32; // as train, eval and predict set it for a float32 model
        Dataset narrow = options.load(spec, 1, null, System.in);
        options.precision = DType.FLOAT64;
        Dataset wide = options.load(spec, 1, null, System.in);
        assertTrue(narrow.floatFeatures());
        assertFalse(wide.floatFeatures());
        assertEquals(0.2, wide.x()[1]); // a float64 model sees the exact quotient, not a float's
        assertEquals(0.2f, (float) narrow.x()[1]);
    }

    @Test
    void regressionReportsMeanSquaredError(@TempDir Path tmp) throws IOException {
        Path m = Files.writeString(tmp.resolve("R.grad"), """
                class R {
                    Input x = input(batch, 2);
                    Input y = input(batch);
                    Param w = zeros(2);
                    Tensor predict() { return matmul(x, w); }
                    Tensor loss() { return mse(predict(), y); }
                    Optimizer o = sgd(0.1, 0.9);
                }
                """);
        CliTest.Run r = CliTest.gradc("train", m.toString(), "--data", "regression", "--features", "2", "--task", "regression",
                "--samples", "64", "--steps", "20", "--lr-schedule", "cosine", "--warmup", "5", "--save", tmp.resolve("p.npz").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("learning rate 0.1000 -> 0.000 (cosine), 5 steps of warm-up"), r.out());
        assertTrue(r.out().contains("last batch loss ") && r.out().contains("training mse "), r.out());
    }

    @Test
    void mistakesAreMessages(@TempDir Path tmp) throws IOException {
        Path m = model(tmp, 2, 2);
        CliTest.Run unknown = CliTest.gradc("train", m.toString(), "--data", "mons");
        assertEquals(1, unknown.exit());
        assertEquals("gradc: data set mons: no such file (use moons, circles, spirals, regression, fashion-mnist, "
                + "idx:IMAGES,LABELS, a CSV file or - for standard input)\n", unknown.err());
        CliTest.Run schedule = CliTest.gradc("train", m.toString(), "--epochs", "2", "--lr-schedule", "linear");
        assertEquals(2, schedule.exit()); // a usage error
        assertEquals("gradc: the linear schedule needs --steps (it ends at the last step), not --epochs\n", schedule.err());
        CliTest.Run task = CliTest.gradc("train", m.toString(), "--task", "ranking");
        assertEquals("gradc: unknown task 'ranking' (classification or regression)\n", task.err());
        CliTest.Run idx = CliTest.gradc("train", m.toString(), "--data", "idx:onlyone");
        assertEquals("gradc: expected idx:IMAGES,LABELS, got idx:onlyone\n", idx.err());
        CliTest.assertNoStackTrace(idx);
    }

    static byte[] idx(int[] dims, int[] values) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x0800 | dims.length);
        for (int d : dims) out.writeInt(d);
        for (int v : values) out.writeByte(v);
        return bytes.toByteArray();
    }
}
