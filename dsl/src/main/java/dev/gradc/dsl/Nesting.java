package dev.gradc.dsl;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * A lexical check, before JavaParser runs, that no construct nests deeper or chains longer than
 * the parser and the elaboration can take. JavaParser recurses once or more per level of
 * brackets, unary operators, casts, type arguments and right-nested operators ({@code =},
 * {@code ?:}, {@code ->}), and its lookahead over unclosed {@code <} and runs of casts is
 * quadratic; a left-nested chain such as {@code x + x + ...} is parsed in a loop but makes a tree
 * as deep as it is long. Counting tokens makes the limits the same on every JVM and stack, where a
 * {@code StackOverflowError} would depend on the thread and on JIT warm-up; and the error points
 * at the token that went over.
 *
 * <p>The counts are generous over-estimates of the AST depth (every nesting token counts, and some
 * count twice), far above what a model needs: a real one nests a dozen levels.
 */
final class Nesting {
    /** Brackets, unary operators, casts and the like open at once. */
    static final int MAX_NESTING = 256;
    /**
     * Casts and statement heads ({@code (T) x}, {@code if (c) x}) applying at once, in every frame
     * together: JavaParser's lookahead over a run of them is worse than quadratic when a bracket in it
     * is left open (250 such casts in 2 KB took seconds). Casts are not in the language anyway.
     */
    static final int MAX_CASTS = 64;
    /** Binary and assignment operators in one expression at one level of brackets. */
    static final int MAX_OPERATORS = 10_000;

    static final String TOO_DEEP = "expressions nest too deeply to compile; split them with local variables";
    static final String TOO_MANY_CASTS = "more than " + MAX_CASTS + " casts or statement heads apply at once "
            + "(casts are not part of the model language)";
    static final String TOO_LONG = "expression too long to compile (more than " + MAX_OPERATORS
            + " operators); split it with local variables";

    private static final Set<String> STATEMENT_HEADS = Set.of("if", "else", "for", "while", "do", "switch",
            "synchronized", "try", "catch", "finally");
    private static final Set<String> OPERAND_KEYWORDS = Set.of("true", "false", "null", "this", "super");
    private static final Set<String> KEYWORDS = Set.of("abstract", "assert", "boolean", "break", "byte", "case",
            "char", "class", "const", "continue", "default", "double", "enum", "extends", "final", "float", "goto",
            "implements", "import", "instanceof", "int", "interface", "long", "native", "new", "package", "private",
            "protected", "public", "return", "short", "static", "strictfp", "throw", "throws", "transient", "void",
            "volatile", "yield", "record", "sealed", "permits", "var");
    /** Longest first, so that {@code >>>=} is not read as {@code >} and {@code >>=}. */
    private static final String[] OPERATORS = {">>>=", "<<=", ">>=", ">>>", "...", "->", "::", "++", "--", "&&", "||",
            "==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "&=", "|=", "^=", "%=", "<<", ">>"};
    private static final Set<String> ASSIGNMENTS = Set.of("=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
            "<<=", ">>=", ">>>=");

    /** One level of brackets (the file itself is the outermost): what is open inside it. */
    private static final class Frame {
        int prefix; // unary operators, casts, statement heads, right-nested operators
        int casts; // of those, casts and statement heads
        int angles; // '<' not yet closed by '>'
        int operators;
    }

    private final Source source;
    private final String text;
    private final Deque<Frame> frames = new ArrayDeque<>();
    private int nesting, casts;
    private int pos, tokenStart;
    private boolean afterOperand, afterParen, pendingReset;

    private Nesting(Source source) {
        this.source = source;
        this.text = source.text();
        frames.push(new Frame());
    }

    /** Throws a positioned {@link CompileException} if the text nests or chains beyond the limits. */
    static void check(Source source) {
        new Nesting(source).scan();
    }

    private void scan() {
        for (String token; (token = next()) != null; ) {
            if (pendingReset && !token.equals("else")) reset(frames.peek(), true);
            pendingReset = false;
            boolean operandStart = isOperand(token) || token.equals("(") || token.equals("!") || token.equals("~")
                    || (Character.isJavaIdentifierStart(token.charAt(0)) && !KEYWORDS.contains(token));
            if (afterParen && operandStart) { // (T) x or if (c) x: a cast or a statement head nests what follows
                open(1);
                if (++casts > MAX_CASTS) throw new CompileException(source, position(tokenStart), TOO_MANY_CASTS);
                frames.peek().casts++;
            }
            afterParen = false;
            switch (token) {
                case "(", "[", "{" -> {
                    open(0);
                    frames.push(new Frame());
                    nesting++;
                    afterOperand = false;
                }
                case ")", "]", "}" -> {
                    if (frames.size() > 1) {
                        Frame f = frames.pop();
                        nesting -= 1 + f.prefix + f.angles;
                        casts -= f.casts;
                    }
                    if (token.equals("}")) pendingReset = true; // a block ends a statement, unless `else` follows
                    afterParen = token.equals(")");
                    afterOperand = !token.equals("}");
                }
                case ";" -> {
                    pendingReset = true;
                    afterOperand = false;
                }
                case "," -> {
                    reset(frames.peek(), false);
                    afterOperand = false;
                }
                case "?", "->" -> {
                    operator();
                    open(1);
                    afterOperand = false;
                }
                case ":", "::", ".", "..." -> {
                    if (!token.equals(":")) operator();
                    afterOperand = false;
                }
                case "<" -> {
                    if (afterOperand) operator();
                    open(1);
                    frames.peek().angles++;
                    afterOperand = false;
                }
                case ">", ">>", ">>>" -> {
                    Frame f = frames.peek();
                    int close = Math.min(f.angles, token.length());
                    f.angles -= close;
                    nesting -= close;
                    if (close < token.length()) operator(); // a comparison or shift, not a closing '>'
                    afterOperand = close == token.length() && close > 0; // List<T> x: a type, as an operand
                }
                case "++", "--" -> {
                    if (!afterOperand) open(1); // prefix; postfix keeps the operand
                }
                default -> token(token);
            }
        }
    }

    private void token(String token) {
        char c = token.charAt(0);
        if (Character.isJavaIdentifierStart(c) || Character.isDigit(c) || c == '"' || c == '\'' || (c == '.' && token.length() > 1)) {
            if (STATEMENT_HEADS.contains(token)) {
                open(1);
                afterOperand = false;
            } else if (token.equals("instanceof")) {
                operator();
                afterOperand = false;
            } else {
                afterOperand = !KEYWORDS.contains(token) || OPERAND_KEYWORDS.contains(token);
            }
            return;
        }
        if (ASSIGNMENTS.contains(token)) { // right-nested: a = b = c
            operator();
            open(1);
        } else if (afterOperand) { // a binary operator ends the unary operators and casts before it
            operator();
            Frame f = frames.peek();
            nesting -= f.prefix;
            f.prefix = 0;
            casts -= f.casts;
            f.casts = 0;
        } else if ("+-!~".contains(token)) {
            open(1); // unary
        }
        afterOperand = false;
    }

    private static boolean isOperand(String token) {
        char c = token.charAt(0);
        return Character.isDigit(c) || c == '"' || c == '\'' || (c == '.' && token.length() > 1) || OPERAND_KEYWORDS.contains(token);
    }

    /** One more level, counted in the current frame's prefix when {@code prefix} is 1. */
    private void open(int prefix) {
        if (nesting + 1 > MAX_NESTING) throw new CompileException(source, position(tokenStart), TOO_DEEP);
        if (prefix > 0) {
            frames.peek().prefix++;
            nesting++;
        }
    }

    private void operator() {
        if (++frames.peek().operators > MAX_OPERATORS) throw new CompileException(source, position(tokenStart), TOO_LONG);
    }

    /** The end of an expression ({@code ,}) or statement ({@code ;}): what it opened is closed. */
    private void reset(Frame f, boolean statement) {
        nesting -= f.prefix;
        f.prefix = 0;
        casts -= f.casts;
        f.casts = 0;
        f.operators = 0;
        if (statement) {
            nesting -= f.angles;
            f.angles = 0;
        }
    }

    /** The next token, skipping space, comments and the insides of literals; null at the end. */
    private String next() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (Character.isWhitespace(c)) {
                pos++;
            } else if (text.startsWith("//", pos)) {
                while (pos < text.length() && text.charAt(pos) != '\n' && text.charAt(pos) != '\r') pos++;
            } else if (text.startsWith("/*", pos)) {
                int end = text.indexOf("*/", pos + 2);
                pos = end < 0 ? text.length() : end + 2;
            } else {
                break;
            }
        }
        if (pos >= text.length()) return null;
        tokenStart = pos;
        char c = text.charAt(pos);
        if (text.startsWith("\"\"\"", pos)) {
            int end = text.indexOf("\"\"\"", pos + 3);
            pos = end < 0 ? text.length() : end + 3;
            return "\"";
        }
        if (c == '"' || c == '\'') {
            for (pos++; pos < text.length(); pos++) {
                char d = text.charAt(pos);
                if (d == '\\') pos++;
                else if (d == c || d == '\n' || d == '\r') break;
            }
            pos = Math.min(pos + 1, text.length());
            return String.valueOf(c);
        }
        if (Character.isJavaIdentifierStart(c)) {
            while (pos < text.length() && Character.isJavaIdentifierPart(text.charAt(pos))) pos++;
            return text.substring(tokenStart, pos);
        }
        if (Character.isDigit(c) || (c == '.' && pos + 1 < text.length() && Character.isDigit(text.charAt(pos + 1)))) {
            while (pos < text.length()) {
                char d = text.charAt(pos);
                boolean exponent = (d == 'e' || d == 'E' || d == 'p' || d == 'P') && pos + 1 < text.length()
                        && (text.charAt(pos + 1) == '+' || text.charAt(pos + 1) == '-');
                if (exponent) pos += 2;
                else if (Character.isLetterOrDigit(d) || d == '_' || d == '.') pos++;
                else break;
            }
            return text.substring(tokenStart, pos);
        }
        for (String op : OPERATORS) {
            if (text.startsWith(op, pos)) {
                pos += op.length();
                return op;
            }
        }
        pos++;
        return String.valueOf(c);
    }

    private SourcePos position(int offset) {
        int line = 1, lineStart = 0;
        for (int i = 0; i < offset; i++) {
            char c = text.charAt(i);
            if (c == '\n' || (c == '\r' && (i + 1 >= text.length() || text.charAt(i + 1) != '\n'))) {
                line++;
                lineStart = i + 1;
            }
        }
        return new SourcePos(line, offset - lineStart + 1);
    }
}
