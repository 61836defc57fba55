package dev.gradc.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole training state of a trainer, as named arrays that form a NumPy {@code .npz} file:
 * each parameter under its own name (so {@code np.load(f)["w1"]} works, as with
 * {@link Trainer#saveParams}), each state buffer as {@code state/<name>} (optimizer moments and step
 * counts, gradient sums, running statistics), each hyper-parameter as {@code hyper/<name>}, the
 * dropout generator as {@code gradc/masks.rng}, and a format marker {@code gradc/checkpoint}.
 * Training loops add their own position ({@code training/...}) with {@link #with}. Restored into a
 * trainer of the same model, training continues bit for bit as if it had never stopped.
 */
public record Checkpoint(List<NpyArray> arrays) {
    /** The marker's name; its value is the format's version. */
    public static final String MARKER = "gradc/checkpoint";
    public static final int VERSION = 1;

    public Checkpoint {
        arrays = List.copyOf(arrays);
    }

    /** The array named {@code name}, or null. */
    public NpyArray get(String name) {
        for (NpyArray a : arrays) if (a.name().equals(name)) return a;
        return null;
    }

    /** This checkpoint with {@code more} arrays (replacing any of the same names). */
    public Checkpoint with(List<NpyArray> more) {
        Map<String, NpyArray> all = new LinkedHashMap<>();
        for (NpyArray a : arrays) all.put(a.name(), a);
        for (NpyArray a : more) all.put(a.name(), a);
        return new Checkpoint(new ArrayList<>(all.values()));
    }

    /** Whether the arrays are a checkpoint (not a parameters-only file). */
    public boolean isCheckpoint() {
        return get(MARKER) != null;
    }

    /** Writes the arrays as an {@code .npz} file; an existing file is replaced only once the new one is complete. */
    public void write(Path file) throws IOException {
        Npz.write(file, arrays);
    }

    /** Reads an {@code .npz} file written by {@link #write} (or any {@code .npz}: {@link #isCheckpoint} tells). */
    public static Checkpoint read(Path file) throws IOException {
        return new Checkpoint(Npz.read(file));
    }
}
