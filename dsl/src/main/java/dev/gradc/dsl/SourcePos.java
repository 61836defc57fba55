package dev.gradc.dsl;

/** A position in a model file: 1-based line and column. */
public record SourcePos(int line, int column) {
    public static final SourcePos UNKNOWN = new SourcePos(0, 0);

    @Override
    public String toString() {
        return line + ":" + column;
    }
}
