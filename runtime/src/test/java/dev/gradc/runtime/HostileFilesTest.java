package dev.gradc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.AbstractList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files whose headers lie about their size are refused without allocating what they claim, and
 * checkpoints are written so that a crash leaves neither a damaged file nor litter.
 */
class HostileFilesTest {
    @TempDir
    Path dir;

    /** Far below any claim tested here (1.5 GB), far above what reading a small file needs. */
    static final long ALLOCATION_BOUND = 32L << 20;

    interface Read {
        void run() throws Exception;
    }

    /** The exception {@code read} throws, checking that this thread allocated little meanwhile. */
    static <T extends Throwable> T refusedCheaply(Class<T> type, Read read) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        T e = assertThrows(type, read::run);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < ALLOCATION_BOUND, "allocated " + allocated + " bytes before refusing: " + e.getMessage());
        return e;
    }

    /** 116 bytes: an image file's header claiming 2,000,000 images of 28 x 28, and 100 bytes of them. */
    static byte[] lyingImages() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x0803);
        out.writeInt(2_000_000);
        out.writeInt(28);
        out.writeInt(28);
        out.write(new byte[100]);
        return bytes.toByteArray();
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    @Test
    void anIdxHeaderClaimingMoreThanTheFileHoldsIsRefusedBeforeAllocating() throws IOException {
        Path labels = Files.write(dir.resolve("labels"), IdxTest.idx(new int[] {1}, new int[] {0}));
        Path images = Files.write(dir.resolve("images"), lyingImages());
        assertEquals(116, Files.size(images));
        DataException plain = refusedCheaply(DataException.class, () -> Idx.read(images, labels));
        assertEquals(images + ": expected 1568000000 bytes of data, found 100", plain.getMessage());
        Path gzipped = Files.write(dir.resolve("images.gz"), gzip(lyingImages()));
        DataException compressed = refusedCheaply(DataException.class, () -> Idx.read(gzipped, labels));
        assertEquals(gzipped + ": expected 1568000000 bytes of data, found 100", compressed.getMessage());
    }

    @Test
    void idxDimensionsWhoseProductOverflowsAreRefused() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x0804);
        for (int i = 0; i < 4; i++) out.writeInt(0x10000); // 2^64 values: a product that wraps to 0 in a long
        Path images = Files.write(dir.resolve("images"), bytes.toByteArray());
        DataException e = refusedCheaply(DataException.class, () -> Idx.read(images, images));
        assertTrue(e.getMessage().endsWith("are more values than this reader holds"), e.getMessage());
    }

    /** An npy header for a float32 vector of {@code n} elements (no data). */
    static byte[] npyHeader(long n) {
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + n + ",), }";
        int len = dict.length() + 1;
        ByteBuffer b = ByteBuffer.allocate(10 + len).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) len);
        b.put(dict.getBytes(StandardCharsets.US_ASCII)).put((byte) '\n');
        return b.array();
    }

    @Test
    void aCompressedNpzEntryWhoseSizeIsAClaimIsReadAsItArrives() throws IOException {
        // A deflated entry whose central directory claims the 1.6 GB its npy header declares; it holds 16 bytes.
        byte[] header = npyHeader(400_000_000);
        Path f = dir.resolve("claim.npz");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(f))) {
            z.putNextEntry(new ZipEntry("w.npy"));
            z.write(header);
            z.write(new byte[16]);
            z.closeEntry();
        }
        byte[] zip = Files.readAllBytes(f);
        int cen = lastIndexOf(zip, new byte[] {'P', 'K', 1, 2});
        ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN).putInt(cen + 24, header.length + 1_600_000_000);
        Files.write(f, zip);
        CheckpointException e = refusedCheaply(CheckpointException.class, () -> Npz.read(f));
        assertTrue(e.getMessage().startsWith(f + ": w.npy: "), e.getMessage());
    }

    @Test
    void aBareNpyHeaderClaimingBillionsOverAShortStreamIsReadAsItArrives() {
        byte[] npy = npyHeader(2_000_000_000);
        CheckpointException e = refusedCheaply(CheckpointException.class,
                () -> Npy.read(new java.io.ByteArrayInputStream(npy), "w.npy"));
        assertEquals("w.npy: expected 8000000000 bytes of data, found 0", e.getMessage());
    }

    private static int lastIndexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = hay.length - needle.length; i >= 0; i--) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    // checkpoints

    List<Path> files() throws IOException {
        try (var list = Files.list(dir)) {
            return list.sorted().toList();
        }
    }

    @Test
    void temporaryFilesOfEarlierCrashedRunsAreDeletedByTheNextSave() throws IOException {
        Path f = dir.resolve("out.npz");
        // What a run killed mid-save leaves: an old-style out.npz.tmp and a new-style one.
        Path legacy = Files.writeString(dir.resolve("out.npz.tmp"), "half a checkpoint");
        Path crashed = Files.writeString(dir.resolve("out.npz.k3j9x2.tmp"), "half a checkpoint");
        Path unrelated = Files.writeString(dir.resolve("other.npz.k3j9x2.tmp"), "someone else's");
        Path notOurs = Files.writeString(dir.resolve("out.npz.notes.TMP"), "not a temporary of ours");
        Files.setLastModifiedTime(crashed, FileTime.fromMillis(0));
        Npz.write(f, NpzTest.sample());
        assertEquals(NpzTest.sample(), Npz.read(f));
        assertFalse(Files.exists(legacy));
        assertFalse(Files.exists(crashed));
        assertEquals(List.of(unrelated, f, notOurs).stream().sorted().toList(), files());
    }

    @Test
    void aWriteThatFailsMidwayLeavesTheTargetIntactAndNoTemporary() throws IOException {
        Path f = dir.resolve("out.npz");
        Npz.write(f, NpzTest.sample());
        byte[] good = Files.readAllBytes(f);
        NpyArray big = NpyArray.of("big", new double[1 << 16], 1 << 16);
        // The second array cannot be produced: the write has begun and must fail cleanly.
        List<NpyArray> failing = new AbstractList<>() {
            @Override
            public NpyArray get(int i) {
                if (i == 1) throw new IllegalStateException("disk on fire");
                return big;
            }

            @Override
            public int size() {
                return 2;
            }

            @Override
            public java.util.Iterator<NpyArray> iterator() {
                return new java.util.Iterator<>() {
                    int i;

                    public boolean hasNext() {
                        return i < 2;
                    }

                    public NpyArray next() {
                        return get(i++);
                    }
                };
            }
        };
        // Names are checked before writing; this list fails only when the entries are written.
        assertThrows(IllegalStateException.class, () -> Npz.write(f, failing));
        assertEquals(List.of(f), files());
        assertEquals(true, java.util.Arrays.equals(good, Files.readAllBytes(f)));
    }

    @Test
    void checkWritableFindsBadTargetsWithoutTouchingAGoodOne() throws IOException {
        Path f = dir.resolve("out.npz");
        Npz.write(f, NpzTest.sample());
        byte[] good = Files.readAllBytes(f);
        Npz.checkWritable(f);
        assertEquals(List.of(f), files());
        assertTrue(java.util.Arrays.equals(good, Files.readAllBytes(f)));
        assertEquals("directory " + dir.resolve("missing") + " does not exist",
                assertThrows(IOException.class, () -> Npz.checkWritable(dir.resolve("missing/out.npz"))).getMessage());
        assertEquals(dir + " is a directory", assertThrows(IOException.class, () -> Npz.checkWritable(dir)).getMessage());
        Path file = Files.writeString(dir.resolve("plain"), "x");
        assertEquals(file + " is not a directory",
                assertThrows(IOException.class, () -> Npz.checkWritable(file.resolve("out.npz"))).getMessage());
    }
}
