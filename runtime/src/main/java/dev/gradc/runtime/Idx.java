package dev.gradc.runtime;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** Images ({@code [n, rows, cols]} or any rank ≥ 1) and their labels ({@code [n]}), as one data set. */
    public static Dataset read(Path images, Path labels) throws IOException {
        Array x = readArray(images);
        Array y = readArray(labels);
        if (y.dims.length != 1) throw new DataException(labels + ": expected a label file (rank 1), found rank " + y.dims.length);
        if (x.dims[0] != y.dims[0]) {
            throw new DataException(images + " holds " + x.dims[0] + " images but " + labels + " holds " + y.dims[0] + " labels");
        }
        int n = x.dims[0], features = x.bytes.length / Math.max(n, 1);
        double[] xs = new double[x.bytes.length], ys = new double[n];
        for (int i = 0; i < xs.length; i++) xs[i] = (x.bytes[i] & 0xFF) / 255.0;
        for (int i = 0; i < n; i++) ys[i] = y.bytes[i] & 0xFF;
        String name = images.getFileName().toString().replaceFirst("(-images)?[-.]idx\\d-ubyte(\\.gz)?$", "");
        return new Dataset(name, n, features, xs, ys);
    }

    private record Array(int[] dims, byte[] bytes) {}

    private static Array readArray(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(open(file))) {
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
                size *= dims[i];
            }
            if (size > Integer.MAX_VALUE - 8) throw new DataException(file + ": " + size + " values are more than this reader holds");
            byte[] bytes = new byte[(int) size];
            int read = in.readNBytes(bytes, 0, bytes.length);
            if (read != bytes.length) throw new DataException(file + ": expected " + size + " bytes of data, found " + read);
            if (in.read() != -1) throw new DataException(file + ": data continues after the " + size + " values the header declares");
            return new Array(dims, bytes);
        } catch (ZipException | EOFException e) {
            throw new DataException(file + ": corrupt gzip data (" + e.getMessage() + ")");
        }
    }

    private static InputStream open(Path file) throws IOException {
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.mark(2);
        int b1 = in.read(), b2 = in.read();
        in.reset();
        return b1 == 0x1f && b2 == 0x8b ? new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16) : in;
    }
}
