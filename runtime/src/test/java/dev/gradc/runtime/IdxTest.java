package dev.gradc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** IDX files, plain and gzipped, and what a damaged one says. */
class IdxTest {
    @TempDir
    Path dir;

    static byte[] idx(int[] dims, int[] values) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x0800 | dims.length);
        for (int d : dims) out.writeInt(d);
        for (int v : values) out.writeByte(v);
        return bytes.toByteArray();
    }

    Path write(String name, byte[] content, boolean gzip) throws IOException {
        Path file = dir.resolve(name);
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(content);
        }
        return file;
    }

    @Test
    void readsImagesAndLabelsPlainAndGzipped() throws IOException {
        for (boolean gzip : new boolean[] {false, true}) {
            Path images = write("im" + gzip, idx(new int[] {2, 2, 2}, new int[] {0, 255, 51, 102, 1, 2, 3, 4}), gzip);
            Path labels = write("lb" + gzip, idx(new int[] {2}, new int[] {7, 3}), gzip);
            Dataset d = Idx.read(images, labels);
            assertEquals(2, d.size());
            assertEquals(4, d.features());
            assertArrayEquals(new double[] {0, 1, 0.2, 0.4, 1 / 255.0, 2 / 255.0, 3 / 255.0, 4 / 255.0}, d.x(), 1e-15);
            assertArrayEquals(new double[] {7, 3}, d.y());
        }
    }

    @Test
    void readForAFloat32ModelHoldsTheFloatsItsInputWouldRoundTo() throws IOException {
        int[] pixels = new int[256];
        for (int i = 0; i < pixels.length; i++) pixels[i] = i;
        Path images = write("all", idx(new int[] {4, 8, 8}, pixels), true);
        Path labels = write("four", idx(new int[] {4}, new int[] {0, 1, 2, 9}), false);
        Dataset wide = Idx.read(images, labels), narrow = Idx.read(images, labels, DType.FLOAT32);
        assertTrue(narrow.floatFeatures());
        assertEquals(wide.size(), narrow.size());
        assertEquals(wide.features(), narrow.features());
        assertArrayEquals(wide.y(), narrow.y());
        float[] fromDoubles = new float[64], fromFloats = new float[64];
        for (int i = 0; i < 4; i++) {
            wide.copyRow(i, fromDoubles, 0);
            narrow.copyRow(i, fromFloats, 0);
            assertArrayEquals(fromDoubles, fromFloats, "row " + i);
        }
        assertEquals((float) (200 / 255.0), (float) narrow.x()[200]);
    }

    @Test
    void damagedFilesSayWhatIsWrong() throws IOException {
        Path labels = write("labels", idx(new int[] {2}, new int[] {1, 2}), false);
        Path wrongMagic = write("magic", new byte[] {0, 0, 9, 3, 0, 0, 0, 1}, false);
        assertTrue(assertThrows(DataException.class, () -> Idx.read(wrongMagic, labels)).getMessage().contains("not an IDX file"));
        Path truncated = write("short", java.util.Arrays.copyOf(idx(new int[] {2, 2}, new int[] {1, 2, 3, 4}), 14), false);
        assertEquals(truncated + ": expected 4 bytes of data, found 2",
                assertThrows(DataException.class, () -> Idx.read(truncated, labels)).getMessage());
        Path three = write("three", idx(new int[] {3, 1}, new int[] {1, 2, 3}), false);
        assertEquals(three + " holds 3 images but " + labels + " holds 2 labels",
                assertThrows(DataException.class, () -> Idx.read(three, labels)).getMessage());
        byte[] gz = Files.readAllBytes(write("gz", idx(new int[] {2, 1}, new int[] {1, 2}), true));
        Path corrupt = write("corrupt", java.util.Arrays.copyOf(gz, gz.length - 6), false);
        assertTrue(assertThrows(DataException.class, () -> Idx.read(corrupt, labels)).getMessage().startsWith(corrupt + ": "));
        Path empty = write("empty", new byte[0], false);
        assertEquals(empty + ": empty or truncated IDX header", assertThrows(DataException.class, () -> Idx.read(empty, labels)).getMessage());
    }

    /**
     * A gzipped file is decoded as it streams where gzip's trailer confirms the header's length, and
     * otherwise read whole first (several gzip members, whose trailer is only the last one's; a header
     * that claims more or less than the data): the same values either way, and the same errors.
     */
    @Test
    void gzippedFilesGiveTheSameValuesWhetherTheirTrailerConfirmsTheLengthOrNot() throws IOException {
        int[] pixels = new int[300];
        for (int i = 0; i < pixels.length; i++) pixels[i] = (i * 37) % 256;
        byte[] content = idx(new int[] {3, 10, 10}, pixels);
        Path labels = write("three", idx(new int[] {3}, new int[] {4, 5, 6}), false);
        Path single = write("single", content, true);
        Path members = dir.resolve("members"); // two gzip members, split inside the data
        Files.write(members, concat(gzip(java.util.Arrays.copyOf(content, 100)), gzip(java.util.Arrays.copyOfRange(content, 100, content.length))));
        Path plain = write("plain", content, false);
        for (DType precision : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Dataset expected = Idx.read(plain, labels, precision);
            for (Path file : new Path[] {single, members}) {
                Dataset d = Idx.read(file, labels, precision);
                assertEquals(expected.floatFeatures(), d.floatFeatures());
                for (int i = 0; i < 3; i++) assertArrayEquals(expected.row(i), d.row(i), file + " row " + i);
            }
        }
        Path short_ = write("claimsMore", java.util.Arrays.copyOf(idx(new int[] {2, 2}, new int[] {1, 2, 3, 4}), 14), true);
        Path two = write("two", idx(new int[] {2}, new int[] {1, 2}), false);
        assertEquals(short_ + ": expected 4 bytes of data, found 2",
                assertThrows(DataException.class, () -> Idx.read(short_, two, DType.FLOAT32)).getMessage());
        Path longer = write("claimsLess", idx(new int[] {2, 1}, new int[] {1, 2, 3}), true);
        assertEquals(longer + ": data continues after the 2 values the header declares",
                assertThrows(DataException.class, () -> Idx.read(longer, two, DType.FLOAT32)).getMessage());
    }

    private static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(content);
        }
        return bytes.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** The real files of Debian's dataset-fashion-mnist, where installed (CI installs them). */
    @Test
    void fashionMnist() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(Datasets.FASHION_MNIST), "dataset-fashion-mnist is not installed");
        Dataset train = Datasets.fashionMnistTrain(), test = Datasets.fashionMnistTest();
        assertEquals(60_000, train.size());
        assertEquals(10_000, test.size());
        assertEquals(28 * 28, train.features());
        assertEquals(10, train.classes());
        assertEquals(10, test.classes());
    }
}
