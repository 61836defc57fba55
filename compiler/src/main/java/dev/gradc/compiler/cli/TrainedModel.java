package dev.gradc.compiler.cli;

import dev.gradc.compiler.Compilation;
import dev.gradc.runtime.Checkpoint;
import dev.gradc.runtime.CheckpointException;
import dev.gradc.runtime.DType;
import dev.gradc.runtime.NpyArray;
import dev.gradc.runtime.TensorInfo;
import dev.gradc.runtime.Trainer;
import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * A model with trained parameters, for {@code eval} and {@code predict}: compiled in the precision
 * of the parameters file (float64 when its parameters are, or when {@code --float64} asks), and
 * loaded from a parameters file or a checkpoint. A checkpoint is restored whole, so the running
 * statistics of batch normalization come along; a parameters file holds parameters only.
 */
final class TrainedModel {
    final Compilation compilation;
    private final Path params;
    private final Checkpoint file;

    private TrainedModel(Compilation compilation, Path params, Checkpoint file) {
        this.compilation = compilation;
        this.params = params;
        this.file = file;
    }

    /** Reads {@code params} and compiles {@code model} in its precision (or float64 when asked). */
    static TrainedModel compile(Path model, Path params, boolean float64) {
        Checkpoint file = ParamsFiles.read(params);
        return new TrainedModel(ModelFiles.compile(model, float64 || fileIsFloat64(file), null), params, file);
    }

    /** A trainer of batches up to {@code maxBatch} holding the file's parameters (and a checkpoint's state). */
    Trainer trainer(int maxBatch, PrintWriter err) {
        Trainer t = compilation.newTrainer(Math.max(1, maxBatch), 1);
        if (file.isCheckpoint()) {
            try {
                t.restore(file);
            } catch (CheckpointException e) {
                throw new Main.UserError("gradc: cannot load " + params + " into " + t.modelName() + ": " + ParamsFiles.oneLine(e.getMessage()));
            }
            return t;
        }
        ParamsFiles.loadParams(t, params, file);
        for (TensorInfo s : t.states()) {
            if (s.name().endsWith(".running_mean")) { // batch normalization would measure with the initial statistics
                err.println("gradc: warning: " + params + " holds parameters only, not the running statistics of "
                        + t.modelName() + "'s batch normalization; outputs use their initial values (give a checkpoint)");
                break;
            }
        }
        return t;
    }

    /** Whether the file's parameters are float64 (a float64 run's), judged by its first floating-point array that is not gradc's own. */
    private static boolean fileIsFloat64(Checkpoint c) {
        for (NpyArray a : c.arrays()) {
            if (a.name().contains("/")) continue; // state/, hyper/, training/, gradc/: parameters are saved under their own names
            return a.dtype() == DType.FLOAT64;
        }
        return false;
    }
}
