package dev.gradc.compiler.cli;

import dev.gradc.runtime.Checkpoint;
import dev.gradc.runtime.CheckpointException;
import dev.gradc.runtime.NpyArray;
import dev.gradc.runtime.TensorInfo;
import dev.gradc.runtime.Trainer;
import dev.gradc.runtime.Training;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reading parameters and checkpoints named on the command line, with one-line errors. */
final class ParamsFiles {
    private ParamsFiles() {}

    static Checkpoint read(Path file) {
        if (file.toString().equals("-")) return readStdin();
        if (Files.isDirectory(file)) throw new Main.UserError("gradc: " + file + " is a directory, not an .npz file");
        try {
            return Checkpoint.read(file);
        } catch (NoSuchFileException e) {
            throw new Main.UserError("gradc: " + file + ": no such file");
        } catch (IOException e) {
            throw new Main.UserError("gradc: cannot read " + file + ": " + e.getMessage());
        }
    }

    /** An .npz file on standard input, through a temporary file (the reader needs to seek: a zip's directory is at its end). */
    private static Checkpoint readStdin() {
        Path tmp = null;
        try {
            tmp = Files.createTempFile("gradc-stdin", ".npz");
            Files.copy(Main.console().stdin, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return Checkpoint.read(tmp);
        } catch (IOException e) {
            throw new Main.UserError("gradc: cannot read parameters from standard input: " + e.getMessage());
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException e) {
                    // a temporary file left in the temporary directory: harmless
                }
            }
        }
    }

    /**
     * Loads the parameters of {@code file} into {@code t}: a parameters file ({@code saveParams},
     * NumPy) or a checkpoint, whose parameters are taken and the rest (optimizer state, position)
     * left. Names, shapes and dtype are checked as {@link Trainer#loadParams} checks them.
     */
    static void loadParams(Trainer t, Path file) {
        loadParams(t, file, read(file));
    }

    /** {@link #loadParams(Trainer, Path)} with the file already read. */
    static void loadParams(Trainer t, Path file, Checkpoint c) {
        if (!c.isCheckpoint() && !file.toString().equals("-")) { // the trainer's own reader lists unexpected arrays too
            try {
                t.loadParams(file);
            } catch (IOException e) {
                throw new Main.UserError("gradc: cannot read " + file + ": " + e.getMessage());
            }
            return;
        }
        List<String> problems = new ArrayList<>();
        for (TensorInfo p : t.params()) {
            NpyArray a = c.get(p.name());
            if (a == null) problems.add("missing parameter '" + p.name() + "' " + TensorInfo.format(p.shape()));
            else if (!Arrays.equals(a.shape(), p.shape())) {
                problems.add("parameter '" + p.name() + "' has shape " + TensorInfo.format(a.shape()) + " in the file, the model declares "
                        + TensorInfo.format(p.shape()));
            } else if (a.dtype() != t.dtype()) {
                problems.add("parameter '" + p.name() + "' is " + a.dtype().toString().toLowerCase() + " in the file, this trainer is "
                        + t.dtype().toString().toLowerCase());
            }
        }
        if (!problems.isEmpty()) throw new CheckpointException(file + " does not fit " + t.modelName() + ":\n  " + String.join("\n  ", problems));
        for (TensorInfo p : t.params()) {
            NpyArray a = c.get(p.name());
            double[] values = a.data() instanceof float[] f ? toDoubles(f) : a.doubles();
            for (double v : values) {
                if (!Double.isFinite(v)) throw new CheckpointException(file + ": parameter '" + p.name() + "' holds " + v + "; refusing to load it");
            }
        }
        for (TensorInfo p : t.params()) {
            NpyArray a = c.get(p.name());
            if (a.data() instanceof float[] f) t.param(p.name()).copyFrom(f);
            else t.param(p.name()).copyFrom(a.doubles());
        }
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) d[i] = f[i];
        return d;
    }

    /**
     * Restores {@code t} and returns the training position from a checkpoint that {@code gradc
     * train} wrote; anything else is a one-line error saying why.
     */
    static Training.Position resume(Trainer t, Path file, Checkpoint c) {
        if (!c.isCheckpoint()) {
            throw new Main.UserError("gradc: cannot resume from " + file + ": it holds parameters only, not a checkpoint "
                    + "(use --init " + file + " to start a new run from them)");
        }
        if (!Training.Position.isIn(c)) {
            throw new Main.UserError("gradc: cannot resume from " + file + ": it is a trainer's checkpoint without a training "
                    + "position (gradc train writes both)");
        }
        try {
            return Training.resume(t, c);
        } catch (CheckpointException e) {
            throw new Main.UserError("gradc: cannot resume from " + file + ": " + oneLine(e.getMessage()));
        }
    }

    /** A multi-line list of problems as one line: the first, and how many more. */
    static String oneLine(String message) {
        String[] lines = message.split("\n");
        if (lines.length == 1) return message;
        String head = lines[0].endsWith(":") ? lines[0].substring(0, lines[0].length() - 1) : lines[0];
        String rest = lines.length > 2 ? "; and " + (lines.length - 2) + " more" : "";
        return head + " (" + lines[1].strip() + rest + ")";
    }
}
