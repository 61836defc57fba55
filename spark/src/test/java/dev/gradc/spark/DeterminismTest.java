package dev.gradc.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradc.compiler.Compilation;
import dev.gradc.runtime.Checkpoint;
import dev.gradc.runtime.CheckpointException;
import dev.gradc.runtime.DType;
import dev.gradc.runtime.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's result is fixed by the partitioning, the seed and the settings: two runs agree to the
 * last bit (four partitions on two cores, so tasks finish in varying order), a task that fails
 * once and is retried by Spark changes nothing, and a run resumed from a checkpoint ends where
 * the uninterrupted one did. A float32 model with Adam, shuffled epochs.
 */
class DeterminismTest {
    static final int[] SIZES = {70, 90, 110, 130};
    static final SparkTests.Data DATA = SparkTests.Data.blobs(400, 8, 4, 11);
    static final Compilation MODEL = SparkTests.compile("Blobs", SparkTests.classifier("Blobs", 8, 16, 4, "Optimizer optimizer = adam(0.01);"),
            DType.FLOAT32);

    static final AtomicInteger FAILED = new AtomicInteger(), RETRIED = new AtomicInteger();

    private static SparkTrainer trainer(Mode mode, long seed) {
        return SparkTrainer.fromCompilation(MODEL, 16, seed).globalBatch(64).epochs(2).mode(mode);
    }

    private static double[] fit(SparkTrainer st) {
        return SparkTests.everything(st.fit(SparkTests.frame(DATA, SIZES), null).trainer());
    }

    /** Fails the first attempt of one task of the second epoch, after it has done its work. */
    private static SparkTrainer failingOnce(SparkTrainer st) {
        return st.failureHook((epoch, round, partition, attempt) -> {
            if (epoch != 1 || round != 1 || partition != 2) return;
            if (attempt == 0) {
                FAILED.incrementAndGet();
                throw new IllegalStateException("injected failure of epoch 1, round 1, partition 2");
            }
            RETRIED.incrementAndGet();
        });
    }

    @Test
    void averaging(@TempDir Path dir) throws IOException {
        Mode mode = Mode.averaging(3);
        double[] first = fit(trainer(mode, 1).checkpointDir(dir));
        int built = ModelCode.BUILT.get();
        double[] again = fit(trainer(mode, 1));
        assertArrayEquals(first, again, "a second run differs");
        // 4 partitions x 3 rounds x 2 epochs = 24 tasks: reused trainers mean the driver's and at most one per core.
        assertTrue(ModelCode.BUILT.get() - built <= 3, (ModelCode.BUILT.get() - built) + " trainers built for the second run");
        assertFalse(Arrays.equals(first, fit(trainer(mode, 2))), "another seed gave the same result");

        FAILED.set(0);
        RETRIED.set(0);
        double[] retried = fit(failingOnce(trainer(mode, 1)));
        assertEquals(1, FAILED.get(), "the failure was not injected");
        assertEquals(1, RETRIED.get(), "the failed task was not retried");
        assertArrayEquals(first, retried, "the retried run differs");

        assertTrue(Files.exists(dir.resolve("epoch-001.npz")) && Files.exists(dir.resolve("epoch-002.npz")), "checkpoints missing");
        // The last epoch's checkpoint is the runtime's, of the driver's trainer: it loads into a plain trainer of the model.
        Trainer loaded = MODEL.newTrainer(16, 99);
        loaded.loadCheckpoint(SparkTrainer.checkpointFile(dir, 2));
        assertArrayEquals(first, SparkTests.everything(loaded), "epoch-002.npz does not hold the run's final state");
        SparkTrainer resumed = trainer(mode, 1).resumeFrom(SparkTrainer.checkpointFile(dir, 1));
        TrainingResult r = resumed.fit(SparkTests.frame(DATA, SIZES), null);
        assertEquals(1, r.history().size(), "the resumed run should train epoch 2 only");
        assertEquals(2, r.last().epoch());
        assertArrayEquals(first, SparkTests.everything(r.trainer()), "the resumed run differs from the uninterrupted one");
        SparkTrainer done = trainer(mode, 1).resumeFrom(SparkTrainer.checkpointFile(dir, 2));
        assertTrue(assertThrows(IllegalStateException.class, () -> done.fit(SparkTests.frame(DATA, SIZES), null)).getMessage()
                .contains("has 2 epochs done and epochs(2) asks for no more"));
    }

    @Test
    void resumingFromAParametersFileIsRefused(@TempDir Path dir) throws IOException {
        Trainer t = MODEL.newTrainer(16, 1);
        Path params = dir.resolve("params.npz");
        t.saveParams(params);
        SparkTrainer st = trainer(Mode.SYNCHRONOUS, 1);
        double[] before = SparkTests.everything(st.trainer());
        CheckpointException e = assertThrows(CheckpointException.class, () -> st.resumeFrom(params));
        assertTrue(e.getMessage().contains(params + " is not a checkpoint of a SparkTrainer run")
                && e.getMessage().contains(Checkpoint.MARKER), e.getMessage());
        // A checkpoint of the bare trainer lacks the epochs done.
        Path bare = dir.resolve("bare.npz");
        t.saveCheckpoint(bare);
        e = assertThrows(CheckpointException.class, () -> st.resumeFrom(bare));
        assertTrue(e.getMessage().contains("no scalar " + SparkTrainer.EPOCHS_DONE), e.getMessage());
        assertArrayEquals(before, SparkTests.everything(st.trainer()), "a refused checkpoint changed the trainer");
    }

    @Test
    void synchronousWithARetriedTask() {
        double[] first = fit(trainer(Mode.SYNCHRONOUS, 1));
        FAILED.set(0);
        RETRIED.set(0);
        double[] retried = fit(failingOnce(trainer(Mode.SYNCHRONOUS, 1)));
        assertEquals(1, FAILED.get(), "the failure was not injected");
        assertEquals(1, RETRIED.get(), "the failed task was not retried");
        assertArrayEquals(first, retried, "the retried run differs");
    }
}
