package dev.gradc.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradc.runtime.Checkpoint;
import dev.gradc.runtime.CheckpointException;
import dev.gradc.runtime.DType;
import dev.gradc.runtime.NpyArray;
import dev.gradc.runtime.TensorInfo;
import dev.gradc.runtime.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A checkpoint resumes exactly: k steps, save, load into a new trainer, N - k more give the bits of N straight. */
class CheckpointTest {
    static String model(String optimizer) {
        return """
                class C {
                    Input x = input(batch, 3);
                    Input y = input(batch, 2);
                    Param w = uniform(-1, 1, 3, 4), g = ones(4), b = zeros(4), v = uniform(-1, 1, 4, 2);
                    Tensor h() { return tanh(batchNorm(matmul(x, w), g, b)); }
                    Tensor loss() { return mse(matmul(dropout(h(), 0.3), v), y); }
                    Optimizer o = OPTIMIZER;
                    Clip clip = clipNorm(0.5);
                }
                """.replace("OPTIMIZER", optimizer);
    }

    static Stream<Arguments> cases() {
        return Stream.of("sgd(0.1, 0.9, 0.1, 0.01)", "adam(0.01)", "adamW(0.01)", "rmsprop(0.01, 0.9, 1e-8, 0, 0.5)", "adagrad(0.1, 0.01)")
                .flatMap(o -> Stream.of(Arguments.of(o, DType.FLOAT32), Arguments.of(o, DType.FLOAT64)));
    }

    static void steps(Trainer t, int from, int to) {
        for (int k = from; k < to; k++) {
            t.setLearningRate(0.05 * (1 - k / 20.0)); // a schedule, as a host sets it
            t.step();
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void resumingGivesTheBitsOfTrainingStraight(String optimizer, DType dtype, @TempDir Path tmp) throws Exception {
        Compilation c = TestModels.compile(model(optimizer), dtype);
        Trainer straight = c.newTrainer(8, 1), first = c.newTrainer(8, 1), resumed = c.newTrainer(8, 99);
        for (Trainer t : new Trainer[] {straight, first, resumed}) TestModels.feedRandomInputs(t, 4);
        steps(straight, 0, 12);
        steps(first, 0, 5);
        Path file = tmp.resolve("run.npz");
        first.saveCheckpoint(file);
        resumed.loadCheckpoint(file);
        steps(resumed, 5, 12);
        for (TensorInfo p : straight.params()) {
            assertArrayEquals(straight.param(p.name()).toDoubleArray(), resumed.param(p.name()).toDoubleArray(), p.name());
        }
        for (TensorInfo s : straight.states()) {
            assertArrayEquals(straight.state(s.name()).toDoubleArray(), resumed.state(s.name()).toDoubleArray(), s.name());
        }
        assertEquals(straight.loss(), resumed.loss());
        // The parameters stay readable as plain NumPy arrays.
        assertTrue(Checkpoint.read(file).get("w") != null && Checkpoint.read(file).get("state/g.running_var") != null);
    }

    @Test
    void aCheckpointOfAnotherModelChangesNothing(@TempDir Path tmp) throws Exception {
        Trainer t = TestModels.compile(model("adam(0.01)"), DType.FLOAT32).newTrainer(8, 1);
        Trainer other = TestModels.compile(model("sgd(0.1)"), DType.FLOAT32).newTrainer(8, 1);
        Path file = tmp.resolve("other.npz");
        other.saveCheckpoint(file);
        double[] before = t.param("w").toDoubleArray();
        CheckpointException e = assertThrows(CheckpointException.class, () -> t.loadCheckpoint(file));
        assertTrue(e.getMessage().contains("missing state 'state/w.avg' [3, 4]"), e.getMessage());
        assertTrue(e.getMessage().contains("unexpected array 'state/w.momentum'") || e.getMessage().contains("missing"), e.getMessage());
        assertArrayEquals(before, t.param("w").toDoubleArray());
        other.saveParams(tmp.resolve("params.npz"));
        CheckpointException notOne = assertThrows(CheckpointException.class, () -> t.loadCheckpoint(tmp.resolve("params.npz")));
        assertTrue(notOne.getMessage().contains("is not a checkpoint"), notOne.getMessage());
    }

    @Test
    void nonFiniteParametersAreRefused(@TempDir Path tmp) throws Exception {
        Trainer t = TestModels.compile(model("sgd(0.1)"), DType.FLOAT64).newTrainer(8, 1);
        Path file = tmp.resolve("nan.npz");
        Checkpoint c = t.checkpoint();
        double[] w = c.get("w").doubles().clone();
        w[5] = Double.NaN;
        c.with(java.util.List.of(NpyArray.of("w", w, 3, 4))).write(file);
        CheckpointException e = assertThrows(CheckpointException.class, () -> t.loadCheckpoint(file));
        assertTrue(e.getMessage().contains("parameter 'w' holds NaN at index 5"), e.getMessage());
        t.saveParams(file);
        Checkpoint params = Checkpoint.read(file);
        params.with(java.util.List.of(NpyArray.of("w", w, 3, 4))).write(file);
        CheckpointException p = assertThrows(CheckpointException.class, () -> t.loadParams(file));
        assertTrue(p.getMessage().contains("holds NaN at index 5"), p.getMessage());
        assertTrue(Files.exists(file));
    }
}
