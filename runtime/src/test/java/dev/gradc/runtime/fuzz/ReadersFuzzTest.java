package dev.gradc.runtime.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gradc.runtime.CheckpointException;
import dev.gradc.runtime.Csv;
import dev.gradc.runtime.DataException;
import dev.gradc.runtime.Dataset;
import dev.gradc.runtime.Idx;
import dev.gradc.runtime.Npy;
import dev.gradc.runtime.NpyArray;
import dev.gradc.runtime.Npz;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Coverage-guided fuzzing of every file reader: any bytes give a value or the reader's documented
 * user-facing exception ({@link CheckpointException} for npz and npy, {@link DataException} for IDX
 * and CSV), whose message names the file, and never another exception or error (no
 * {@code OutOfMemoryError}, {@code NegativeArraySizeException}, {@code IndexOutOfBounds...}), within
 * {@value #SECONDS} seconds. In {@code mvn verify} each runs over the committed inputs in
 * {@code src/test/resources/dev/gradc/runtime/fuzz/ReadersFuzzTestInputs/<target>}; README, Tests,
 * has the command that fuzzes.
 */
class ReadersFuzzTest {
    static final int SECONDS = 10;

    /** One scratch directory for the whole run: the readers take paths, and the file is rewritten per input. */
    private static final Path DIR;

    static {
        try {
            DIR = Files.createTempDirectory("gradc-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DIR.toFile().deleteOnExit();
    }

    static Path file(String name, byte[] bytes) {
        try {
            Path f = DIR.resolve(name);
            Files.write(f, bytes);
            f.toFile().deleteOnExit();
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    interface Target {
        void run() throws IOException;
    }

    /** Runs one input within the stated bound; not JUnit's @Timeout, which in fuzzing mode would time the whole run. */
    static void timed(Target target) throws IOException {
        long start = System.nanoTime(), work = workNanos();
        target.run();
        assertTrue(workNanos() - work < SECONDS * 1_000_000_000L, "used more than " + SECONDS + " s of CPU");
        assertTrue(System.nanoTime() - start < 10 * SECONDS * 1_000_000_000L, "took more than " + 10 * SECONDS + " s");
    }

    static void namesTheFile(RuntimeException e, Path... files) {
        String message = e.getMessage();
        assertTrue(message != null && Arrays.stream(files).anyMatch(f -> message.startsWith(f.toString())), message);
    }

    @FuzzTest(maxDuration = "10m")
    void npz(byte[] bytes) throws IOException {
        timed(() -> readNpz(bytes));
    }

    private static void readNpz(byte[] bytes) throws IOException {
        Path f = file("fuzz.npz", bytes);
        try {
            List<NpyArray> arrays = Npz.read(f);
            // What reads must write and read back the same.
            Path again = DIR.resolve("again.npz");
            Npz.write(again, dedupe(arrays));
            assertEquals(dedupe(arrays), Npz.read(again));
        } catch (CheckpointException e) {
            namesTheFile(e, f);
        }
    }

    /** An entry named just {@code .npy} reads as an array with an empty name, which write refuses. */
    private static List<NpyArray> dedupe(List<NpyArray> arrays) {
        return arrays.stream().filter(a -> !a.name().isEmpty()).toList();
    }

    @FuzzTest(maxDuration = "10m")
    void npy(byte[] bytes) throws IOException {
        timed(() -> readNpy(bytes));
    }

    private static void readNpy(byte[] bytes) throws IOException {
        try {
            NpyArray a = Npy.read(new ByteArrayInputStream(bytes), "fuzz.npy");
            assertEquals(a.size(), a.dtype() == dev.gradc.runtime.DType.FLOAT32 ? a.floats().length : a.doubles().length);
        } catch (CheckpointException e) {
            assertTrue(e.getMessage().startsWith("fuzz.npy: "), e.getMessage());
        }
    }

    /** The first two bytes (big-endian) are the length of the images file; the labels file is the rest. */
    @FuzzTest(maxDuration = "10m")
    void idx(byte[] bytes) throws IOException {
        timed(() -> readIdx(bytes));
    }

    private static void readIdx(byte[] bytes) throws IOException {
        int start = Math.min(2, bytes.length);
        int length = bytes.length < 2 ? 0 : ((bytes[0] & 0xFF) << 8) | (bytes[1] & 0xFF);
        int split = Math.min(bytes.length, start + length);
        Path images = file("images.idx", Arrays.copyOfRange(bytes, start, split));
        Path labels = file("labels.idx", Arrays.copyOfRange(bytes, split, bytes.length));
        try {
            Dataset d = Idx.read(images, labels);
            assertEquals((long) d.size() * d.features(), d.x().length);
        } catch (DataException e) {
            namesTheFile(e, images, labels);
        }
    }

    @FuzzTest(maxDuration = "10m")
    void csv(byte[] bytes) throws IOException {
        timed(() -> readCsv(bytes));
    }

    private static void readCsv(byte[] bytes) throws IOException {
        Path f = file("fuzz.csv", bytes);
        try {
            Dataset d = Csv.read(f);
            assertEquals((long) d.size() * d.features(), d.x().length);
            for (double v : d.x()) assertTrue(Double.isFinite(v));
            Csv.read(f, y -> y == 0 || y == 1, "0 or 1"); // the label check of gradc train
        } catch (DataException e) {
            namesTheFile(e, f);
        }
    }

    /** CPU time of this thread, which does a check's work: a bound on work, not on wall time, which a loaded machine stretches. */
    static long workNanos() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
    }
}
