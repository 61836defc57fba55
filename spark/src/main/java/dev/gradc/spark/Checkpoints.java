package dev.gradc.spark;

import dev.gradc.runtime.CheckpointException;
import dev.gradc.runtime.DType;
import dev.gradc.runtime.NpyArray;
import dev.gradc.runtime.Npz;
import dev.gradc.runtime.TensorInfo;
import dev.gradc.runtime.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Per-epoch checkpoints, written by the driver: {@code epoch-003.npz} holds the parameters
 * ({@link Trainer#saveParams}, so NumPy and {@link Trainer#loadParams} read it) and
 * {@code epoch-003.state.npz} the rest a resumed run needs: every state buffer but the (then
 * empty) gradient sums, the hyper-parameters and the number of epochs done. Until the runtime has
 * a whole-trainer checkpoint, these two files are that checkpoint for Spark runs.
 */
final class Checkpoints {
    private Checkpoints() {}

    static final String EPOCHS = "spark.epochs_done";

    static Path paramsFile(Path dir, int epochsDone) {
        return dir.resolve(String.format(Locale.ROOT, "epoch-%03d.npz", epochsDone));
    }

    static Path stateFile(Path params) {
        String name = params.getFileName().toString();
        String stem = name.endsWith(".npz") ? name.substring(0, name.length() - 4) : name;
        return params.resolveSibling(stem + ".state.npz");
    }

    static void write(Trainer t, Layout layout, Path dir, int epochsDone) throws IOException {
        Files.createDirectories(dir);
        Path params = paramsFile(dir, epochsDone);
        // Written to temporary names and moved, so a crash never leaves a half-written checkpoint under the real name.
        Path tmpParams = params.resolveSibling(params.getFileName() + ".tmp"), tmpState = params.resolveSibling(params.getFileName() + ".state.tmp");
        t.saveParams(tmpParams);
        List<NpyArray> arrays = new ArrayList<>();
        for (TensorInfo s : t.states()) {
            if (s.name().equals(Layout.EXAMPLES) || s.name().endsWith(Layout.GRAD_SUM)) continue;
            Object b = t.state(s.name()).buffer();
            int n = s.sizeAt(1);
            Object copy = b instanceof float[] f ? java.util.Arrays.copyOf(f, n) : java.util.Arrays.copyOf((double[]) b, n);
            arrays.add(new NpyArray(s.name(), t.dtype(), s.shape(), copy));
        }
        for (String h : layout.hypers) arrays.add(NpyArray.of("hyper." + h, new double[] {t.hyper(h)}));
        arrays.add(NpyArray.of(EPOCHS, new double[] {epochsDone}));
        Npz.write(tmpState, arrays);
        Files.move(tmpState, stateFile(params), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.move(tmpParams, params, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Loads a checkpoint into the trainer; returns the epochs it had done. Nothing changes when it does not fit. */
    static int read(Trainer t, Path params) throws IOException {
        Path state = stateFile(params);
        if (!Files.exists(state)) {
            throw new CheckpointException(params + " has no state file beside it (" + state.getFileName() + "): "
                    + "resuming needs both files of a SparkTrainer checkpoint");
        }
        Map<String, NpyArray> found = new HashMap<>();
        for (NpyArray a : Npz.read(state)) found.put(a.name(), a);
        List<String> problems = new ArrayList<>();
        for (TensorInfo s : t.states()) {
            if (s.name().equals(Layout.EXAMPLES) || s.name().endsWith(Layout.GRAD_SUM)) continue;
            NpyArray a = found.get(s.name());
            if (a == null) problems.add("missing state '" + s.name() + "' " + TensorInfo.format(s.shape()));
            else if (!java.util.Arrays.equals(a.shape(), s.shape()) || a.dtype() != t.dtype()) {
                problems.add("state '" + s.name() + "' is " + a.dtype().toString().toLowerCase(Locale.ROOT) + TensorInfo.format(a.shape())
                        + " in the file, the trainer's is " + t.dtype().toString().toLowerCase(Locale.ROOT) + TensorInfo.format(s.shape()));
            }
        }
        NpyArray epochs = found.get(EPOCHS);
        if (epochs == null || epochs.dtype() != DType.FLOAT64 || epochs.size() != 1) problems.add("missing scalar '" + EPOCHS + "'");
        if (!problems.isEmpty()) throw new CheckpointException(state + " does not fit " + t.modelName() + ":\n  " + String.join("\n  ", problems));
        t.loadParams(params);
        for (TensorInfo s : t.states()) {
            NpyArray a = found.get(s.name());
            if (a == null || s.name().equals(Layout.EXAMPLES) || s.name().endsWith(Layout.GRAD_SUM)) continue;
            System.arraycopy(a.data(), 0, t.state(s.name()).buffer(), 0, s.sizeAt(1));
        }
        for (String h : t.hyperParameters()) {
            NpyArray a = found.get("hyper." + h);
            if (a != null && a.dtype() == DType.FLOAT64 && a.size() == 1) t.setHyper(h, a.doubles()[0]);
        }
        return (int) epochs.doubles()[0];
    }
}
