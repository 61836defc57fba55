package dev.gradc.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes one array in NumPy's {@code .npy} format
 * (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html).
 *
 * <p>Writing produces the same bytes as {@code np.save} for a C-ordered little-endian float32 or
 * float64 array: version 1.0, the header dict in NumPy's key order, NumPy's spare spaces after it,
 * padded so the data starts at a multiple of 64 bytes. Reading accepts versions 1.0, 2.0 and 3.0
 * and the dtypes {@code '<f4'} and {@code '<f8'}; anything else is a {@link CheckpointException}.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;
    /** NumPy leaves room after the dict so the first dimension can grow in place; we match its bytes. */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;
    /** Headers are a few hundred bytes; a larger one is damage, and must not make us allocate. */
    private static final int MAX_HEADER = 1 << 20;
    private static final int CHUNK = 1 << 16; // bytes per read/write; a multiple of every item size

    private Npy() {}

    public static void write(OutputStream out, NpyArray array) throws IOException {
        out.write(header(array));
        ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        int n = array.size(), per = CHUNK / array.dtype().itemSize();
        for (int off = 0; off < n; off += per) {
            int k = Math.min(per, n - off);
            if (array.data() instanceof float[] f) buf.asFloatBuffer().put(f, off, k);
            else buf.asDoubleBuffer().put((double[]) array.data(), off, k);
            out.write(buf.array(), 0, k * array.dtype().itemSize());
        }
    }

    /**
     * Reads one array from the stream, leaving the stream just after its data. The array's name
     * is {@code nameForErrors} without a trailing {@code .npy}; messages start with it.
     */
    public static NpyArray read(InputStream in, String nameForErrors) throws IOException {
        String name = nameForErrors.endsWith(".npy")
                ? nameForErrors.substring(0, nameForErrors.length() - 4) : nameForErrors;
        return read(in, name, nameForErrors, -1, false);
    }

    /** Total bytes {@link #write} produces for the array. */
    static long byteSize(NpyArray array) {
        return header(array).length + (long) array.size() * array.dtype().itemSize();
    }

    /** Magic, version, header length, and the header dict padded to the alignment with spaces and '\n'. */
    static byte[] header(NpyArray a) {
        int[] shape = a.shape();
        StringBuilder dict = new StringBuilder("{'descr': '").append(a.dtype().descr())
                .append("', 'fortran_order': False, 'shape': ").append(shapeRepr(shape)).append(", }");
        if (shape.length > 0) dict.append(" ".repeat(GROWTH_AXIS_MAX_DIGITS - Integer.toString(shape[0]).length()));
        // Version 1.0 stores the header length in 2 bytes; only thousands of dimensions need 2.0.
        int hlen = dict.length() + 1;
        int prefix = hlen + 2 + 10 <= 0xFFFF ? 10 : 12;
        int pad = ALIGN - (prefix + hlen) % ALIGN; // as NumPy does: 1..64, never 0
        ByteBuffer b = ByteBuffer.allocate(prefix + hlen + pad).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) (prefix == 10 ? 1 : 2)).put((byte) 0);
        if (prefix == 10) b.putShort((short) (hlen + pad));
        else b.putInt(hlen + pad);
        b.put(dict.toString().getBytes(StandardCharsets.US_ASCII));
        while (b.remaining() > 1) b.put((byte) ' ');
        return b.put((byte) '\n').array();
    }

    /** Python's repr of a tuple of ints: {@code ()}, {@code (3,)}, {@code (2, 16)}. */
    private static String shapeRepr(int[] shape) {
        if (shape.length == 1) return "(" + shape[0] + ",)";
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) sb.append(i > 0 ? ", " : "").append(shape[i]);
        return sb.append(')').toString();
    }

    /**
     * Reads one array. {@code where} prefixes every message. If {@code total >= 0} the stream should
     * hold exactly {@code total} bytes, this array and nothing else: the header must agree with it,
     * and bytes after the data are an error. Only when {@code totalIsReal} (the bytes are known to
     * be there, as for a stored zip entry inside a file that long) is the array allocated at once;
     * otherwise it grows as data arrives, so a claim never makes us allocate what is not there.
     */
    static NpyArray read(InputStream in, String name, String where, long total, boolean totalIsReal) throws IOException {
        byte[] magic = in.readNBytes(6);
        if (magic.length == 0) throw fail(where, "empty, not a .npy array");
        if (!Arrays.equals(magic, MAGIC)) {
            throw fail(where, "bad magic: not a .npy array (expected b'\\x93NUMPY', found " + pyBytes(magic) + ")");
        }
        byte[] ver = in.readNBytes(2);
        if (ver.length < 2) throw fail(where, "truncated header: file ends after the magic");
        int major = ver[0] & 0xFF, minor = ver[1] & 0xFF;
        if (major < 1 || major > 3 || minor != 0) {
            throw fail(where, "unsupported .npy format version " + major + "." + minor + " (supported: 1.0, 2.0, 3.0)");
        }
        int lenBytes = major == 1 ? 2 : 4;
        byte[] lb = in.readNBytes(lenBytes);
        if (lb.length < lenBytes) throw fail(where, "truncated header: file ends inside the header length");
        long hlen = lenBytes == 2 ? (lb[0] & 0xFF) | (lb[1] & 0xFF) << 8
                : ByteBuffer.wrap(lb).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
        if (hlen > MAX_HEADER) throw fail(where, "malformed header: length " + hlen + " is implausibly large");
        byte[] hb = in.readNBytes((int) hlen);
        if (hb.length < hlen) {
            throw fail(where, "truncated header: expected " + hlen + " bytes of header, found " + hb.length);
        }
        // 1.0 and 2.0 headers are latin-1; 3.0 allows UTF-8 (for unicode field names).
        String text = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Header h = Header.parse(text, where);

        long n = NpyArray.elementCount(h.shape);
        long dataBytes = n == Long.MAX_VALUE ? Long.MAX_VALUE : n * h.dtype.itemSize();
        long headerBytes = 6 + 2 + lenBytes + hlen;
        if (total >= 0 && total - headerBytes != dataBytes) throw dataSize(where, dataBytes, total - headerBytes);
        if (n > Integer.MAX_VALUE - 8) {
            throw fail(where, "shape " + Arrays.toString(h.shape) + " has " + n + " elements, too many for a Java array");
        }
        Object data = readData(in, where, h.dtype, (int) n, total >= 0 && totalIsReal);
        if (total < 0) return new NpyArray(name, h.dtype, h.shape, data);
        long extra = in.transferTo(OutputStream.nullOutputStream()); // total may have been only a claim
        if (extra > 0) throw dataSize(where, dataBytes, dataBytes + extra);
        return new NpyArray(name, h.dtype, h.shape, data);
    }

    /**
     * Reads n elements in chunks. When the size was not checked beforehand the array grows as data
     * arrives, so a header claiming billions of elements over a short stream fails cleanly instead
     * of allocating gigabytes first.
     */
    private static Object readData(InputStream in, String where, DType dtype, int n, boolean sizeKnown)
            throws IOException {
        int item = dtype.itemSize();
        int capacity = sizeKnown ? n : Math.min(n, 1 << 20);
        float[] f = dtype == DType.FLOAT32 ? new float[capacity] : null;
        double[] d = dtype == DType.FLOAT64 ? new double[capacity] : null;
        byte[] buf = new byte[CHUNK];
        ByteBuffer bb = ByteBuffer.wrap(buf).order(ByteOrder.LITTLE_ENDIAN);
        for (int off = 0; off < n; ) {
            int k = Math.min(CHUNK / item, n - off);
            int got = in.readNBytes(buf, 0, k * item);
            if (got < k * item) throw dataSize(where, (long) n * item, (long) off * item + got);
            if (off + k > capacity) {
                capacity = (int) Math.min(n, Math.max(2L * capacity, off + k));
                if (f != null) f = Arrays.copyOf(f, capacity);
                else d = Arrays.copyOf(d, capacity);
            }
            bb.clear();
            if (f != null) bb.asFloatBuffer().get(f, off, k);
            else bb.asDoubleBuffer().get(d, off, k);
            off += k;
        }
        return f != null ? f : d;
    }

    private static CheckpointException dataSize(String where, long expected, long found) {
        return fail(where, "expected " + expected + " bytes of data, found " + found);
    }

    private static CheckpointException fail(String where, String what) {
        return new CheckpointException(where + ": " + what);
    }

    /** Bytes as Python prints them, so a user can compare with what NumPy shows. */
    static String pyBytes(byte[] bytes) {
        StringBuilder sb = new StringBuilder("b'");
        for (byte b : bytes) {
            int c = b & 0xFF;
            if (c == '\\' || c == '\'') sb.append('\\').append((char) c);
            else if (c >= 0x20 && c < 0x7F) sb.append((char) c);
            else if (c == '\n') sb.append("\\n");
            else if (c == '\r') sb.append("\\r");
            else if (c == '\t') sb.append("\\t");
            else sb.append(String.format("\\x%02x", c));
        }
        return sb.append('\'').toString();
    }

    /** The three keys of a header dict, checked. */
    private record Header(DType dtype, int[] shape) {
        static Header parse(String text, String where) {
            Map<String, Object> dict = new PyLiteral(text, where).parseDict();
            for (String key : dict.keySet()) {
                if (!List.of("descr", "fortran_order", "shape").contains(key)) {
                    throw fail(where, "malformed header: unexpected key '" + key + "' in " + PyLiteral.quote(text));
                }
            }
            for (String key : List.of("descr", "fortran_order", "shape")) {
                if (!dict.containsKey(key)) throw fail(where, "malformed header: no '" + key + "' in " + PyLiteral.quote(text));
            }
            DType dtype = dtype(dict.get("descr"), where);
            Object fortran = dict.get("fortran_order");
            if (!(fortran instanceof Boolean)) {
                throw fail(where, "malformed header: 'fortran_order' must be True or False, found " + PyLiteral.repr(fortran));
            }
            if ((Boolean) fortran) {
                throw fail(where, "fortran_order True is not supported; save a C-ordered array (np.ascontiguousarray(a))");
            }
            return new Header(dtype, shape(dict.get("shape"), where));
        }

        private static DType dtype(Object descr, String where) {
            if (descr instanceof List) {
                throw fail(where, "unsupported dtype: structured arrays are not supported, found " + PyLiteral.repr(descr));
            }
            if (!(descr instanceof String s)) {
                throw fail(where, "malformed header: 'descr' must be a string, found " + PyLiteral.repr(descr));
            }
            DType t = DType.fromDescr(s);
            if (t != null) return t;
            if (s.equals(">f4") || s.equals(">f8")) {
                throw fail(where, "unsupported dtype '" + s + "': big-endian; save it little-endian (a.astype('<"
                        + s.substring(1) + "'))");
            }
            if (s.endsWith("O")) throw fail(where, "unsupported dtype '" + s + "': object arrays are not supported");
            throw fail(where, "unsupported dtype '" + s + "': only '<f4' (float32) and '<f8' (float64) are supported");
        }

        private static int[] shape(Object value, String where) {
            if (value instanceof PyLiteral.Tuple t) {
                int[] shape = new int[t.items().size()];
                boolean ok = true;
                for (int i = 0; i < shape.length && ok; i++) {
                    Object v = t.items().get(i);
                    ok = v instanceof Long l && l >= 0 && l <= Integer.MAX_VALUE;
                    if (ok) shape[i] = (int) (long) (Long) v;
                }
                if (ok) return shape;
            }
            throw fail(where, "malformed header: 'shape' must be a tuple of non-negative ints, found " + PyLiteral.repr(value));
        }
    }

    /**
     * The subset of Python literals an npy header uses: dicts, tuples, lists, strings, ints (with
     * Python 2's 'L' suffix), True, False and None. The header is data, never evaluated.
     */
    private static final class PyLiteral {
        record Tuple(List<Object> items) {}

        private static final Object NONE = new Object() {
            @Override
            public String toString() {
                return "None";
            }
        };

        private final String s;
        private final String where;
        private int pos;

        PyLiteral(String s, String where) {
            this.s = s;
            this.where = where;
        }

        Map<String, Object> parseDict() {
            skipSpace();
            if (!peek('{')) throw error("expected '{'");
            @SuppressWarnings("unchecked")
            Map<String, Object> dict = (Map<String, Object>) value();
            skipSpace();
            if (pos < s.length()) throw error("unexpected text after the dict");
            return dict;
        }

        private Object value() {
            skipSpace();
            if (pos >= s.length()) throw error("expected a value");
            char c = s.charAt(pos);
            if (c == '{') {
                Map<String, Object> dict = new LinkedHashMap<>();
                pos++;
                while (!closing('}')) {
                    Object key = value();
                    if (!(key instanceof String k)) throw error("dict key must be a string");
                    skipSpace();
                    if (!peek(':')) throw error("expected ':'");
                    pos++;
                    dict.put(k, value());
                    separator('}');
                }
                return dict;
            }
            if (c == '(' || c == '[') {
                char close = c == '(' ? ')' : ']';
                List<Object> items = new ArrayList<>();
                boolean comma = false;
                pos++;
                while (!closing(close)) {
                    items.add(value());
                    comma = separator(close);
                }
                // (3) is just 3 in Python; only (3,) is a tuple.
                if (c == '(' && items.size() == 1 && !comma) return items.get(0);
                return c == '(' ? new Tuple(items) : items;
            }
            if (c == '\'' || c == '"') return string(c);
            if (c == '-' || c == '+' || Character.isDigit(c)) return integer();
            for (String word : List.of("True", "False", "None")) {
                if (s.startsWith(word, pos)) {
                    pos += word.length();
                    return word.equals("None") ? NONE : Boolean.valueOf(word.equals("True"));
                }
            }
            throw error("unexpected character '" + c + "'");
        }

        private boolean closing(char close) {
            skipSpace();
            if (peek(close)) {
                pos++;
                return true;
            }
            return false;
        }

        /** After an item: a comma, or the closing bracket (left for {@link #closing}). True if a comma. */
        private boolean separator(char close) {
            skipSpace();
            if (peek(',')) {
                pos++;
                return true;
            }
            if (!peek(close)) throw error("expected ',' or '" + close + "'");
            return false;
        }

        private String string(char quote) {
            StringBuilder sb = new StringBuilder();
            for (pos++; pos < s.length(); pos++) {
                char c = s.charAt(pos);
                if (c == quote) {
                    pos++;
                    return sb.toString();
                }
                if (c == '\\' && pos + 1 < s.length()) c = s.charAt(++pos);
                sb.append(c);
            }
            throw error("unterminated string");
        }

        private Long integer() {
            int start = pos;
            if (s.charAt(pos) == '-' || s.charAt(pos) == '+') pos++;
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) pos++;
            String digits = s.substring(start, pos);
            if (pos < s.length() && (s.charAt(pos) == 'L' || s.charAt(pos) == 'l')) pos++;
            if (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '.')) {
                throw error("expected an integer");
            }
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                pos = start;
                throw error("integer out of range or malformed");
            }
        }

        private boolean peek(char c) {
            return pos < s.length() && s.charAt(pos) == c;
        }

        private void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) pos++;
        }

        private CheckpointException error(String what) {
            String at = pos >= s.length() ? " at the end of " : " at offset " + pos + " in ";
            return fail(where, "malformed header: " + what + at + quote(s));
        }

        /** The header text for a message: trimmed, quoted, shortened if very long. */
        static String quote(String text) {
            String t = text.strip();
            if (t.length() > 200) t = t.substring(0, 200) + "...";
            return "\"" + t.replace("\n", "\\n") + "\"";
        }

        static String repr(Object v) {
            if (v instanceof String str) return "'" + str + "'";
            if (v instanceof Boolean b) return b ? "True" : "False";
            if (v instanceof Tuple t) {
                StringBuilder sb = new StringBuilder("(");
                for (int i = 0; i < t.items().size(); i++) sb.append(i > 0 ? ", " : "").append(repr(t.items().get(i)));
                return sb.append(t.items().size() == 1 ? ",)" : ")").toString();
            }
            if (v instanceof List<?> l) {
                StringBuilder sb = new StringBuilder("[");
                for (int i = 0; i < l.size(); i++) sb.append(i > 0 ? ", " : "").append(repr(l.get(i)));
                return sb.append(']').toString();
            }
            if (v instanceof Map<?, ?> m) {
                StringBuilder sb = new StringBuilder("{");
                m.forEach((k, x) -> sb.append(sb.length() > 1 ? ", " : "").append(repr(k)).append(": ").append(repr(x)));
                return sb.append('}').toString();
            }
            return String.valueOf(v);
        }
    }
}
