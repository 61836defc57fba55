package dev.gradc.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.DoublePredicate;
import java.util.regex.Pattern;

/**
 * Reads a numeric CSV file into a {@link Dataset}: one example per row, comma-separated, the label
 * in one column (the last unless chosen) and the features in all others, in order.
 *
 * <p>The first row is a header when none of its fields is a number. Blank lines and lines starting
 * with {@code #} are skipped. Fields may be surrounded by spaces or double quotes. Numbers are
 * plain finite decimals ({@code -1}, {@code 2.5}, {@code 1e-3}); NaN, infinities and hex are
 * errors, since a missing value would silently poison training. Errors are {@link DataException}s
 * positioned as {@code file:line:col: error: ...}; the file must be UTF-8 (a BOM is allowed).
 */
public final class Csv {
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private Csv() {}

    /** Reads the file with the label in the last column. */
    public static Dataset read(Path file) throws IOException {
        return read(file, -1, null, null, null);
    }

    /**
     * Reads the file with the label in the last column, refusing a label that {@code validLabel}
     * rejects: a {@link DataException} at its line and column says {@code label 7 is outside
     * <validLabels>}. For checking class indices against a model while the positions are known.
     */
    public static Dataset read(Path file, DoublePredicate validLabel, String validLabels) throws IOException {
        return read(file, -1, null, validLabel, validLabels);
    }

    /** Reads the file with the label in a 0-based column; a negative index counts from the end (-1 is the last). */
    public static Dataset read(Path file, int labelColumn) throws IOException {
        return read(file, labelColumn, null, null, null);
    }

    /** Reads the file with the label in the column of that name; the file must have a header row. */
    public static Dataset read(Path file, String labelColumn) throws IOException {
        return read(file, 0, labelColumn, null, null);
    }

    private record Field(String text, int col) {}

    private static Dataset read(Path file, int labelIndex, String labelName, DoublePredicate validLabel, String validLabels)
            throws IOException {
        String where = file.toString();
        List<Field> header = null;
        int columns = -1, label = -1, firstLine = 0, size = 0;
        double[] x = new double[64], y = new double[16];
        int lineNo = 0;
        // Read as latin-1 (never fails, one char per byte), then decode each line as UTF-8 strictly,
        // so bytes that are not UTF-8 are reported at their line and column, not replaced.
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            for (String line; (line = in.readLine()) != null; ) {
                lineNo++;
                line = utf8(line, where, lineNo);
                if (lineNo == 1 && line.startsWith("\uFEFF")) line = line.substring(1);
                String s = line.strip();
                if (s.isEmpty() || s.startsWith("#")) continue;
                List<Field> fields = split(line, where, lineNo);
                if (columns < 0) {
                    // The first row decides the column count, whether there is a header, and the label column.
                    firstLine = lineNo;
                    columns = fields.size();
                    Field firstName = null; // an empty field is neither a number nor a name
                    int numbers = 0;
                    for (Field f : fields) {
                        if (isNumber(f.text)) numbers++;
                        else if (firstName == null && !f.text.isEmpty()) firstName = f;
                    }
                    if (numbers == 0) header = fields;
                    else if (firstName != null) {
                        throw new DataException(where, lineNo, firstName.col, "not a number: '" + firstName.text + "'"
                                + " (the first row mixes numbers and names, so it is neither a header nor data)");
                    }
                    if (columns < 2) {
                        throw new DataException(where, lineNo, 1,
                                "need at least 2 columns (features and a label), found " + columns);
                    }
                    label = labelColumn(where, lineNo, fields, header, labelIndex, labelName);
                    if (header != null) continue;
                }
                if (fields.size() != columns) {
                    int col = fields.size() < columns ? line.length() + 1 : fields.get(columns).col;
                    throw new DataException(where, lineNo, col, "expected " + columns + " columns, found " + fields.size());
                }
                if ((long) (size + 1) * (columns - 1) > Integer.MAX_VALUE - 8) {
                    throw new DataException(where, lineNo, 1, "too many values for one data set");
                }
                if (size == y.length) y = Arrays.copyOf(y, 2 * size);
                int features = columns - 1;
                while ((size + 1) * features > x.length) x = Arrays.copyOf(x, (int) Math.min(2L * x.length, Integer.MAX_VALUE - 8));
                int k = size * features;
                for (int c = 0; c < columns; c++) {
                    double v = parse(fields.get(c), where, lineNo);
                    if (c == label && validLabel != null && !validLabel.test(v)) {
                        throw new DataException(where, lineNo, fields.get(c).col, "label " + fields.get(c).text + " is outside " + validLabels);
                    }
                    if (c == label) y[size] = v;
                    else x[k++] = v;
                }
                size++;
            }
        }
        if (columns < 0) throw new DataException(where, 1, 1, "empty file");
        if (size == 0) throw new DataException(where, firstLine, 1, "no data rows after the header");
        String name = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        return new Dataset(name, size, columns - 1, Arrays.copyOf(x, size * (columns - 1)), Arrays.copyOf(y, size));
    }

    private static int labelColumn(String where, int lineNo, List<Field> fields, List<Field> header,
                                   int index, String name) {
        if (name != null) {
            if (header == null) {
                throw new DataException(where, lineNo, 1, "no header row, so there is no column named '" + name + "'");
            }
            for (int c = 0; c < header.size(); c++) if (header.get(c).text.equals(name)) return c;
            List<String> names = new ArrayList<>();
            for (Field f : header) names.add(f.text);
            throw new DataException(where, lineNo, 1, "no column named '" + name + "' (columns: " + String.join(", ", names) + ")");
        }
        int c = index < 0 ? fields.size() + index : index;
        if (c < 0 || c >= fields.size()) {
            throw new DataException(where, lineNo, 1, "label column " + index + " is out of range for " + fields.size() + " columns");
        }
        return c;
    }

    private static boolean isNumber(String s) {
        return NUMBER.matcher(s).matches() && Double.isFinite(Double.parseDouble(s));
    }

    private static double parse(Field f, String where, int lineNo) {
        if (f.text.isEmpty()) throw new DataException(where, lineNo, f.col, "empty field, expected a number");
        if (!NUMBER.matcher(f.text).matches()) throw new DataException(where, lineNo, f.col, "not a number: '" + f.text + "'");
        double v = Double.parseDouble(f.text);
        if (!Double.isFinite(v)) throw new DataException(where, lineNo, f.col, "number out of range: '" + f.text + "'");
        return v;
    }

    /** The latin-1 decoded line re-decoded as UTF-8; a malformed byte is an error at its column. */
    private static String utf8(String line, String where, int lineNo) {
        if (line.chars().allMatch(c -> c < 0x80)) return line; // ASCII: nothing to do
        ByteBuffer in = ByteBuffer.wrap(line.getBytes(StandardCharsets.ISO_8859_1));
        CharBuffer out = CharBuffer.allocate(line.length());
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder();
        CoderResult r = decoder.decode(in, out, true);
        if (!r.isError()) r = decoder.flush(out);
        if (r.isError()) throw new DataException(where, lineNo, out.position() + 1, "not UTF-8 text");
        return out.flip().toString();
    }

    /** Splits a line at commas; each field is stripped of surrounding spaces and quotes, with its 1-based column. */
    private static List<Field> split(String line, String where, int lineNo) {
        List<Field> fields = new ArrayList<>();
        int i = 0, n = line.length();
        while (true) {
            while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) i++;
            int start = i;
            if (i < n && line.charAt(i) == '"') {
                StringBuilder sb = new StringBuilder();
                for (i++; ; i++) {
                    if (i >= n) throw new DataException(where, lineNo, start + 1, "unterminated quoted field");
                    if (line.charAt(i) == '"') {
                        if (i + 1 < n && line.charAt(i + 1) == '"') i++; // "" is a quote inside quotes
                        else break;
                    }
                    sb.append(line.charAt(i));
                }
                i++;
                while (i < n && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) i++;
                if (i < n && line.charAt(i) != ',') {
                    throw new DataException(where, lineNo, i + 1, "expected ',' after a quoted field");
                }
                fields.add(new Field(sb.toString(), start + 1));
            } else {
                while (i < n && line.charAt(i) != ',') i++;
                fields.add(new Field(line.substring(start, i).strip(), start + 1));
            }
            if (i >= n) return fields;
            i++; // the comma
        }
    }
}
