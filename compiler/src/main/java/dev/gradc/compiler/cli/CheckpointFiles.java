package dev.gradc.compiler.cli;

import dev.gradc.runtime.NpyArray;
import dev.gradc.runtime.Trainer;
import dev.gradc.runtime.Training;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * The checkpoints of one {@code gradc train} run: the trainer's whole state with the loop's
 * position, written atomically (a temporary file renamed over the target, as {@code Npz.write}
 * does) to a name in which {@code {step}} and {@code {epoch}} are replaced. A trainer holding a
 * non-finite parameter is never written, so a good checkpoint is never replaced by a broken one.
 */
final class CheckpointFiles {
    /** The run's initial learning rate (its schedule is rebuilt from it on resume when --lr is not given). */
    static final String INITIAL_RATE = "training/cli.initial_lr";

    private final Trainer trainer;
    private final String pattern;
    private final int stepsPerEpoch;
    private final double initialRate;

    CheckpointFiles(Trainer trainer, String pattern, int stepsPerEpoch, double initialRate) {
        this.trainer = trainer;
        this.pattern = pattern;
        this.stepsPerEpoch = stepsPerEpoch;
        this.initialRate = initialRate;
    }

    /** {@code pattern} with {@code {step}} and {@code {epoch}} replaced. */
    static String name(String pattern, int step, int epoch) {
        return pattern.replace("{step}", Integer.toString(step)).replace("{epoch}", Integer.toString(epoch));
    }

    Path save(Training.Position at, ProgressLine progress) {
        return save(at, progress::note);
    }

    Path save(Training.Position at, PrintWriter out) {
        return save(at, out::println);
    }

    /**
     * Writes the checkpoint of {@code at} and says so on {@code report}; returns the file, or null
     * when a parameter is not finite (then nothing is written).
     */
    Path save(Training.Position at, Consumer<String> report) {
        // Epochs completed: a checkpoint written at the end of epoch 3 is named for 3.
        Path file = Path.of(name(pattern, at.step(), at.step() / stepsPerEpoch));
        String bad = TrainCommand.nonFiniteParameter(trainer);
        if (bad != null) {
            report.accept("gradc: warning: not writing a checkpoint at step " + at.step() + ": parameter '" + bad
                    + "' is not finite (" + file + " keeps what it held)");
            return null;
        }
        try {
            at.addTo(trainer.checkpoint()).with(List.of(NpyArray.of(INITIAL_RATE, new double[] {initialRate}, 1))).write(file);
        } catch (IOException e) {
            throw new Main.UserError("gradc: cannot write the checkpoint to " + file + ": " + Main.ioMessage(e));
        }
        report.accept("wrote checkpoint " + file + " (step " + at.step() + ")");
        return file;
    }
}
