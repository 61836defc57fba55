package dev.gradc.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradc.compiler.Compilation;
import dev.gradc.compiler.Compiler;
import dev.gradc.dsl.Source;
import dev.gradc.runtime.Checkpoint;
import dev.gradc.runtime.DType;
import dev.gradc.runtime.Dataset;
import dev.gradc.runtime.Datasets;
import dev.gradc.runtime.LearningRate;
import dev.gradc.runtime.Npz;
import dev.gradc.runtime.NpyArray;
import dev.gradc.runtime.TensorInfo;
import dev.gradc.runtime.Trainer;
import dev.gradc.runtime.Training;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exact resume: N steps straight, and k steps, a checkpoint, and the rest from it, give the same
 * bits, through the CLI (--save-every, --resume, Ctrl-C) and through Training.fit with a Position;
 * with dropout, shuffled mini-batches and a learning-rate schedule, in float32 and float64.
 */
class ResumeTest {
    /** Dropout, Adam (moments and a step count to carry over) and a clipped gradient. */
    static final String MODEL = """
            class Drop {
                Input x = input(batch, 2);
                Input y = input(batch);
                Param w = xavierUniform(2, 16), b = zeros(16), v = xavierUniform(16, 2);
                Tensor logits() { return matmul(dropout(tanh(matmul(x, w) + b), 0.25), v); }
                Tensor loss() { return crossEntropy(logits(), y); }
                Optimizer o = adam(0.05);
                Clip clip = clipNorm(1.0);
            }
            """;

    @TempDir
    Path tmp;

    Path model() throws IOException {
        return Files.writeString(tmp.resolve("Drop.grad"), MODEL);
    }

    static CliTest.Run ok(String... args) {
        CliTest.Run r = CliTest.gradc(args);
        assertEquals(0, r.exit(), String.join(" ", args) + "\n" + r.out() + r.err());
        return r;
    }

    static String[] args(List<String> common, String... more) {
        List<String> all = new ArrayList<>(common);
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    /** Every parameter of two .npz files, bit for bit (floats compared as their bits). */
    static void assertSameParameters(Path expected, Path actual, List<String> names) throws IOException {
        List<NpyArray> a = Npz.read(expected), b = Npz.read(actual);
        for (String name : names) {
            NpyArray x = a.stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
            NpyArray y = b.stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
            assertEquals(x.dtype(), y.dtype(), name);
            if (x.data() instanceof float[] f) assertArrayEquals(f, (float[]) y.data(), name);
            else assertArrayEquals((double[]) x.data(), (double[]) y.data(), name);
        }
    }

    static final List<String> PARAMS = List.of("w", "b", "v");

    @ParameterizedTest(name = "float64 {0}")
    @ValueSource(booleans = {false, true})
    void stepsThroughTheCli(boolean float64) throws IOException {
        List<String> common = new ArrayList<>(List.of("train", model().toString(), "--data", "moons", "--samples", "60",
                "--batch", "16", "--steps", "30", "--lr-schedule", "linear", "--lr-end", "0.001", "--warmup", "3",
                "--print-every", "7", "--checkpoint", tmp.resolve("ck-{step}.npz").toString(), "--save-every", "10"));
        if (float64) common.add("--float64");
        Path straight = tmp.resolve("straight.npz"), resumed = tmp.resolve("resumed.npz");
        CliTest.Run first = ok(args(common, "--save", straight.toString(), "--history", tmp.resolve("straight.csv").toString()));
        assertTrue(first.out().contains("wrote checkpoint " + tmp.resolve("ck-10.npz") + " (step 10)"), first.out());
        assertTrue(first.out().contains("wrote checkpoint " + tmp.resolve("ck-30.npz") + " (step 30)"), first.out());
        byte[] end = Files.readAllBytes(tmp.resolve("ck-30.npz"));
        CliTest.Run second = ok(args(common, "--resume", tmp.resolve("ck-10.npz").toString(), "--save", resumed.toString(),
                "--history", tmp.resolve("resumed.csv").toString()));
        assertTrue(second.out().contains("resuming from " + tmp.resolve("ck-10.npz") + " at step 10/30"), second.out());
        assertFalse(second.out().contains("step    7/30"), "steps before the checkpoint are not run again:\n" + second.out());
        assertTrue(second.out().contains("step   14/30"), second.out());
        assertSameParameters(straight, resumed, PARAMS);
        // The resumed run's history continues the first one's: every row the same but for the wall-clock time.
        assertEquals(withoutTime(tmp.resolve("straight.csv")), withoutTime(tmp.resolve("resumed.csv")));
        // Its final checkpoint holds the same state as the straight run's: optimizer moments, step count, dropout generator.
        Checkpoint a = new Checkpoint(Npz.read(tmp.resolve("ck-30.npz")));
        Checkpoint b = new Checkpoint(Npz.read(writeBytes(tmp.resolve("straight-ck-30.npz"), end)));
        for (NpyArray x : b.arrays()) {
            if (x.name().equals("training/seconds") || x.name().equals("training/history") || x.name().equals("training/epoch_sums")) continue;
            assertEquals(x, a.get(x.name()), x.name());
        }
    }

    static Path writeBytes(Path file, byte[] bytes) throws IOException {
        return Files.write(file, bytes);
    }

    /** The history's rows without the seconds column (the last). */
    static List<String> withoutTime(Path csv) throws IOException {
        List<String> rows = new ArrayList<>();
        for (String line : Files.readAllLines(csv)) rows.add(line.substring(0, line.lastIndexOf(',')));
        return rows;
    }

    @Test
    void epochsThroughTheCliWithAStepSchedule() throws IOException {
        List<String> common = List.of("train", model().toString(), "--data", "circles", "--samples", "50", "--batch", "8",
                "--epochs", "5", "--lr-schedule", "step", "--lr-every", "9", "--lr-gamma", "0.5", "--print-every", "1",
                "--checkpoint", tmp.resolve("e{epoch}.npz").toString(), "--save-every", "2");
        Path straight = tmp.resolve("straight.npz"), resumed = tmp.resolve("resumed.npz");
        CliTest.Run first = ok(args(common, "--save", straight.toString()));
        // 50 examples in batches of 8: 7 steps an epoch; checkpoints after epochs 2 and 4, and at the end.
        assertTrue(first.out().contains("wrote checkpoint " + tmp.resolve("e2.npz") + " (step 14)"), first.out());
        assertTrue(first.out().contains("wrote checkpoint " + tmp.resolve("e4.npz") + " (step 28)"), first.out());
        assertTrue(first.out().contains("wrote checkpoint " + tmp.resolve("e5.npz") + " (step 35)"), first.out());
        CliTest.Run second = ok(args(common, "--resume", tmp.resolve("e2.npz").toString(), "--save", resumed.toString()));
        assertTrue(second.out().contains("at step 14/35 (epoch 3/5)"), second.out());
        assertFalse(second.out().contains("epoch   2/5"), second.out());
        assertTrue(second.out().contains("epoch   3/5"), second.out());
        assertSameParameters(straight, resumed, PARAMS);
    }

    @Test
    void resumeRefusesWhatItCannotContinue() throws IOException {
        Path m = model();
        Path params = tmp.resolve("p.npz"), ck = tmp.resolve("ck.npz");
        ok("train", m.toString(), "--steps", "4", "--batch", "10", "--save", params.toString(), "--checkpoint", ck.toString(), "--save-every", "2");
        CliTest.Run onlyParams = CliTest.gradc("train", m.toString(), "--resume", params.toString(), "--save", tmp.resolve("o.npz").toString());
        assertEquals(1, onlyParams.exit());
        assertEquals("gradc: cannot resume from " + params + ": it holds parameters only, not a checkpoint (use --init " + params
                + " to start a new run from them)\n", onlyParams.err());
        CliTest.Run otherBatch = CliTest.gradc("train", m.toString(), "--resume", ck.toString(), "--steps", "4", "--batch", "20",
                "--save", tmp.resolve("o.npz").toString());
        assertEquals(1, otherBatch.exit());
        assertEquals("gradc: cannot resume from " + ck + ": it is of a run over 100 examples in batches of 10; this one has 100 "
                + "examples in batches of 20 (give the data and --batch of that run)\n", otherBatch.err());
        CliTest.Run past = CliTest.gradc("train", m.toString(), "--resume", ck.toString(), "--steps", "3", "--batch", "10",
                "--save", tmp.resolve("o.npz").toString());
        assertEquals(1, past.exit());
        assertTrue(past.err().startsWith("gradc: cannot resume from " + ck + ": it is at step 4, past the 3 steps of this run"), past.err());
        CliTest.Run both = CliTest.gradc("train", m.toString(), "--resume", ck.toString(), "--init", params.toString());
        assertEquals(2, both.exit());
        assertEquals("gradc: --init starts a new run and --resume continues one: give one of them\n", both.err());
        // A finished run goes on for more steps from its last checkpoint.
        CliTest.Run longer = ok("train", m.toString(), "--resume", ck.toString(), "--steps", "6", "--batch", "10",
                "--save", tmp.resolve("o.npz").toString());
        assertTrue(longer.out().contains("resuming from " + ck + " at step 4/6"), longer.out());
        // Resumed at its last step, a run trains no more and says so, rather than a last batch's loss of 0.
        CliTest.Run done = ok("train", m.toString(), "--resume", ck.toString(), "--steps", "6", "--batch", "10",
                "--save", tmp.resolve("d.npz").toString());
        assertTrue(done.out().contains("at step 6/6") && done.out().contains("\nno steps run\n"), done.out());
        assertFalse(done.out().contains("last batch loss"), done.out());
    }

    /**
     * SIGTERM (what Ctrl-C's SIGINT does too) to a real gradc process: it stops at a step boundary,
     * writes its checkpoint and exits; resuming from it gives the parameters of a run never stopped.
     */
    @Test
    void aTerminatedRunWritesACheckpointThatResumesExactly() throws Exception {
        Path m = model();
        Path ck = tmp.resolve("killed.npz");
        String steps = "50000000"; // far more than run before the signal comes (a step takes microseconds)
        List<String> common = List.of("train", m.toString(), "--data", "moons", "--samples", "40", "--batch", "8",
                "--steps", steps, "--print-every", "0", "--lr-schedule", "cosine", "--float64");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(common);
        command.addAll(List.of("--checkpoint", ck.toString(), "--save", tmp.resolve("never.npz").toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(tmp.resolve("log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(tmp.resolve("log")).contains("training on") && System.nanoTime() < deadline && p.isAlive()) Thread.sleep(50);
        Thread.sleep(300);
        assertTrue(p.isAlive(), "the run ended before the signal:\n" + Files.readString(tmp.resolve("log")));
        p.destroy(); // SIGTERM
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String log = Files.readString(tmp.resolve("log"));
        assertEquals(143, p.exitValue(), log); // 128 + SIGTERM, as the JVM ends after its shutdown hooks
        assertTrue(log.matches("(?s).*wrote checkpoint \\Q" + ck + "\\E \\(step \\d+\\)\ninterrupted at step \\d+/" + steps
                + "; continue with: --resume \\Q" + ck + "\\E\n.*"), log);
        assertFalse(Files.exists(tmp.resolve("never.npz")), "an interrupted run writes its checkpoint, not final parameters");
        int at = Training.Position.of(Checkpoint.read(ck)).step();
        assertTrue(at > 0 && at < Integer.parseInt(steps), "step " + at);

        // The same run, straight to step `at + 50`, against the checkpoint resumed for 50 more (shorter runs, same schedule).
        Compilation c = Compiler.compile(new Source("Drop.grad", MODEL), Compiler.Options.DEFAULT.withDtype(DType.FLOAT64));
        Dataset moons = Datasets.moons(40, 0.1, 1);
        Training.Config config = new Training.Config(Integer.parseInt(steps), 0, 8, LearningRate.cosine(0.05, 0, Integer.parseInt(steps)).withWarmup(0),
                1, false, false, 0);
        Trainer straight = c.newTrainer(8, 1);
        Training.fit(straight, moons, null, config, stopAt(at + 50), null);
        Trainer resumed = c.newTrainer(8, 1);
        Training.Position from = Training.resume(resumed, Checkpoint.read(ck));
        Training.fit(resumed, moons, null, config, stopAt(at + 50), from);
        assertSameParameters(straight, resumed);
    }

    static Training.Listener stopAt(int step) {
        return new Training.Listener() {
            @Override
            public boolean afterStep(Training.Progress p) {
                return p.step() < step;
            }
        };
    }

    static void assertSameParameters(Trainer expected, Trainer actual) {
        for (TensorInfo p : expected.params()) {
            assertArrayEquals(expected.param(p.name()).toDoubleArray(), actual.param(p.name()).toDoubleArray(), p.name());
        }
    }

    // the embedding API: Training.fit, Result.position(), Training.resume

    @ParameterizedTest(name = "float64 {0}")
    @ValueSource(booleans = {false, true})
    void fitStopsAndResumesThroughAPosition(boolean float64) throws IOException {
        Compilation c = Compiler.compile(new Source("Drop.grad", MODEL), Compiler.Options.DEFAULT.withDtype(float64 ? DType.FLOAT64 : DType.FLOAT32));
        Dataset train = Datasets.spirals(45, 2, 0.1, 3), test = Datasets.spirals(20, 2, 0.1, 4);
        // About 45 examples in batches of 10: 5 steps an epoch (the last shorter), reshuffled each epoch.
        Training.Config config = new Training.Config(0, 6, 10, LearningRate.step(0.05, 4, 0.7).withWarmup(2), 7, false, false, 2);
        List<String> straightLines = new ArrayList<>();
        Trainer straight = c.newTrainer(10, 5);
        Training.Result all = Training.fit(straight, train, test, config, new Training.Listener() {
            @Override
            public void line(String text) {
                straightLines.add(text);
            }
        }, null);
        int total = config.totalSteps(train.size()), perEpoch = config.stepsPerEpoch(train.size());
        assertTrue(train.size() % 10 != 0 && perEpoch >= 4, "a short last batch in every epoch: " + train.size());
        assertEquals(total, all.steps());
        assertFalse(all.stopped());

        // The first step, mid-epoch, an epoch's end, the step after it, the step before the last.
        for (int k : new int[] {1, perEpoch + 2, 2 * perEpoch, 2 * perEpoch + 1, total - 1}) {
            Trainer first = c.newTrainer(10, 5);
            Training.Result part = Training.fit(first, train, test, config, stopAt(k), null);
            assertTrue(part.stopped());
            assertEquals(k, part.steps());
            assertEquals(k, part.position().step());
            assertEquals(null, part.train()); // a stopped run measures nothing at its end
            Path file = tmp.resolve("run" + k + ".npz");
            part.position().addTo(first.checkpoint()).write(file);

            Trainer resumed = c.newTrainer(10, 99); // another seed: everything comes from the checkpoint
            Training.Position at = Training.resume(resumed, Checkpoint.read(file));
            List<String> lines = new ArrayList<>();
            Training.Result rest = Training.fit(resumed, train, test, config, new Training.Listener() {
                @Override
                public void line(String text) {
                    lines.add(text);
                }
            }, at);
            assertEquals(total - k, rest.steps(), "after " + k);
            assertSameParameters(straight, resumed);
            assertEquals(all.loss(), rest.loss());
            assertEquals(all.train(), rest.train());
            assertEquals(all.test(), rest.test());
            // The history is the whole run's, and so are the progress lines after the resume point (the time aside).
            assertEquals(all.history().size(), rest.history().size());
            for (int i = 0; i < all.history().size(); i++) {
                Training.Record x = all.history().get(i), y = rest.history().get(i);
                assertEquals(Arrays.asList(x.step(), x.epoch(), x.loss(), x.metric(), x.testLoss(), x.testMetric(), x.learningRate()),
                        Arrays.asList(y.step(), y.epoch(), y.loss(), y.metric(), y.testLoss(), y.testMetric(), y.learningRate()), "row " + i);
            }
            List<String> expected = straightLines.subList(straightLines.size() - lines.size(), straightLines.size());
            assertEquals(strip(expected), strip(lines), "after " + k);
        }
    }

    /** Progress lines without their time in step(). */
    static List<String> strip(List<String> lines) {
        return lines.stream().map(l -> l.replaceAll("  [0-9.]+ s in step\\(\\)", "")).toList();
    }

    @Test
    void aPositionOfAnotherRunIsRefusedBeforeAnythingChanges() throws IOException {
        Compilation c = Compiler.compile(new Source("Drop.grad", MODEL), Compiler.Options.DEFAULT);
        Dataset train = Datasets.moons(30, 0.1, 1);
        Training.Config config = new Training.Config(10, 0, 10, LearningRate.constant(0.05), 1, false, false, 0);
        Trainer t = c.newTrainer(10, 1);
        Training.Result r = Training.fit(t, train, null, config, stopAt(3), null);
        Checkpoint saved = r.position().addTo(t.checkpoint());
        Trainer other = c.newTrainer(10, 1);
        Training.Position at = Training.resume(other, saved);
        dev.gradc.runtime.CheckpointException e = org.junit.jupiter.api.Assertions.assertThrows(dev.gradc.runtime.CheckpointException.class,
                () -> Training.fit(other, Datasets.moons(40, 0.1, 1), null, config, new Training.Listener() { }, at));
        assertEquals("the checkpoint is of a run over 30 examples in batches of 10; this one has 40 examples in batches of 10: "
                + "continue it with the same data and batch", e.getMessage());
        // A trainer's own checkpoint has no position: Training.resume says so.
        dev.gradc.runtime.CheckpointException none = org.junit.jupiter.api.Assertions.assertThrows(dev.gradc.runtime.CheckpointException.class,
                () -> Training.resume(c.newTrainer(10, 1), t.checkpoint()));
        assertNotNull(none.getMessage());
        assertTrue(none.getMessage().contains("no training position"), none.getMessage());
    }
}
