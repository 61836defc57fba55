package dev.gradc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NpyTest {
    static byte[] bytes(NpyArray a) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, a);
        return out.toByteArray();
    }

    static NpyArray read(byte[] b) throws IOException {
        return Npy.read(new ByteArrayInputStream(b), "w1.npy");
    }

    static float[] floats(int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = (i - 3) / 7f;
        return f;
    }

    static double[] doubles(int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = Math.sin(i) * 1e-300 + i;
        return d;
    }

    /** An npy file with a hand-written header dict, padded like NumPy's. */
    static byte[] npy(int major, String dict, byte[] data) {
        byte[] h = dict.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        int prefix = major == 1 ? 10 : 12;
        int len = h.length + 1 + (64 - (prefix + h.length + 1) % 64) % 64;
        ByteBuffer b = ByteBuffer.allocate(prefix + len + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) b.putShort((short) len);
        else b.putInt(len);
        b.put(h);
        for (int i = h.length; i < len - 1; i++) b.put((byte) ' ');
        return b.put((byte) '\n').put(data).array();
    }

    static byte[] f4(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) b.putFloat(v);
        return b.array();
    }

    static String error(byte[] file) {
        return assertThrows(CheckpointException.class, () -> read(file)).getMessage();
    }

    @Test
    void roundTripsBothDtypesAndShapes() throws IOException {
        int[][] shapes = {{}, {1}, {3}, {2, 16}, {2, 0, 3}, {3, 4, 5}, {70000}};
        for (int[] shape : shapes) {
            int n = (int) NpyArray.elementCount(shape);
            for (NpyArray a : new NpyArray[] {NpyArray.of("w1", floats(n), shape), NpyArray.of("w1", doubles(n), shape)}) {
                NpyArray back = read(bytes(a));
                assertEquals(a, back, Arrays.toString(shape));
                assertEquals(Npy.byteSize(a), bytes(a).length);
            }
        }
    }

    @Test
    void keepsSpecialValuesBitForBit() throws IOException {
        float[] f = {Float.NaN, -0f, Float.POSITIVE_INFINITY, Float.MIN_VALUE, Float.MAX_VALUE};
        float[] back = read(bytes(NpyArray.of("s", f, 5))).floats();
        for (int i = 0; i < f.length; i++) assertEquals(Float.floatToRawIntBits(f[i]), Float.floatToRawIntBits(back[i]));
    }

    @Test
    void headerBytesAreNumpys() throws IOException {
        byte[] b = bytes(NpyArray.of("w", new float[32], 2, 16));
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 16), }";
        String expected = "\u0093NUMPY\u0001\u0000v\u0000" + dict + " ".repeat(128 - 11 - dict.length()) + "\n";
        assertEquals(expected, new String(b, 0, 128, StandardCharsets.ISO_8859_1));
        assertEquals(128 + 32 * 4, b.length);

        assertHeader(NpyArray.of("v", new double[3], 3), "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }");
        assertHeader(NpyArray.of("s", new double[1]), "{'descr': '<f8', 'fortran_order': False, 'shape': (), }");
    }

    private static void assertHeader(NpyArray a, String dict) throws IOException {
        byte[] b = bytes(a);
        int len = (b[8] & 0xFF) | (b[9] & 0xFF) << 8;
        int dataStart = 10 + len;
        assertEquals(0, dataStart % 64, "data starts at a multiple of 64");
        assertEquals(b.length - a.size() * a.dtype().itemSize(), dataStart);
        String header = new String(b, 10, len, StandardCharsets.ISO_8859_1);
        assertTrue(header.startsWith(dict), header);
        assertTrue(header.endsWith("\n"), header);
        assertEquals("", header.substring(dict.length(), len - 1).strip(), "only spaces between dict and newline");
    }

    @Test
    void dataIsLittleEndian() throws IOException {
        byte[] b = bytes(NpyArray.of("x", new float[] {1.5f}, 1));
        assertArrayEquals(new byte[] {0, 0, (byte) 0xC0, 0x3F}, Arrays.copyOfRange(b, 128, 132));
    }

    @Test
    void writingIsDeterministic() throws IOException {
        NpyArray a = NpyArray.of("w", doubles(100), 10, 10);
        assertArrayEquals(bytes(a), bytes(NpyArray.of("w", doubles(100), 10, 10)));
    }

    @Test
    void readsVersions2And3AndOldSpellings() throws IOException {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
        for (int major = 1; major <= 3; major++) {
            assertArrayEquals(new float[] {1, 2}, read(npy(major, dict, f4(1, 2))).floats(), "version " + major);
        }
        // Python 2 longs, double quotes, other key order, no trailing comma, arbitrary spacing.
        NpyArray a = read(npy(1, "{\"shape\":(2L,3L),'fortran_order' :False,\"descr\":'<f4'}", f4(1, 2, 3, 4, 5, 6)));
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertEquals("w1", a.name());
    }

    @Test
    void leavesTheStreamAfterTheData() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, NpyArray.of("a", floats(3), 3));
        Npy.write(out, NpyArray.of("b", doubles(2), 2));
        ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());
        assertEquals(3, Npy.read(in, "a").size());
        assertEquals(DType.FLOAT64, Npy.read(in, "b").dtype());
    }

    @Test
    void badMagic() {
        assertEquals("w1.npy: bad magic: not a .npy array (expected b'\\x93NUMPY', found b'PK\\x03\\x04\\x14\\x00')",
                error(new byte[] {'P', 'K', 3, 4, 20, 0, 0, 0}));
        assertEquals("w1.npy: empty, not a .npy array", error(new byte[0]));
    }

    @Test
    void truncatedHeader() throws IOException {
        byte[] good = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", f4(1, 2));
        assertEquals("w1.npy: truncated header: file ends after the magic", error(Arrays.copyOf(good, 7)));
        assertEquals("w1.npy: truncated header: file ends inside the header length", error(Arrays.copyOf(good, 9)));
        assertEquals("w1.npy: truncated header: expected 118 bytes of header, found 40", error(Arrays.copyOf(good, 50)));
    }

    @Test
    void truncatedData() throws IOException {
        byte[] good = bytes(NpyArray.of("w1", floats(32), 32));
        assertEquals("w1.npy: expected 128 bytes of data, found 64", error(Arrays.copyOf(good, good.length - 64)));
        assertEquals("w1.npy: expected 128 bytes of data, found 0", error(Arrays.copyOf(good, 128)));
    }

    @Test
    void hugeClaimedShapeFailsWithoutAllocating() {
        byte[] file = npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000,), }", f4(1, 2));
        assertEquals("w1.npy: expected 8000000000 bytes of data, found 8", error(file));
        byte[] tooBig = npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (100000, 100000), }", f4(1, 2));
        assertEquals("w1.npy: shape [100000, 100000] has 10000000000 elements, too many for a Java array", error(tooBig));
    }

    @Test
    void unsupportedVersion() {
        byte[] file = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", f4(1));
        file[6] = 4;
        assertEquals("w1.npy: unsupported .npy format version 4.0 (supported: 1.0, 2.0, 3.0)", error(file));
    }

    @Test
    void unsupportedDtypes() {
        assertEquals("w1.npy: unsupported dtype '>f4': big-endian; save it little-endian (a.astype('<f4'))",
                error(npy(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (), }", f4(1))));
        assertEquals("w1.npy: unsupported dtype '<i8': only '<f4' (float32) and '<f8' (float64) are supported",
                error(npy(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (), }", new byte[8])));
        assertEquals("w1.npy: unsupported dtype '<f2': only '<f4' (float32) and '<f8' (float64) are supported",
                error(npy(1, "{'descr': '<f2', 'fortran_order': False, 'shape': (), }", new byte[2])));
        assertEquals("w1.npy: unsupported dtype '|O': object arrays are not supported",
                error(npy(1, "{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", new byte[40])));
        assertEquals("w1.npy: unsupported dtype: structured arrays are not supported, found [('x', '<f4'), ('y', '<f4')]",
                error(npy(1, "{'descr': [('x', '<f4'), ('y', '<f4')], 'fortran_order': False, 'shape': (1,), }", f4(1, 2))));
    }

    @Test
    void fortranOrder() {
        assertEquals("w1.npy: fortran_order True is not supported; save a C-ordered array (np.ascontiguousarray(a))",
                error(npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", f4(1, 2, 3, 4))));
    }

    @Test
    void malformedHeaders() {
        String shape = "'shape': (2,)";
        String[][] cases = {
            {"{'descr': '<f4', 'fortran_order': False}", "malformed header: no 'shape' in \"{'descr': '<f4', 'fortran_order': False}\""},
            {"{'descr': '<f4', 'fortran_order': False, " + shape + ", 'x': 1}", "malformed header: unexpected key 'x' in"},
            {"['descr', '<f4']", "malformed header: expected '{' at offset 0 in \"['descr', '<f4']\""},
            {"{'descr': '<f4' 'fortran_order': False}", "malformed header: expected ',' or '}' at offset 16 in"},
            {"{'descr' '<f4'}", "malformed header: expected ':' at offset 9 in"},
            {"{'descr': '<f4, 'fortran_order': False, " + shape + "}", "malformed header: "},
            {"{'descr': '<f4', 'fortran_order': False, " + shape + "", "malformed header: expected ',' or '}' at the end of \"{'descr'"},
            {"{'descr': '<f4', 'fortran_order': False, " + shape + "} x", "malformed header: unexpected text after the dict"},
            {"{'descr': '<f4', 'fortran_order': 0, " + shape + "}", "malformed header: 'fortran_order' must be True or False, found 0"},
            {"{'descr': 4, 'fortran_order': False, " + shape + "}", "malformed header: 'descr' must be a string, found 4"},
            {"{'descr': '<f4', 'fortran_order': False, 'shape': (-2,)}", "malformed header: 'shape' must be a tuple of non-negative ints, found (-2,)"},
            {"{'descr': '<f4', 'fortran_order': False, 'shape': [2]}", "malformed header: 'shape' must be a tuple of non-negative ints, found [2]"},
            {"{'descr': '<f4', 'fortran_order': False, 'shape': (2)}", "malformed header: 'shape' must be a tuple of non-negative ints, found 2"},
            {"{'descr': '<f4', 'fortran_order': False, 'shape': (2.5,)}", "malformed header: expected an integer at offset"},
            {"{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999,)}", "malformed header: integer out of range or malformed at offset 51"},
            {"{'descr': '<f4', 'fortran_order': False, 'shape': (3000000000,)}", "malformed header: 'shape' must be a tuple of non-negative ints, found (3000000000,)"},
            {"{'descr': '<f4', 'fortran_order': False, 'shape': (-,)}", "malformed header: integer out of range or malformed"},
            {"{'descr': '<f4', 'fortran_order': Maybe, " + shape + "}", "malformed header: unexpected character 'M'"},
            {"{1: 2}", "malformed header: dict key must be a string"},
        };
        for (String[] c : cases) {
            String message = error(npy(1, c[0], f4(1, 2)));
            assertTrue(message.startsWith("w1.npy: " + c[1]), c[0] + " -> " + message);
        }
    }

    @Test
    void randomDamageIsAlwaysACheckpointException() throws IOException {
        byte[] good = bytes(NpyArray.of("w1", floats(40), 5, 8));
        Random random = new Random(1);
        for (int trial = 0; trial < 20000; trial++) {
            byte[] b = random.nextBoolean() ? good.clone() : Arrays.copyOf(good, random.nextInt(good.length));
            for (int k = random.nextInt(4); k >= 0 && b.length > 0; k--) {
                int at = random.nextInt(Math.min(b.length, 140));
                b[at] = random.nextInt(3) == 0 ? (byte) random.nextInt() : (byte) "{}(),:' 0123456789-TFL<>f48iO\n".charAt(random.nextInt(30));
            }
            try {
                read(b);
            } catch (CheckpointException expected) {
                assertTrue(expected.getMessage().startsWith("w1.npy: "), expected.getMessage());
            }
        }
    }

    @Test
    void arrayValidatesItsData() {
        assertThrows(IllegalArgumentException.class, () -> NpyArray.of("a", new float[5], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> NpyArray.of("a", new float[0], -1));
        assertThrows(IllegalArgumentException.class, () -> NpyArray.of("a", new float[0]));
        assertThrows(IllegalArgumentException.class, () -> new NpyArray("a", DType.FLOAT64, new int[] {1}, new float[1]));
        assertThrows(IllegalArgumentException.class, () -> new NpyArray("a", DType.FLOAT32, new int[] {1}, new int[1]));
        assertEquals(1, NpyArray.of("scalar", new double[] {4}).size());
        int[] shape = {2};
        NpyArray a = NpyArray.of("a", new float[2], shape);
        shape[0] = 5;
        assertArrayEquals(new int[] {2}, a.shape(), "shape is copied");
        assertThrows(IllegalStateException.class, a::doubles);
    }
}
