package dev.gradc.dsl;

import com.github.javaparser.GeneratedJavaParserConstants;
import com.github.javaparser.ParseException;
import com.github.javaparser.Problem;
import com.github.javaparser.Token;
import com.github.javaparser.TokenMgrException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns JavaParser's first problem into one short, positioned message in javac's spirit: a missing
 * {@code ;} or {@code )} is reported just after the last good token, anything else at the token
 * that does not fit. JavaParser's own text lists every token it would have accepted, which helps no one.
 */
final class SyntaxErrors {
    private static final Pattern LEXICAL = Pattern.compile(
            "Lexical error at line (\\d+), column (\\d+)\\.\\s+Encountered: (<EOF>|\"(.*)\" \\(\\d+\\)),? after ?: \"(.*)\"", Pattern.DOTALL);
    private static final Pattern LINE_COLUMN = Pattern.compile("line (\\d+),? col(?:umn)? (\\d+)");

    private final Source source;

    private SyntaxErrors(Source source) {
        this.source = source;
    }

    static CompileException of(Source source, List<Problem> problems) {
        try {
            return new SyntaxErrors(source).translate(problems);
        } catch (RuntimeException unforeseen) { // a clumsy message beats a stack trace
            return new CompileException(source, new SourcePos(1, 1), "syntax error: "
                    + (problems.isEmpty() ? "malformed input" : firstLine(problems.get(0).getMessage())));
        }
    }

    private CompileException translate(List<Problem> problems) {
        if (problems.isEmpty()) return error(new SourcePos(1, 1), "syntax error");
        Problem p = problems.get(0);
        Throwable cause = p.getCause().orElse(null);
        if (cause instanceof ParseException e && e.currentToken != null && e.currentToken.next != null) return parseError(e);
        Matcher lexical = LEXICAL.matcher(p.getMessage());
        if (cause instanceof TokenMgrException || lexical.find()) return lexicalError(lexical.reset(), p.getMessage());
        // Validators' problems ("'record' is not a keyword here") are short already; keep their first line.
        Matcher at = LINE_COLUMN.matcher(p.getMessage());
        SourcePos pos = p.getLocation().flatMap(r -> r.getBegin().getRange()).map(r -> new SourcePos(r.begin.line, r.begin.column))
                .orElseGet(() -> at.find() ? new SourcePos(Integer.parseInt(at.group(1)), Integer.parseInt(at.group(2))) : new SourcePos(1, 1));
        String text = firstLine(p.getMessage()).replaceFirst("^Parse error\\.?\\s*", "").replaceFirst("\\.$", "");
        return error(pos, "syntax error: " + (text.isEmpty() ? "malformed input" : Character.toLowerCase(text.charAt(0)) + text.substring(1)));
    }

    private CompileException parseError(ParseException e) {
        Token last = e.currentToken, bad = last.next;
        Set<String> expected = new HashSet<>();
        for (int[] sequence : e.expectedTokenSequences) if (sequence.length > 0) expected.add(e.tokenImage[sequence[0]]);
        SourcePos after = last.beginLine > 0 ? new SourcePos(last.endLine, last.endColumn + 1) : new SourcePos(1, 1);
        SourcePos at = new SourcePos(bad.beginLine, bad.beginColumn);

        if (bad.kind == GeneratedJavaParserConstants.EOF) {
            return error(after, expected.contains("\"}\"") ? "syntax error: missing '}' at end of file" : "syntax error: unexpected end of file");
        }
        if (expected.equals(Set.of("\"}\"")) && couldStartStatement(bad) && bad.next != null
                && bad.next.kind != GeneratedJavaParserConstants.EOF) {
            // A block tries each statement with two tokens of lookahead and reports the first of
            // them when the statement fails: `return if;`, `Tensor 2h = x;`. The second is the culprit.
            return error(new SourcePos(bad.next.beginLine, bad.next.beginColumn), "syntax error: unexpected " + describe(bad.next));
        }
        boolean expressionCouldStart = expected.contains("<IDENTIFIER>");
        if (!expected.contains("<EOF>") && !(expressionCouldStart && expected.contains("\";\""))) {
            if (expected.contains("\")\"")) return error(after, "syntax error: expected " + (expected.contains("\",\"") ? "',' or ')'" : "')'"));
            if (expected.contains("\"]\"")) return error(after, "syntax error: expected ']'");
            if (expected.contains("\"{\"") && expected.contains("\"throws\"")) return error(after, "syntax error: expected '{'");
            if (expected.contains("\";\"")) return error(after, "syntax error: expected ';'");
        }
        return error(at, "syntax error: unexpected " + describe(bad));
    }

    private static boolean couldStartStatement(Token t) {
        char c = t.image.isEmpty() ? ' ' : t.image.charAt(0);
        return Character.isJavaIdentifierStart(c) || Character.isDigit(c) || c == '"' || c == '\''
                || List.of("(", "{", "-", "+", "++", "--", "!", "~", "@", ";", ".").contains(t.image);
    }

    private CompileException lexicalError(Matcher m, String message) {
        if (!m.find()) return error(new SourcePos(1, 1), "syntax error: " + firstLine(message));
        String text = source.text();
        boolean eof = m.group(3).equals("<EOF>");
        int end = text.stripTrailing().length(); // just after the last visible character
        int comment = text.lastIndexOf("/*");
        if (eof && comment >= 0 && comment > text.lastIndexOf("*/")) return error(positionOf(comment), "syntax error: unterminated comment");
        // The lexer reports where it gave up and shows what it had read of the token, which starts there.
        int at = eof ? text.length() : offsetOf(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
        String after = unescape(m.group(5));
        int start = eof && after.isEmpty() ? end - 1 : at - after.length(); // a lone last character is not shown
        char first = start >= 0 && start < text.length() ? text.charAt(start) : ' ';
        if (first == '"' || first == '\'') {
            return error(positionOf(start), "syntax error: malformed or unterminated " + (first == '"' ? "string" : "char") + " literal");
        }
        if (eof && "#\\`".indexOf(first) >= 0) return error(positionOf(start), "syntax error: unexpected character '" + first + "'");
        if (eof) return error(positionOf(end), "syntax error: unexpected end of file");
        return error(positionOf(at), "syntax error: unexpected character '" + m.group(4) + "'");
    }

    private static String describe(Token t) {
        String image = t.image.length() > 20 ? t.image.substring(0, 17) + "..." : t.image;
        return "'" + image + "'";
    }

    /** Undoes JavaCC's escaping of the text it shows (\\n, \\", \\uXXXX, ...), so its length is the source's. */
    private static String unescape(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 == s.length()) {
                out.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'b' -> out.append('\b');
                case 't' -> out.append('\t');
                case 'n' -> out.append('\n');
                case 'f' -> out.append('\f');
                case 'r' -> out.append('\r');
                case 'u' -> {
                    if (i + 4 < s.length() && s.substring(i + 1, i + 5).matches("[0-9a-fA-F]{4}")) {
                        out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                        i += 4;
                    }
                }
                default -> out.append(e);
            }
        }
        return out.toString();
    }

    /** The offset of a 1-based line and column (columns count characters; column 0 is the line break before). */
    private int offsetOf(int line, int column) {
        String text = source.text();
        int offset = 0;
        for (int l = 1; l < line; l++) {
            int next = nextLineStart(text, offset);
            if (next < 0) return text.length();
            offset = next;
        }
        return Math.max(0, Math.min(text.length(), offset + column - 1));
    }

    private SourcePos positionOf(int offset) {
        String text = source.text();
        int line = 1, lineStart = 0;
        for (int next; (next = nextLineStart(text, lineStart)) >= 0 && next <= offset; lineStart = next) line++;
        return new SourcePos(line, offset - lineStart + 1);
    }

    /** Where the line after the one starting at {@code from} starts, as JavaParser counts lines (\n, \r\n, \r); -1 if none. */
    private static int nextLineStart(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') return i + 1;
            if (c == '\r') return i + 1 < text.length() && text.charAt(i + 1) == '\n' ? i + 2 : i + 1;
        }
        return -1;
    }

    static String firstLine(String text) {
        if (text == null) return "malformed input";
        int nl = text.indexOf('\n');
        return (nl < 0 ? text : text.substring(0, nl)).trim();
    }

    private CompileException error(SourcePos at, String message) {
        return new CompileException(source, new SourcePos(Math.max(1, at.line()), Math.max(1, at.column())), message);
    }
}
