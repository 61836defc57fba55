package dev.gradc.runtime;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * The IDX format of MNIST-style files, gzipped or not (recognized by gzip's magic bytes): a big-endian
 * header {@code 0x00 0x00 type rank}, one int per dimension, then unsigned bytes. Images become
 * feature rows scaled to [0, 1]; labels become class indices.
 */
public final class Idx {
    private Idx() {}

    private static final int UNSIGNED_BYTE = 0x08;

    /**
     * Images ({@code [n, rows, cols]} or any rank ≥ 1) and their labels ({@code [n]}), as one data set.
     *
     * @param images the IDX file of images (unsigned bytes, gzipped or not)
     * @param labels the IDX file of labels
     * @return the data set: features scaled to [0, 1], labels as class indices
     * @throws IOException if reading fails
     * @throws DataException if the files are damaged or do not match
     */
    public static Dataset read(Path images, Path labels) throws IOException {
        return read(images, labels, DType.FLOAT64);
    }

    /**
     * Images and their labels, as one data set whose features are held in {@code precision}: floats
     * for a float32 model, the same values its inputs would round the doubles to, in half the memory.
     *
     * @param images the IDX file of images (unsigned bytes, gzipped or not)
     * @param labels the IDX file of labels
     * @param precision how the features are held
     * @return the data set: features scaled to [0, 1], labels as class indices
     * @throws IOException if reading fails
     * @throws DataException if the files are damaged or do not match
     */
    public static Dataset read(Path images, Path labels, DType precision) throws IOException {
        Array x = readArray(images, precision);
        Array y = readArray(labels, null);
        if (y.dims.length != 1) throw new DataException(labels + ": expected a label file (rank 1), found rank " + y.dims.length);
        if (x.dims[0] != y.dims[0]) {
            throw new DataException(images + " holds " + x.dims[0] + " images but " + labels + " holds " + y.dims[0] + " labels");
        }
        int n = x.dims[0], features = x.length() / Math.max(n, 1);
        double[] ys = new double[n];
        for (int i = 0; i < n; i++) ys[i] = y.bytes[i] & 0xFF;
        String name = images.getFileName().toString().replaceFirst("(-images)?[-.]idx\\d-ubyte(\\.gz)?$", "");
        return x.floats != null ? Dataset.ofFloats(name, n, features, x.floats, ys) : new Dataset(name, n, features, x.doubles, ys);
    }

    /** Byte values scaled to [0, 1]. */
    private static final double[] SCALED = new double[256];

    static {
        for (int b = 0; b < 256; b++) SCALED[b] = b / 255.0;
    }

    /** An IDX file's dimensions and values: its bytes, or the bytes scaled into floats or doubles. */
    private record Array(int[] dims, byte[] bytes, float[] floats, double[] doubles) {
        /** Room for {@code n} values scaled to {@code precision}. */
        static Array scaled(int[] dims, int n, DType precision) {
            return precision == DType.FLOAT32 ? new Array(dims, null, new float[n], null) : new Array(dims, null, null, new double[n]);
        }

        int length() {
            return bytes != null ? bytes.length : floats != null ? floats.length : doubles.length;
        }

        /** Scales {@code count} bytes of {@code src} into the values from {@code at}. */
        void scale(byte[] src, int count, int at) {
            if (floats != null) {
                for (int i = 0; i < count; i++) floats[at + i] = (float) SCALED[src[i] & 0xFF];
            } else {
                for (int i = 0; i < count; i++) doubles[at + i] = SCALED[src[i] & 0xFF];
            }
        }
    }

    /**
     * Reads an IDX file of unsigned bytes: the bytes themselves ({@code scaledTo} null), or scaled to
     * [0, 1] as floats or doubles. Scaled values are decoded a chunk at a time, so that the file's
     * bytes are never all held beside them (Fashion-MNIST's training images: 47 MB of bytes beside
     * 188 MB of floats), wherever the data's length is known before reading it.
     */
    private static Array readArray(Path file, DType scaledTo) throws IOException {
        long fileSize = Files.size(file);
        boolean gzipped = isGzip(file);
        try (DataInputStream in = new DataInputStream(open(file, gzipped))) {
            int magic;
            try {
                magic = in.readInt();
            } catch (EOFException e) {
                throw new DataException(file + ": empty or truncated IDX header");
            }
            if ((magic >>> 16) != 0 || ((magic >>> 8) & 0xFF) != UNSIGNED_BYTE || (magic & 0xFF) < 1) {
                throw new DataException(String.format("%s: not an IDX file of unsigned bytes (magic number 0x%08x; expected 0x0000080N)", file, magic));
            }
            int[] dims = new int[magic & 0xFF];
            long size = 1;
            for (int i = 0; i < dims.length; i++) {
                try {
                    dims[i] = in.readInt();
                } catch (EOFException e) {
                    throw new DataException(file + ": truncated IDX header (" + dims.length + " dimensions declared)");
                }
                if (dims[i] < 0) throw new DataException(file + ": negative dimension " + dims[i]);
                size = dims[i] == 0 || size <= Long.MAX_VALUE / dims[i] ? size * dims[i] : Long.MAX_VALUE; // saturates
            }
            if (size > Integer.MAX_VALUE - 8) throw new DataException(file + ": " + dimsText(dims) + " are more values than this reader holds");
            // The header is only a claim: an uncompressed file must hold exactly that much data, which
            // is checked before allocating; a gzipped one too where gzip's trailer (the uncompressed
            // length, mod 2^32) agrees, else it is read as it arrives and may fall short.
            long header = 4 + 4L * dims.length;
            if (!gzipped && fileSize - header != size) {
                throw new DataException(file + ": expected " + size + " bytes of data, found " + Math.max(0, fileSize - header));
            }
            boolean known = !gzipped || gzipLength(file, fileSize) == ((header + size) & 0xFFFFFFFFL);
            int n = (int) size;
            Array out;
            if (scaledTo != null && known) {
                out = Array.scaled(dims, n, scaledTo);
                byte[] chunk = new byte[1 << 16];
                for (int done = 0; done < n; ) {
                    int got = in.read(chunk, 0, Math.min(chunk.length, n - done));
                    if (got < 0) throw new DataException(file + ": expected " + size + " bytes of data, found " + done);
                    out.scale(chunk, got, done);
                    done += got;
                }
            } else {
                byte[] bytes = gzipped ? readGrowing(in, n) : new byte[n];
                int read = gzipped ? bytes.length : in.readNBytes(bytes, 0, bytes.length);
                if (read != size) {
                    throw new DataException(file + ": expected " + size + " bytes of data, found " + read);
                }
                if (scaledTo == null) {
                    out = new Array(dims, bytes, null, null);
                } else {
                    out = Array.scaled(dims, n, scaledTo);
                    out.scale(bytes, n, 0);
                }
            }
            if (in.read() != -1) throw new DataException(file + ": data continues after the " + size + " values the header declares");
            return out;
        } catch (ZipException | EOFException e) {
            throw new DataException(file + ": corrupt gzip data (" + e.getMessage() + ")");
        }
    }

    /** A gzip file's trailer: the uncompressed length mod 2^32 (of its last member), or -1 if too short to have one. */
    private static long gzipLength(Path file, long fileSize) throws IOException {
        if (fileSize < 18) return -1;
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            return ch.read(b, fileSize - 4) == 4 ? b.getInt(0) & 0xFFFFFFFFL : -1;
        }
    }

    /** Up to {@code n} bytes, in a buffer that grows with what arrives; shorter if the stream ends first. */
    private static byte[] readGrowing(InputStream in, int n) throws IOException {
        byte[] buf = new byte[Math.min(n, 1 << 16)];
        int size = 0;
        while (size < n) {
            if (size == buf.length) buf = Arrays.copyOf(buf, (int) Math.min(n, 2L * buf.length));
            int got = in.read(buf, size, buf.length - size);
            if (got < 0) break;
            size += got;
        }
        return size == buf.length ? buf : Arrays.copyOf(buf, size);
    }

    private static String dimsText(int[] dims) {
        StringBuilder sb = new StringBuilder();
        for (int d : dims) sb.append(sb.length() == 0 ? "" : " x ").append(d);
        return sb.toString();
    }

    private static boolean isGzip(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    private static InputStream open(Path file, boolean gzipped) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        return gzipped ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in;
    }
}
