package dev.gradc.runtime.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a generated trainer's values live: its buffers (each one primitive array of
 * {@code coef * maxBatch^batchPower} elements, allocated once by the base class) and which buffer
 * holds each named value ({@code param w1}, {@code grad w1}, {@code output predict}, {@code loss},
 * ...). The compiler's plan decides it; the generated class carries its text form, read back here.
 *
 * @param buffers every array, by index
 * @param bindings which buffer each binding key names
 */
public record Storage(List<Buffer> buffers, Map<String, Integer> bindings) {
    /**
     * One array's length as a function of the trainer's maximum batch.
     *
     * @param coef elements per {@code maxBatch^batchPower}
     * @param batchPower 0 for a fixed size, 1 for one that grows with the batch, and so on
     */
    public record Buffer(long coef, int batchPower) {}

    /**
     * Copies both: a storage never changes.
     *
     * @param buffers every array, by index
     * @param bindings which buffer each binding key names
     */
    public Storage {
        buffers = List.copyOf(buffers);
        bindings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(bindings));
    }

    /**
     * The binding key of a named value: {@code role name}, or the role alone ({@code loss}).
     *
     * @param role {@code param}, {@code grad}, {@code output}, ...
     * @param name the value's name, or empty
     * @return the key
     */
    public static String key(String role, String name) {
        return name.isEmpty() ? role : role + " " + name;
    }

    /**
     * {@code buffers coef:power ...} on one line, then {@code bind <key> <buffer>} per binding.
     *
     * @return the text {@link #parse} reads
     */
    public String format() {
        StringBuilder out = new StringBuilder("buffers");
        for (Buffer b : buffers) out.append(' ').append(b.coef()).append(':').append(b.batchPower());
        out.append('\n');
        bindings.forEach((key, index) -> out.append("bind ").append(key).append(' ').append(index).append('\n'));
        return out.toString();
    }

    /**
     * Reads the text form back.
     *
     * @param text what {@link #format} wrote
     * @return the storage
     */
    public static Storage parse(String text) {
        List<Buffer> buffers = new ArrayList<>();
        Map<String, Integer> bindings = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("buffers")) {
                for (String b : line.substring("buffers".length()).trim().split(" ")) {
                    if (b.isEmpty()) continue;
                    int colon = b.indexOf(':');
                    buffers.add(new Buffer(Long.parseLong(b.substring(0, colon)), Integer.parseInt(b.substring(colon + 1))));
                }
            } else if (line.startsWith("bind ")) {
                int last = line.lastIndexOf(' ');
                bindings.put(line.substring(5, last), Integer.parseInt(line.substring(last + 1)));
            } else if (!line.isEmpty()) {
                throw new IllegalArgumentException("unknown storage line: " + line);
            }
        }
        return new Storage(buffers, bindings);
    }
}
