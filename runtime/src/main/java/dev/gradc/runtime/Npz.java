package dev.gradc.runtime;

import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
     * The output depends only on the arrays.
     *
     * <p>The file is written to a uniquely named temporary file beside the target ({@code
     * NAME.<random>.tmp}), synced to disk, and renamed over the target, and then the directory is
     * synced: a crash or {@code kill -9} at any moment leaves either the old file or the new one, never
     * a mix. A failed write deletes its temporary file; temporary files that earlier runs left when
     * they were killed are deleted by the next write (one still being written by another process is
     * locked and left alone).
     *
     * @throws IllegalArgumentException if a name is empty or repeated
     */
    public static void write(Path file, List<NpyArray> arrays) throws IOException {
        Set<String> names = new HashSet<>();
        for (NpyArray a : arrays) {
            if (a.name().isEmpty()) throw new IllegalArgumentException("an npz array needs a non-empty name");
            if (!names.add(a.name())) throw new IllegalArgumentException("duplicate array name '" + a.name() + "'");
        }
        Path dir = directoryOf(file);
        deleteStaleTemporaries(dir, file.getFileName().toString());
        Temporary tmp = createTemporary(dir, file.getFileName().toString());
        boolean moved = false;
        try (FileChannel channel = tmp.channel(); FileLock ignored = lock(channel)) {
            // Not closed here: closing the stream would close the channel and drop the lock before the rename.
            BufferedOutputStream buffered = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
            ZipOutputStream zip = new ZipOutputStream(buffered);
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
            zip.finish();
            buffered.flush();
            channel.force(true); // the data is on disk before the name points at it
            try {
                Files.move(tmp.path(), file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp.path(), file, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } finally {
            if (!moved) Files.deleteIfExists(tmp.path());
        }
        syncDirectory(dir); // the rename itself survives a power cut
    }

    /**
     * Checks, without touching an existing file, that {@link #write} could write {@code file}: its
     * directory exists and takes new files, and it is not a directory itself. For finding a bad
     * target before hours of training rather than after.
     *
     * @throws IOException saying what is wrong
     */
    public static void checkWritable(Path file) throws IOException {
        if (Files.isDirectory(file)) throw new IOException(file + " is a directory");
        Path dir = directoryOf(file);
        if (!Files.exists(dir)) throw new IOException("directory " + dir + " does not exist");
        if (!Files.isDirectory(dir)) throw new IOException(dir + " is not a directory");
        Temporary probe;
        try {
            probe = createTemporary(dir, file.getFileName().toString());
        } catch (IOException e) {
            throw new IOException("cannot create files in " + dir + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
        probe.channel().close();
        Files.deleteIfExists(probe.path());
    }

    private record Temporary(Path path, FileChannel channel) {}

    /** An exclusive lock, or null where the file system has none: locking only protects against another run's clean-up. */
    private static FileLock lock(FileChannel channel) {
        try {
            return channel.tryLock();
        } catch (IOException e) {
            return null;
        }
    }

    private static Path directoryOf(Path file) {
        Path parent = file.toAbsolutePath().getParent();
        return parent == null ? file.toAbsolutePath().getRoot() : parent;
    }

    private static final String TEMPORARY_SUFFIX = ".tmp";

    /** A new file {@code NAME.<random>.tmp} in {@code dir}, open for writing. */
    private static Temporary createTemporary(Path dir, String name) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve(name + "." + Long.toUnsignedString(RANDOM.nextLong(), 36) + TEMPORARY_SUFFIX);
            try {
                return new Temporary(tmp, FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                if (attempt > 100) throw e;
            }
        }
    }

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /**
     * Deletes {@code NAME.<random>.tmp} files (and {@code NAME.tmp}, the name earlier versions used)
     * that no process is writing: a writer holds a lock on its temporary file until it is renamed.
     */
    private static void deleteStaleTemporaries(Path dir, String name) {
        try (DirectoryStream<Path> candidates = Files.newDirectoryStream(dir, p -> {
            String n = p.getFileName().toString();
            return n.equals(name + TEMPORARY_SUFFIX) || (n.startsWith(name + ".") && n.endsWith(TEMPORARY_SUFFIX)
                    && n.length() > name.length() + 1 + TEMPORARY_SUFFIX.length()
                    && n.substring(name.length() + 1, n.length() - TEMPORARY_SUFFIX.length()).matches("[0-9a-z]+"));
        })) {
            for (Path stale : candidates) {
                try (FileChannel channel = FileChannel.open(stale, StandardOpenOption.WRITE); FileLock lock = channel.tryLock()) {
                    if (lock != null) Files.deleteIfExists(stale);
                } catch (IOException | java.nio.channels.OverlappingFileLockException inUse) {
                    // being written here or elsewhere, or gone already: not ours to delete
                }
            }
        } catch (IOException | java.nio.file.DirectoryIteratorException e) {
            // cleaning up is a courtesy; the write itself reports real problems
        }
    }

    /** Makes a rename in {@code dir} durable; where directories cannot be opened (Windows) renames are durable already. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // not supported on this platform or file system
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
        long fileSize = Files.size(file);
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
                    // A stored entry's bytes lie in the file, so a size within the file is real; a
                    // compressed entry's size is a claim the inflater may not keep.
                    boolean real = e.getMethod() == ZipEntry.STORED && e.getSize() >= 0 && e.getSize() <= fileSize;
                    arrays.add(Npy.read(in, name, entry, e.getSize(), real));
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
