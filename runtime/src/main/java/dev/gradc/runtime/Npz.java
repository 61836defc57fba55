package dev.gradc.runtime;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * NumPy {@code .npz} files: a zip archive with one {@code <name>.npy} entry per array, which is
 * what {@code np.savez} writes and {@code np.load} reads. This is gradc's parameter file format,
 * so weights move between gradc, NumPy and PyTorch without conversion code.
 */
public final class Npz {
    /**
     * Fixed entry time, so identical arrays give identical files. Not 1980-01-01 00:00: the JDK
     * treats that DOS time as "before 1980" and adds an extended-timestamp field.
     */
    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(2000, 1, 1, 0, 0);

    private Npz() {}

    /**
     * Writes the arrays in the given order as uncompressed (STORED) entries, like {@code np.savez}.
     * The output depends only on the arrays. The file is written beside the target and then moved
     * over it, so a crash mid-write never leaves a half-written checkpoint under the real name.
     *
     * @throws IllegalArgumentException if a name is empty or repeated
     */
    public static void write(Path file, List<NpyArray> arrays) throws IOException {
        Set<String> names = new HashSet<>();
        for (NpyArray a : arrays) {
            if (a.name().isEmpty()) throw new IllegalArgumentException("an npz array needs a non-empty name");
            if (!names.add(a.name())) throw new IllegalArgumentException("duplicate array name '" + a.name() + "'");
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (ZipOutputStream zip = new ZipOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp)))) {
                for (NpyArray a : arrays) {
                    // STORED entries need size and CRC before their data, so serialize once to a CRC.
                    CRC32 crc = new CRC32();
                    Npy.write(new CheckedOutputStream(OutputStream.nullOutputStream(), crc), a);
                    ZipEntry e = new ZipEntry(a.name() + ".npy");
                    e.setMethod(ZipEntry.STORED);
                    e.setSize(Npy.byteSize(a));
                    e.setCompressedSize(Npy.byteSize(a));
                    e.setCrc(crc.getValue());
                    e.setTimeLocal(ENTRY_TIME); // local time: no time-zone dependence, no extra field
                    zip.putNextEntry(e);
                    Npy.write(zip, a);
                    zip.closeEntry();
                }
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Reads every array, in the archive's order. Accepts files from {@link #write}, {@code np.savez}
     * and {@code np.savez_compressed}.
     *
     * @throws CheckpointException if the file is not a valid npz of float32/float64 arrays
     * @throws IOException if the file cannot be read at all (missing, no permission)
     */
    public static List<NpyArray> read(Path file) throws IOException {
        String where = file.toString();
        byte[] start;
        try (InputStream in = Files.newInputStream(file)) {
            start = in.readNBytes(6);
        }
        boolean looksZip = start.length >= 4 && start[0] == 'P' && start[1] == 'K';
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (ZipException | EOFException e) {
            if (start.length == 0) throw new CheckpointException(where + ": not an npz file: the file is empty");
            if (start.length == 6 && (start[0] & 0xFF) == 0x93 && new String(start, 1, 5).equals("NUMPY")) {
                throw new CheckpointException(where + ": not an npz file: it is a single .npy array (read it with Npy.read)");
            }
            throw new CheckpointException(where + (looksZip
                    ? ": not an npz file: damaged or truncated zip archive (" + e.getMessage() + ")"
                    : ": not an npz file: not a zip archive (starts with " + Npy.pyBytes(start) + ")"), e);
        }
        List<NpyArray> arrays = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        try (zip) {
            for (Enumeration<? extends ZipEntry> it = zip.entries(); it.hasMoreElements(); ) {
                ZipEntry e;
                try {
                    e = it.nextElement();
                } catch (IllegalArgumentException x) { // the JDK's report of a name that is not UTF-8
                    throw new CheckpointException(where + ": damaged zip archive: an entry name is not valid UTF-8", x);
                }
                String entry = where + ": " + e.getName();
                if (!e.getName().endsWith(".npy")) {
                    throw new CheckpointException(entry + ": not an array (npz entries are named <name>.npy)");
                }
                if (!seen.add(e.getName())) throw new CheckpointException(entry + ": duplicate entry");
                String name = e.getName().substring(0, e.getName().length() - 4);
                try (CheckedInputStream in = new CheckedInputStream(zip.getInputStream(e), new CRC32())) {
                    arrays.add(Npy.read(in, name, entry, e.getSize()));
                    if (e.getCrc() != -1 && in.getChecksum().getValue() != e.getCrc()) {
                        throw new CheckpointException(entry + ": damaged entry: CRC does not match");
                    }
                } catch (ZipException | EOFException x) {
                    // Damage inside the archive (bad local header, broken deflate stream).
                    throw new CheckpointException(entry + ": damaged zip entry (" + x.getMessage() + ")", x);
                }
            }
        }
        return arrays;
    }
}
