package dev.gradc.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradc.compiler.Compilation;
import dev.gradc.compiler.Compiler;
import dev.gradc.dsl.Source;
import dev.gradc.runtime.Dataset;
import dev.gradc.runtime.Datasets;
import dev.gradc.runtime.DivergenceException;
import dev.gradc.runtime.LearningRate;
import dev.gradc.runtime.Trainer;
import dev.gradc.runtime.Training;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gradc train refuses what cannot be trained before it trains (options out of range, a target it
 * cannot write, labels the model cannot learn from), and stops at a divergence without saving.
 */
class TrainOptionsTest {
    @TempDir
    Path tmp;

    Path tiny() throws IOException {
        return Files.writeString(tmp.resolve("Tiny.grad"), CliTest.TINY);
    }

    CliTest.Run train(Path model, String... options) {
        return CliTest.train(model, tmp.resolve("out.npz"), options);
    }

    /** A usage error: exit code 2, the one line, nothing trained, nothing saved. */
    void usageError(String expected, String... options) throws IOException {
        CliTest.Run r = train(tiny(), options);
        assertEquals(2, r.exit(), String.join(" ", options) + ": " + r.err());
        assertEquals(expected + "\n", r.err(), String.join(" ", options));
        assertEquals("", r.out());
        assertFalse(Files.exists(tmp.resolve("out.npz")));
    }

    @Test
    void optionsOutOfRangeAreUsageErrors() throws IOException {
        usageError("gradc: --steps must be at least 1, got 0", "--steps", "0");
        usageError("gradc: --steps must be at least 1, got -1", "--steps", "-1");
        usageError("gradc: --epochs must be at least 0 (0 counts --steps instead), got -1", "--epochs", "-1");
        usageError("gradc: --batch must be at least 0 (0 for the whole data set), got -5", "--batch", "-5");
        usageError("gradc: --lr must be a finite number of at least 0, got -1.0", "--lr", "-1");
        usageError("gradc: --lr must be a finite number of at least 0, got Infinity", "--lr", "Infinity");
        usageError("gradc: --lr must be a finite number of at least 0, got NaN", "--lr", "NaN");
        usageError("gradc: --samples must be at least 1, got 0", "--samples", "0");
        usageError("gradc: --lr-every must be at least 1, got 0", "--lr-every", "0", "--lr-schedule", "step");
        usageError("gradc: --lr-gamma must be a positive finite number, got NaN", "--lr-gamma", "NaN");
        usageError("gradc: --lr-end must be a finite number of at least 0, got -Infinity", "--lr-end", "-Infinity");
        usageError("gradc: --noise must be a finite number of at least 0, got -0.5", "--noise", "-0.5");
        usageError("gradc: --warmup must be at least 0, got -3", "--warmup", "-3");
        usageError("gradc: --print-every must be at least 0 (0 for none), got -1", "--print-every", "-1");
        usageError("gradc: --threads must be at least 1, got 0", "--threads", "0");
        usageError("gradc: --classes must be at least 2, got 1", "--classes", "1");
        usageError("gradc: --labels must be as-is or signed, got 'signd'", "--labels", "signd");
        usageError("gradc: --epochs 2147483647 with batches of 1 over 100 examples: 2147483647 epochs of 100 steps are "
                + "214748364700 steps, more than 2147483647; use fewer epochs or larger batches", "--epochs", "2147483647", "--batch", "1");
    }

    @Test
    void moreThreadsThanProcessorsIsAWarningNamingTheProcessorCount() throws IOException {
        int processors = Runtime.getRuntime().availableProcessors();
        CliTest.Run r = train(tiny(), "--threads", "1000", "--steps", "1");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.err().contains("gradc: warning: --threads 1000 is more than the " + processors + " processor"), r.err());
        assertTrue(Files.exists(tmp.resolve("out.npz")));
    }

    /** The run refused before training: exit 1, the message, no training output. */
    void refusedBeforeTraining(CliTest.Run r, String expected) {
        assertEquals(1, r.exit(), r.err());
        assertEquals(expected + "\n", r.err());
        assertFalse(r.out().contains("training on"), r.out());
        CliTest.assertNoStackTrace(r);
    }

    @Test
    void aBadSaveTargetIsFoundBeforeTraining() throws IOException {
        Path model = tiny();
        Path missing = tmp.resolve("no/such/dir/out.npz");
        refusedBeforeTraining(CliTest.gradc("train", model.toString(), "--save", missing.toString()),
                "gradc: cannot write parameters to " + missing + ": directory " + missing.getParent() + " does not exist");
        refusedBeforeTraining(CliTest.gradc("train", model.toString(), "--save", tmp.toString()),
                "gradc: cannot write parameters to " + tmp + ": " + tmp + " is a directory");
        Path file = Files.writeString(tmp.resolve("plain"), "x");
        refusedBeforeTraining(CliTest.gradc("train", model.toString(), "--save", file.resolve("out.npz").toString()),
                "gradc: cannot write parameters to " + file.resolve("out.npz") + ": " + file + " is not a directory");
    }

    @Test
    void labelsOutsideTheClassesAreRefusedNamingFileRowAndRange() throws IOException {
        Path model = TrainDataTest.model(tmp, 2, 3);
        String range = "the 3 classes of C's first output 'logits' [batch, 3] (integers 0 to 2)";
        for (String label : new String[] {"7", "-1", "1.5", "1e9"}) {
            Path csv = Files.writeString(tmp.resolve("d.csv"), "a,b,label\n0,1,2\n1,0," + label + "\n");
            refusedBeforeTraining(train(model, "--data", csv.toString()), csv + ":3:5: error: label " + label + " is outside " + range);
        }
        // Synthetic sets and IDX files are checked as loaded, by row or item.
        refusedBeforeTraining(train(model, "--data", "spirals", "--classes", "5", "--samples", "50"),
                "gradc: data set spirals: row 1 is 4, outside " + range);
        Path images = Files.write(tmp.resolve("images"), TrainDataTest.idx(new int[] {2, 2}, new int[] {0, 1, 2, 3}));
        Path labels = Files.write(tmp.resolve("labels"), TrainDataTest.idx(new int[] {2}, new int[] {1, 200}));
        refusedBeforeTraining(train(model, "--data", "idx:" + images + "," + labels),
                "gradc: " + labels + ": label of item 2 is 200, outside " + range);
        // A held-out set is checked the same way.
        Path test = Files.writeString(tmp.resolve("t.csv"), "0,1,3\n");
        refusedBeforeTraining(train(model, "--data", "moons", "--test-data", test.toString()), test + ":1:5: error: label 3 is outside " + range);
    }

    @Test
    void aScoreTakesZeroOneOrMinusOnePlusOneButNotBoth() throws IOException {
        Path model = tiny();
        String range = "the labels of a score like Tiny's first output 'score' [batch] (0/1 or -1/+1, not both)";
        Path mixed = Files.writeString(tmp.resolve("m.csv"), "0,1,1\n1,0,0\n1,1,-1\n");
        refusedBeforeTraining(train(model, "--data", mixed.toString()), mixed + ":3:5: error: label -1 is outside " + range);
        Path two = Files.writeString(tmp.resolve("two.csv"), "0,1,1\n1,0,2\n");
        refusedBeforeTraining(train(model, "--data", two.toString()), two + ":2:5: error: label 2 is outside " + range);
        Path signed = Files.writeString(tmp.resolve("s.csv"), "0,1,1\n1,0,-1\n");
        assertEquals(0, train(model, "--data", signed.toString(), "--steps", "2").exit());
        // Regression takes any target.
        assertEquals(0, train(model, "--data", two.toString(), "--steps", "2", "--task", "regression").exit());
    }

    @Test
    void divergenceStopsBeforeSavingAndNamesTheModelLine() throws IOException {
        Path model = tiny();
        Path good = tmp.resolve("out.npz");
        assertEquals(0, train(model, "--steps", "5").exit());
        byte[] before = Files.readAllBytes(good);
        CliTest.Run r = train(model, "--lr", "1e6", "--steps", "100");
        assertEquals(1, r.exit(), r.err());
        CliTest.assertNoStackTrace(r);
        assertTrue(r.err().matches("(?s)gradc: training diverged at step \\d+ \\(learning rate 1\\.000e\\+06\\): the loss is (NaN|Infinity); "
                + "stopped before saving anything \\(\\Q" + good + "\\E is unchanged\\)\n.*"), r.err());
        // The note names an operation of the model's lines 5 or 6 (score's matmul or the loss), with its line and a caret.
        assertTrue(r.err().matches("(?s).*\n\\Q" + model + "\\E:[56]:\\d+: note: replaying step \\d+ in double precision, the first "
                + "non-finite value comes from \\w+ \\(.*\\)\n {4}Tensor .*\n *\\^\n"), r.err());
        assertFalse(r.out().contains("last batch loss"), r.out());
        assertFalse(r.out().contains("wrote parameters"), r.out());
        assertFalse(r.out().contains("NaN") || r.out().contains("Infinity"), r.out());
        assertArrayEquals(before, Files.readAllBytes(good));
    }

    @Test
    void aModelFileThatIsNotUtf8IsAPositionedError() throws IOException {
        Path model = Files.write(tmp.resolve("Tiny.grad"), CliTest.TINY.replace("// ", "").replace("Param w", "Param w\u00e9")
                .getBytes(StandardCharsets.ISO_8859_1));
        CliTest.Run r = train(model);
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith(model + ":4:12: error: not UTF-8 text\n"), r.err());
        CliTest.assertNoStackTrace(r);
    }

    // the embedding API

    static Compilation compile(String text) {
        return Compiler.compile(new Source("M.grad", text), Compiler.Options.DEFAULT);
    }

    @Test
    void fitThrowsADivergenceExceptionWithStepAndRate() {
        Compilation c = compile(CliTest.TINY);
        Dataset moons = Datasets.moons(50, 0.1, 1);
        Trainer t = c.newTrainer(50, 1);
        Training.Config config = new Training.Config(100, 0, 50, LearningRate.constant(1e6), 1, true, false, 0);
        DivergenceException e = assertThrows(DivergenceException.class, () -> Training.fit(t, moons, null, config, line -> { }));
        assertTrue(e.step() > 1 && e.step() < 100, "step " + e.step());
        assertEquals(1e6, e.learningRate());
        assertFalse(Double.isFinite(e.value()));
        assertEquals(null, e.parameter());
        assertTrue(e.getMessage().startsWith("training diverged at step " + e.step() + " (learning rate 1.000e+06): the loss is "), e.getMessage());
    }

    @Test
    void theOptInParameterCheckFindsANonFiniteParameterTheLossHides() {
        // relu(-w * w) is 0 for any w, infinite ones included: the loss of step 1 stays finite while w is not
        // (and its gradient NaN makes w NaN, which the loss shows only at step 2).
        Compilation c = compile("""
                class Hide {
                    Input x = input(batch, 2);
                    Input y = input(batch);
                    Param w = zeros(2);
                    Tensor out() { return matmul(x, w); }
                    Tensor loss() { return sum(relu(-w * w)); }
                    Optimizer o = sgd(0.1);
                }
                """);
        Dataset moons = Datasets.moons(10, 0.1, 1);
        for (boolean check : new boolean[] {false, true}) {
            Trainer t = c.newTrainer(10, 1);
            t.param("w").set(1, Double.POSITIVE_INFINITY);
            Training.Config config = new Training.Config(3, 0, 10, LearningRate.constant(0.1), 1, false, false, 0, check);
            DivergenceException e = assertThrows(DivergenceException.class, () -> Training.fit(t, moons, null, config, line -> { }));
            if (!check) {
                assertEquals(2, e.step());
                assertEquals(null, e.parameter());
                continue;
            }
            assertEquals(1, e.step());
            assertEquals("w", e.parameter());
            assertTrue(e.getMessage().startsWith("training diverged at step 1 (learning rate 0.1000): parameter 'w' holds "), e.getMessage());
        }
        assertEquals(List.of("w"), c.newTrainer(1, 1).params().stream().map(p -> p.name()).toList());
    }
}
