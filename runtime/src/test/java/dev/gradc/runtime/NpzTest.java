package dev.gradc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TimeZone;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpzTest {
    @TempDir
    Path dir;

    static List<NpyArray> sample() {
        return List.of(
                NpyArray.of("w1", NpyTest.floats(32), 2, 16),
                NpyArray.of("b1", NpyTest.floats(16), 16),
                NpyArray.of("scale", new double[] {0.5}),
                NpyArray.of("empty", new double[0], 0, 3),
                NpyArray.of("layer/w", NpyTest.doubles(6), 3, 2));
    }

    /** A zip with hand-made entries, DEFLATED so no sizes or CRCs are needed up front. */
    Path zip(String file, Object... nameThenBytes) throws IOException {
        Path p = dir.resolve(file);
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(p))) {
            for (int i = 0; i < nameThenBytes.length; i += 2) {
                z.putNextEntry(new ZipEntry((String) nameThenBytes[i]));
                z.write((byte[]) nameThenBytes[i + 1]);
                z.closeEntry();
            }
        }
        return p;
    }

    static String error(Path file) {
        return assertThrows(CheckpointException.class, () -> Npz.read(file)).getMessage();
    }

    @Test
    void roundTripsInOrder() throws IOException {
        Path f = dir.resolve("model.npz");
        Npz.write(f, sample());
        assertEquals(sample(), Npz.read(f));
        Npz.write(f, List.of());
        assertEquals(List.of(), Npz.read(f));
    }

    @Test
    void entriesAreStoredNpyFilesWithFixedTimes() throws IOException {
        Path f = dir.resolve("model.npz");
        Npz.write(f, sample());
        try (ZipFile z = new ZipFile(f.toFile())) {
            List<? extends ZipEntry> entries = Collections.list(z.entries());
            assertEquals(List.of("w1.npy", "b1.npy", "scale.npy", "empty.npy", "layer/w.npy"),
                    entries.stream().map(ZipEntry::getName).toList());
            for (ZipEntry e : entries) {
                assertEquals(ZipEntry.STORED, e.getMethod());
                assertEquals(java.time.LocalDateTime.of(2000, 1, 1, 0, 0), e.getTimeLocal());
                assertEquals(null, e.getExtra());
            }
            // The entry holds exactly what Npy.write produces.
            assertArrayEquals(NpyTest.bytes(sample().get(0)), z.getInputStream(entries.get(0)).readAllBytes());
        }
    }

    @Test
    void identicalInputGivesIdenticalBytesInAnyTimeZone() throws IOException {
        Path a = dir.resolve("a.npz"), b = dir.resolve("b.npz");
        Npz.write(a, sample());
        TimeZone saved = TimeZone.getDefault();
        try {
            TimeZone.setDefault(TimeZone.getTimeZone("Pacific/Kiritimati"));
            Npz.write(b, sample());
        } finally {
            TimeZone.setDefault(saved);
        }
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    }

    @Test
    void replacesAnExistingFileAndLeavesNoTemporary() throws IOException {
        Path f = dir.resolve("model.npz");
        Files.writeString(f, "old");
        Npz.write(f, sample());
        assertEquals(sample(), Npz.read(f));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList());
        }
    }

    @Test
    void rejectsBadNamesWhenWriting() {
        Path f = dir.resolve("x.npz");
        NpyArray a = NpyArray.of("a", new float[1]);
        assertThrows(IllegalArgumentException.class, () -> Npz.write(f, List.of(a, a)));
        assertThrows(IllegalArgumentException.class, () -> Npz.write(f, List.of(a.withName(""))));
        assertFalse(Files.exists(f));
    }

    @Test
    void missingFileIsAnIoError() {
        assertThrows(NoSuchFileException.class, () -> Npz.read(dir.resolve("nope.npz")));
    }

    @Test
    void notAZip() throws IOException {
        Path text = dir.resolve("model.npz");
        Files.writeString(text, "w1,b1\n1,2\n");
        assertEquals(text + ": not an npz file: not a zip archive (starts with b'w1,b1\\n')", error(text));

        Path empty = Files.write(dir.resolve("empty.npz"), new byte[0]);
        assertEquals(empty + ": not an npz file: the file is empty", error(empty));

        Path npy = Files.write(dir.resolve("w.npz"), NpyTest.bytes(NpyArray.of("w", new float[2], 2)));
        assertEquals(npy + ": not an npz file: it is a single .npy array (read it with Npy.read)", error(npy));
    }

    @Test
    void truncatedZip() throws IOException {
        Path f = dir.resolve("model.npz");
        Npz.write(f, sample());
        byte[] all = Files.readAllBytes(f);
        Files.write(f, Arrays.copyOf(all, all.length / 2));
        String m = error(f);
        assertTrue(m.startsWith(f + ": not an npz file: damaged or truncated zip archive ("), m);
    }

    @Test
    void truncatedAndOverlongEntries() throws IOException {
        byte[] good = NpyTest.bytes(NpyArray.of("w1", NpyTest.floats(32), 32));
        Path f = zip("short.npz", "b.npy", NpyTest.bytes(NpyArray.of("b", new float[1], 1)),
                "w1.npy", Arrays.copyOf(good, good.length - 64));
        assertEquals(f + ": w1.npy: expected 128 bytes of data, found 64", error(f));

        Path g = zip("long.npz", "w1.npy", Arrays.copyOf(good, good.length + 64));
        assertEquals(g + ": w1.npy: expected 128 bytes of data, found 192", error(g));
    }

    @Test
    void badEntries() throws IOException {
        Path f = zip("a.npz", "notes.txt", "hello".getBytes());
        assertEquals(f + ": notes.txt: not an array (npz entries are named <name>.npy)", error(f));

        Path g = zip("b.npz", "w1.npy", "PK and more".getBytes());
        assertEquals(g + ": w1.npy: bad magic: not a .npy array (expected b'\\x93NUMPY', found b'PK and')", error(g));

        Path h = zip("c.npz", "w1.npy", NpyTest.npy(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (), }", new byte[8]));
        assertEquals(h + ": w1.npy: unsupported dtype '<i8': only '<f4' (float32) and '<f8' (float64) are supported", error(h));

        Path k = zip("d.npz", "w1.npy", NpyTest.npy(1, "{'descr': '<f4', 'fortran_order': False}", new byte[4]));
        assertTrue(error(k).startsWith(k + ": w1.npy: malformed header: no 'shape' in"));
    }

    @Test
    void damagedDataIsCaughtByTheCrc() throws IOException {
        Path f = dir.resolve("model.npz");
        Npz.write(f, List.of(NpyArray.of("w1", NpyTest.floats(32), 32)));
        byte[] b = Files.readAllBytes(f);
        int at = indexOf(b, "w1.npy".getBytes()) + 6 + 128 + 10; // inside the data of the only entry
        b[at] ^= 1;
        Files.write(f, b);
        assertEquals(f + ": w1.npy: damaged entry: CRC does not match", error(f));
    }

    @Test
    void randomDamageIsAlwaysACheckpointException() throws IOException {
        Path f = dir.resolve("model.npz");
        Npz.write(f, sample());
        byte[] good = Files.readAllBytes(f);
        Random random = new Random(2);
        for (int trial = 0; trial < Integer.getInteger("npz.fuzz", 3000); trial++) {
            byte[] b = random.nextInt(4) == 0 ? Arrays.copyOf(good, random.nextInt(good.length)) : good.clone();
            for (int k = random.nextInt(3); k >= 0 && b.length > 0; k--) b[random.nextInt(b.length)] = (byte) random.nextInt();
            Files.write(f, b);
            try {
                Npz.read(f);
            } catch (CheckpointException expected) {
                assertTrue(expected.getMessage().startsWith(f + ": "), expected.getMessage());
            }
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

}
