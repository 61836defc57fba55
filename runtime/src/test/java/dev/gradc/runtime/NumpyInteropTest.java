package dev.gradc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files written by NumPy read here, and files written here load in NumPy. Skipped without python3 and numpy. */
class NumpyInteropTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void needNumpy() {
        boolean ok;
        try {
            ok = python("import numpy").exit == 0;
        } catch (IOException e) {
            ok = false;
        }
        Assumptions.assumeTrue(ok, "python3 with numpy is not available");
    }

    record Run(int exit, String output) {}

    /** Runs python3 -c script with args; output is stdout and stderr together. */
    static Run python(String script, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("python3", "-c", script));
        cmd.addAll(List.of(args));
        // Output goes to a file, so a hung python cannot block us on a full pipe and the timeout holds.
        Path log = Files.createTempFile("gradc-python", ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            boolean done = p.waitFor(30, TimeUnit.SECONDS);
            if (!done) p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            String text = Files.readString(log);
            return done ? new Run(p.exitValue(), text) : new Run(-1, "timed out after 30 s\n" + text);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException(e);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    static void mustRun(String script, String... args) throws IOException {
        Run r = python(script, args);
        assertEquals(0, r.exit, r.output);
    }

    private static final String ARRAYS = """
            import numpy as np, sys
            a = {
                'w1': (np.arange(6, dtype=np.float32).reshape(2, 3) / 7).astype(np.float32),
                'b1': np.linspace(-1, 1, 5),
                'scale': np.float64(2.5).reshape(()),
                'empty': np.zeros((0, 3), dtype=np.float32),
            }
            """;

    @Test
    void readsSavezAndSavezCompressed() throws IOException {
        for (String fn : List.of("savez", "savez_compressed")) {
            Path f = dir.resolve(fn + ".npz");
            mustRun(ARRAYS + "np." + fn + "(sys.argv[1], **a)", f.toString());
            List<NpyArray> arrays = Npz.read(f);
            assertEquals(List.of("w1", "b1", "scale", "empty"), arrays.stream().map(NpyArray::name).toList(), fn);
            float[] w1 = new float[6];
            for (int i = 0; i < 6; i++) w1[i] = (float) (i / 7.0);
            assertEquals(NpyArray.of("w1", w1, 2, 3), arrays.get(0), fn);
            assertEquals(NpyArray.of("b1", new double[] {-1, -0.5, 0, 0.5, 1}, 5), arrays.get(1), fn);
            assertEquals(NpyArray.of("scale", new double[] {2.5}), arrays.get(2), fn);
            assertEquals(NpyArray.of("empty", new float[0], 0, 3), arrays.get(3), fn);
        }
    }

    @Test
    void numpyLoadsWhatWeWrite() throws IOException {
        Path f = dir.resolve("java.npz");
        Npz.write(f, NpzTest.sample());
        mustRun("""
                import numpy as np, sys
                z = np.load(sys.argv[1], allow_pickle=False)
                assert list(z.keys()) == ['w1', 'b1', 'scale', 'empty', 'layer/w'], list(z.keys())
                w1 = np.array([(i - 3) / np.float32(7) for i in range(32)], dtype=np.float32).reshape(2, 16)
                assert z['w1'].dtype == np.float32 and z['w1'].shape == (2, 16)
                assert np.array_equal(z['w1'], w1), z['w1']
                assert z['scale'].dtype == np.float64 and z['scale'].shape == () and z['scale'] == 0.5
                assert z['empty'].shape == (0, 3)
                w = np.array([np.sin(i) * 1e-300 + i for i in range(6)]).reshape(3, 2)
                assert np.array_equal(z['layer/w'], w), z['layer/w']
                """, f.toString());
    }

    @Test
    void singleArrayBytesEqualNpSave() throws IOException {
        List<NpyArray> arrays = List.of(NpyArray.of("a", NpyTest.floats(32), 2, 16), NpyArray.of("b", NpyTest.doubles(3), 3),
                NpyArray.of("c", new double[] {7}), NpyArray.of("d", new float[0], 2, 0, 3),
                NpyArray.of("e", new double[0], 1234567, 0, 2)); // long first dim: less growth padding
        Path f = dir.resolve("all.npz");
        Npz.write(f, arrays);
        Path out = Files.createDirectory(dir.resolve("npy"));
        mustRun("""
                import numpy as np, sys
                z = np.load(sys.argv[1])
                for k in z.keys():
                    np.save(sys.argv[2] + '/' + k + '.npy', z[k])
                """, f.toString(), out.toString());
        for (NpyArray a : arrays) {
            assertArrayEquals(Files.readAllBytes(out.resolve(a.name() + ".npy")), NpyTest.bytes(a), a.name());
        }
    }

    @Test
    void readsFormatVersions2And3() throws IOException {
        Path out = Files.createDirectory(dir.resolve("v"));
        mustRun("""
                import numpy as np, sys
                for v in [(1, 0), (2, 0), (3, 0)]:
                    with open(sys.argv[1] + '/v%d.npy' % v[0], 'wb') as f:
                        np.lib.format.write_array(f, np.array([[1.5, -2.0]], dtype=np.float32), version=v)
                """, out.toString());
        for (int v = 1; v <= 3; v++) {
            byte[] b = Files.readAllBytes(out.resolve("v" + v + ".npy"));
            NpyArray a = Npy.read(new ByteArrayInputStream(b), "v" + v + ".npy");
            assertEquals(NpyArray.of("v" + v, new float[] {1.5f, -2f}, 1, 2), a);
        }
    }

    @Test
    void rejectsWhatNumpyWritesButWeDoNotSupport() throws IOException {
        Path f = dir.resolve("odd.npz");
        String[][] cases = {
            {"np.zeros(3, dtype='>f4')", "unsupported dtype '>f4': big-endian"},
            {"np.arange(3)", "unsupported dtype '<i8'"},
            {"np.zeros(3, dtype=np.float16)", "unsupported dtype '<f2'"},
            {"np.asfortranarray(np.zeros((2, 3)))", "fortran_order True is not supported"},
            {"np.array([1, 'a'], dtype=object)", "unsupported dtype '|O': object arrays are not supported"},
        };
        for (String[] c : cases) {
            mustRun("import numpy as np, sys\nnp.savez(sys.argv[1], good=np.zeros(2), w1=" + c[0] + ")", f.toString());
            String m = assertThrows(CheckpointException.class, () -> Npz.read(f)).getMessage();
            assertTrue(m.startsWith(f + ": w1.npy: " + c[1]), m);
        }
    }
}
