package dev.gradc.runtime.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The data caches of the core the JVM runs on, as Linux reports them under
 * {@code /sys/devices/system/cpu/cpu0/cache}; the kernels size their blocks from them. Where the
 * files are missing or unreadable (other systems, containers that hide {@code /sys}) the defaults
 * are those of a typical x86 core: 32 KiB L1d, 1 MiB L2. {@code -Dgradc.l1=} and
 * {@code -Dgradc.l2=} (bytes) override both, for experiments.
 */
final class CacheSizes {
    static final int DEFAULT_L1 = 32 << 10, DEFAULT_L2 = 1 << 20;

    /** Bytes of level-1 data cache per core. */
    static final int L1 = Integer.getInteger("gradc.l1", read(1, DEFAULT_L1));
    /** Bytes of level-2 cache per core. */
    static final int L2 = Integer.getInteger("gradc.l2", read(2, DEFAULT_L2));

    private CacheSizes() {}

    private static int read(int level, int fallback) {
        Path dir = Path.of("/sys/devices/system/cpu/cpu0/cache");
        for (int index = 0; index < 8; index++) {
            Path entry = dir.resolve("index" + index);
            try {
                if (!Files.isDirectory(entry)) break;
                if (Integer.parseInt(Files.readString(entry.resolve("level")).trim()) != level) continue;
                if (Files.readString(entry.resolve("type")).trim().equals("Instruction")) continue;
                int size = parseSize(Files.readString(entry.resolve("size")).trim());
                if (size > 0) return size;
            } catch (IOException | RuntimeException e) {
                return fallback; // unreadable or malformed: the defaults, never a failure
            }
        }
        return fallback;
    }

    /** {@code "48K"}, {@code "2048K"}, {@code "2M"} or plain bytes; -1 when malformed or absurd. */
    static int parseSize(String text) {
        if (text.isEmpty()) return -1;
        char unit = Character.toUpperCase(text.charAt(text.length() - 1));
        int shift = unit == 'K' ? 10 : unit == 'M' ? 20 : 0;
        String digits = shift == 0 ? text : text.substring(0, text.length() - 1);
        try {
            long bytes = Long.parseLong(digits) << shift;
            return bytes >= 4096 && bytes <= (1L << 30) ? (int) bytes : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
