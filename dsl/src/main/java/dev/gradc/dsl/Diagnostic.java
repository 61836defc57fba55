package dev.gradc.dsl;

/**
 * One error (or, with {@code warning}, a warning) in a model file, printed as
 * {@code file:line:col: error: message}, the line, and a caret.
 */
public record Diagnostic(Source source, SourcePos pos, String message, boolean warning) {

    /** An error. */
    public Diagnostic(Source source, SourcePos pos, String message) {
        this(source, pos, message, false);
    }

    public static Diagnostic warning(Source source, SourcePos pos, String message) {
        return new Diagnostic(source, pos, message, true);
    }

    public String format() {
        return format(warning ? "warning" : "error");
    }

    /** As {@link #format()} with another severity in place of {@code error}, such as {@code note}. */
    public String format(String severity) {
        StringBuilder out = new StringBuilder();
        out.append(source.name()).append(':').append(pos.line()).append(':').append(pos.column())
                .append(": ").append(severity).append(": ").append(message);
        String line = source.line(pos.line());
        if (!line.isEmpty()) {
            out.append('\n').append(line).append('\n');
            // Keep tabs so the caret lines up under the same character in a terminal.
            for (int i = 0; i < pos.column() - 1 && i < line.length(); i++) {
                out.append(line.charAt(i) == '\t' ? '\t' : ' ');
            }
            out.append('^');
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return format();
    }
}
