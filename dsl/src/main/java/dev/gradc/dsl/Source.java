package dev.gradc.dsl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
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

    /**
     * Reads a model file, which must be UTF-8.
     *
     * @throws CompileException at the first byte that is not UTF-8 ({@code file:line:col: error: not UTF-8 text})
     */
    public static Source read(Path path) throws IOException {
        return decode(path.toString(), Files.readAllBytes(path));
    }

    /**
     * A model file's bytes as UTF-8 text, named {@code name} in errors.
     *
     * @throws CompileException at the first byte that is not UTF-8
     */
    public static Source decode(String name, byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = decoder.decode(in, out, true);
        if (!r.isError()) r = decoder.flush(out);
        String text = out.flip().toString();
        if (!r.isError()) return new Source(name, text);
        // The text decoded so far ends just before the bad byte: its last line and length give the position.
        // The error shows the line as far as it decodes, with bad bytes replaced, so the caret has context.
        int line = 1, lineStart = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 == text.length() || text.charAt(i + 1) != '\n'))) {
                line++;
                lineStart = i + 1;
            }
        }
        Source shown = new Source(name, new String(bytes, StandardCharsets.UTF_8));
        throw new CompileException(shown, new SourcePos(line, text.length() - lineStart + 1), "not UTF-8 text");
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
