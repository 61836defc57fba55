package dev.gradc.dsl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The text of a model file and the name it is shown under in errors and in generated classes. */
public final class Source {
    private final String name;
    private final String text;
    private final String[] lines;

    public Source(String name, String text) {
        this.name = name;
        this.text = text;
        this.lines = text.split("\r\n|\r|\n", -1);
    }

    public static Source read(Path path) throws IOException {
        return new Source(path.toString(), Files.readString(path, StandardCharsets.UTF_8));
    }

    /** The name shown in errors, usually the path as the user gave it. */
    public String name() {
        return name;
    }

    /** The file name alone, used as the generated class's SourceFile. */
    public String fileName() {
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        return name.substring(slash + 1);
    }

    public String text() {
        return text;
    }

    /** Line {@code n} (1-based) without its line terminator, or "" if out of range. */
    public String line(int n) {
        return n >= 1 && n <= lines.length ? lines[n - 1] : "";
    }
}
