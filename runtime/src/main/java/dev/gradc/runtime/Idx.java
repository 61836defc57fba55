package dev.gradc.runtime;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
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
        Array x = readArray(images);
        Array y = readArray(labels);
        if (y.dims.length != 1) throw new DataException(labels + ": expected a label file (rank 1), found rank " + y.dims.length);
        if (x.dims[0] != y.dims[0]) {
            throw new DataException(images + " holds " + x.dims[0] + " images but " + labels + " holds " + y.dims[0] + " labels");
        }
        int n = x.dims[0], features = x.bytes.length / Math.max(n, 1);
        double[] scaled = new double[256], ys = new double[n];
        for (int b = 0; b < 256; b++) scaled[b] = b / 255.0;
        for (int i = 0; i < n; i++) ys[i] = y.bytes[i] & 0xFF;
        String name = images.getFileName().toString().replaceFirst("(-images)?[-.]idx\\d-ubyte(\\.gz)?$", "");
        if (precision == DType.FLOAT32) {
            float[] xs = new float[x.bytes.length];
            for (int i = 0; i < xs.length; i++) xs[i] = (float) scaled[x.bytes[i] & 0xFF];
            return Dataset.ofFloats(name, n, features, xs, ys);
        }
        double[] xs = new double[x.bytes.length];
        for (int i = 0; i < xs.length; i++) xs[i] = scaled[x.bytes[i] & 0xFF];
        return new Dataset(name, n, features, xs, ys);
    }

    private record Array(int[] dims, byte[] bytes) {}

    private static Array readArray(Path file) throws IOException {
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
            // is checked before allocating; a gzipped one is read as it arrives and may fall short.
            long header = 4 + 4L * dims.length;
            if (!gzipped && fileSize - header != size) {
                throw new DataException(file + ": expected " + size + " bytes of data, found " + Math.max(0, fileSize - header));
            }
            byte[] bytes = gzipped ? readGrowing(in, (int) size) : new byte[(int) size];
            int read = gzipped ? bytes.length : in.readNBytes(bytes, 0, bytes.length);
            if (read != size) {
                throw new DataException(file + ": expected " + size + " bytes of data, found " + read);
            }
            if (in.read() != -1) throw new DataException(file + ": data continues after the " + size + " values the header declares");
            return new Array(dims, bytes);
        } catch (ZipException | EOFException e) {
            throw new DataException(file + ": corrupt gzip data (" + e.getMessage() + ")");
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
