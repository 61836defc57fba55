package dev.gradc.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gradc.runtime.internal.Rng;
import org.junit.jupiter.api.Test;

/** Every error of the language, with its message, line and column. */
class ParseErrorTest {
    static void assertError(String text, int line, int column, String message) {
        CompileException e = assertThrows(CompileException.class, () -> ModelParser.parse(new Source("E.grad", text)));
        Diagnostic d = e.first();
        assertEquals(message, d.message());
        assertEquals(line + ":" + column, d.pos().line() + ":" + d.pos().column(), "position of: " + message);
    }

    /** A model whose loss() body is {@code body}, on line 4. */
    static String withLoss(String body) {
        return "class E {\n    Input x = input(batch, 2);\n    Param w = zeros(2, 3);\n    Tensor loss() { " + body + " }\n}\n";
    }

    @Test
    void syntaxError() {
        assertError("class E {\n    Input x = input(batch, 2)\n}\n", 2, 30, "syntax error: expected ';'");
        assertError("class E {\n    Tensor loss() { return (x; }\n}\n", 2, 30, "syntax error: expected ')'");
        assertError("class E {\n    Tensor loss() { return x +; }\n}\n", 2, 31, "syntax error: unexpected ';'");
        assertError("class E {\n    Input x = input(2);\n", 2, 24, "syntax error: missing '}' at end of file");
        assertError("class E {\n    Tensor loss() return x; }\n}\n", 2, 18, "syntax error: expected '{'");
        assertError("class E { Param w = zeros(2 3); }\n", 1, 28, "syntax error: expected ',' or ')'");
        assertError("class E {\n    Tensor loss() { return if; }\n}\n", 2, 28, "syntax error: unexpected 'if'");
        assertError("class E {\n    Tensor loss() { Tensor 2h = x; return h; }\n}\n", 2, 28, "syntax error: unexpected '2'");
        assertError("class E {\n    Tensor loss() { Tensor h = ; return h; }\n}\n", 2, 32, "syntax error: unexpected ';'");
        assertError("class E { }\n}\n", 2, 1, "syntax error: unexpected '}'");
        assertError("Class E { }\n", 1, 1, "syntax error: unexpected 'Class'");
    }

    @Test
    void lexicalErrors() {
        assertError("class E {\n    Tensor loss() { return x # 2; }\n}\n", 2, 30, "syntax error: unexpected character '#'");
        assertError("class E {\n    Tensor loss() { return \"x; }\n}\n", 2, 28, "syntax error: malformed or unterminated string literal");
        assertError("class E {\n    Tensor loss() { return 'ab'; }\n}\n", 2, 28, "syntax error: malformed or unterminated char literal");
        assertError("class E {\n    /* no end\n}\n", 2, 5, "syntax error: unterminated comment");
    }

    @Test
    void numberLiterals() {
        assertError(withLoss("return 2147483648 * x;"), 4, 28, "int literal out of range: 2147483648");
        assertError(withLoss("return 0x1_0000_0000 * x;"), 4, 28, "int literal out of range: 0x1_0000_0000");
        assertError(withLoss("return 09 * x;"), 4, 28, "malformed int literal '09'");
        assertError(withLoss("return 1e400 * x;"), 4, 28, "double literal out of range: 1e400");
        assertError(withLoss("return (2147483647 + 1) * x;"), 4, 40, "int constant overflows: 2147483648");
        assertError("class E { static final int M = -2147483648; static final int N = -M; }\n", 1, 66, "int constant overflows: 2147483648");
        assertError(withLoss("return 10L * x;"), 4, 28, "unsupported Java construct: long literal expression");
        assertError(withLoss("return 1.5f * x;"), 4, 28, "unsupported Java construct: float literal (write 1.5)");
    }

    @Test
    void tooDeeplyNested() {
        String deep = "(".repeat(50_000) + "x" + ")".repeat(50_000);
        CompileException e = assertThrows(CompileException.class, () -> ModelParser.parse(new Source("E.grad", withLoss("return " + deep + ";"))));
        assertEquals("expressions nest too deeply to compile; split them with local variables", e.first().message());
    }

    @Test
    void unknownName() {
        assertError(withLoss("return sum(xx);"), 4, 32, "unknown name 'xx' (did you mean 'x'?)");
        assertError(withLoss("return sum(zzz);"), 4, 32, "unknown name 'zzz'");
    }

    @Test
    void wrongArgumentCountToHelper() {
        String text = "class E {\n    Input x = input(batch, 2);\n    Tensor f(Tensor a) { return a; }\n"
                + "    Tensor loss() { return sum(f(x, x)); }\n}\n";
        assertError(text, 4, 32, "wrong number of arguments to 'f': expected 1, got 2");
    }

    @Test
    void unsupportedConstructs() {
        assertError(withLoss("if (true) return x; return x;"), 4, 21, "unsupported Java construct: if statement");
        assertError(withLoss("return x > 0 ? x : w;"), 4, 28, "unsupported Java construct: conditional expression");
        assertError(withLoss("return x.sum();"), 4, 28, "unsupported Java construct: method call on a receiver (x.sum)");
        assertError(withLoss("return \"x\";"), 4, 28, "unsupported Java construct: string literal expression");
        assertError(withLoss("while (true) {} return x;"), 4, 21, "unsupported Java construct: while statement");
        assertError("import java.util.List;\nclass E {}\n", 1, 1, "unsupported Java construct: import");
        assertError("interface E {}\n", 1, 1, "unsupported Java construct: interface");
        assertError("enum E { A }\n", 1, 1, "unsupported Java construct: enum");
        assertError("record E(int a) {}\n", 1, 1, "unsupported Java construct: record");
        assertError("package p;\nclass E {}\n", 1, 1, "unsupported Java construct: package declaration");
        assertError("public class E {}\n", 1, 1, "unsupported Java construct: 'public' modifier");
        assertError("@Deprecated class E {}\n", 1, 1, "unsupported Java construct: annotation");
        assertError("class E<T> {}\n", 1, 9, "unsupported Java construct: type parameter");
        assertError("class E extends F {}\n", 1, 17, "unsupported Java construct: extends clause");
        assertError("class E implements F {}\n", 1, 20, "unsupported Java construct: implements clause");
        assertError("class E { } class F { }\n", 1, 13, "a model file declares exactly one class");
        assertError("class E { class F {} }\n", 1, 11, "unsupported Java construct: nested class");
        assertError("class E { static { } }\n", 1, 11, "unsupported Java construct: static initializer block");
        assertError("class E { E() {} }\n", 1, 11, "unsupported Java construct: constructor");
        assertError(withLoss("for (Tensor t : x) {} return x;"), 4, 21, "unsupported Java construct: for each statement");
        assertError(withLoss("switch (1) { default: } return x;"), 4, 21, "unsupported Java construct: switch statement");
        assertError(withLoss("relu(x); return x;"), 4, 21, "unsupported Java construct: expression statement");
        assertError(withLoss("return new Tensor();"), 4, 28, "unsupported Java construct: object creation expression");
        assertError(withLoss("return (Tensor) x;"), 4, 28, "unsupported Java construct: cast expression");
        assertError(withLoss("return this.x;"), 4, 28, "unsupported Java construct: field access expression");
        assertError(withLoss("return 'c';"), 4, 28, "unsupported Java construct: char literal expression");
        assertError(withLoss("return null;"), 4, 28, "unsupported Java construct: null literal expression");
        assertError(withLoss("return f(a -> a);"), 4, 30, "unsupported Java construct: lambda expression");
        assertError(withLoss("return x instanceof Tensor;"), 4, 28, "unsupported Java construct: instance of expression");
        assertError(withLoss("return ~x;"), 4, 28, "unsupported Java construct: '~' operator");
        assertError("class E { private Input x = input(2); }\n", 1, 11, "unsupported Java construct: 'private' modifier");
        assertError("class E { Input x = input(2); Tensor loss() { return x && x; } }\n", 1, 56, "unsupported Java construct: '&&' operator");
    }

    @Test
    void declarationErrors() {
        assertError("class E {\n    Input x = input(batch);\n    Param x = zeros(2);\n}\n", 3, 11, "'x' is already declared at line 2");
        assertError("class E { Param w = zeros(batch, 2); }\n", 1, 27, "a parameter's shape is fixed: batch is not allowed here");
        assertError("class E { Input x = input(0, 2); }\n", 1, 27, "a dimension must be positive, got 0");
        assertError("class E { Input x = input(1.5); }\n", 1, 27, "a dimension must be an int, got 1.5");
        assertError("class E { Param w = glorot(2); }\n", 1, 21,
                "unknown initializer 'glorot'; known initializers: zeros, ones, constant, uniform, normal, xavierUniform, xavierNormal, heUniform, heNormal");
        assertError("class E { Param w = uniform(1); }\n", 1, 21, "uniform needs low, high before the shape, as in uniform(low, high, dims...)");
        assertError("class E { Foo f = foo(); }\n", 1, 11, "unsupported field type 'Foo'; expected Input, Param, Optimizer, Clip, or static final int/double");
        assertError("class E { static final int N = 2.5; }\n", 1, 32, "'N' is an int constant but its value is not an int");
        assertError("class E { static final int N = 1 / 0; }\n", 1, 34, "division by zero in a constant");
        assertError("class E { Input batch = input(2); }\n", 1, 17, "'batch' is reserved for the batch dimension");
        assertError("class E {\n    Tensor f() { return 1; }\n    Input f = input(2);\n}\n", 3, 11, "'f' is already declared at line 2");
        assertError("class E {\n    Input f = input(2);\n    Tensor f() { return 1; }\n}\n", 3, 12, "'f' is already declared at line 2");
        assertError("class E {\n    Param a = zeros(2), a = ones(2);\n}\n", 2, 25, "'a' is already declared at line 2");
        assertError("class E {\n    Tensor f(Tensor batch) { return batch; }\n}\n", 2, 21, "'batch' is reserved for the batch dimension");
        assertError("class E { Input x = input(batch, -3); }\n", 1, 34, "a dimension must be positive, got -3");
        assertError("class E { static final int N = 0; Param w = zeros(N, 2); }\n", 1, 51, "a dimension must be positive, got 0");
        assertError("class E { Input x = input(2); Optimizer o = sgd(x); }\n", 1, 49, "expected a constant number here");
        assertError("class E { static int N = 1; }\n", 1, 11, "only `static final int` and `static final double` constants take modifiers");
        assertError("class E { Input x; }\n", 1, 17, "'x' needs an initializer, as in `Input x = ...;`");
        assertError("class E { Input x = zeros(2); }\n", 1, 21, "an input is declared with input(dims...), not zeros(...)");
        assertError("class E {\n    Optimizer a = sgd(1);\n    Optimizer b = sgd(2);\n}\n", 3, 15,
                "a model has one optimizer; another is declared at line 2");
    }

    @Test
    void methodErrors() {
        assertError("class E {\n    Input x = input(2);\n    Tensor loss() { return x + loss(); }\n}\n", 3, 32, "recursive call to 'loss'");
        assertError("class E {\n    Tensor f(@A Tensor a) { return a; }\n}\n", 2, 14, "unsupported Java construct: annotation");
        assertError("class E {\n    Tensor f(Tensor a, Tensor a) { return a; }\n}\n", 2, 31, "'a' is already a parameter of 'f'");
        assertError("class E {\n    Tensor f(double a) { return a; }\n}\n", 2, 14, "a method parameter is a Tensor, not double");
        assertError("class E {\n    public Tensor f() { return 1; }\n}\n", 2, 5, "unsupported Java construct: 'public' modifier");
        assertError("class E {\n    Tensor loss() { return; }\n}\n", 2, 21, "return needs a value");
        assertError("class E {\n    Tensor loss() { Tensor a; return a; }\n}\n", 2, 28, "'a' needs a value");
        assertError("class E {\n    Tensor loss() { var a = 1; return a; }\n}\n", 2, 21, "a local variable is a Tensor, int or double, not var");
        assertError("class E {\n    Tensor h(Tensor a) { return a; }\n    Tensor loss() { return h; }\n}\n", 3, 28,
                "'h' is a method; call it as h(...)");
        assertError("class E {\n    Tensor f(Tensor a) { return g(a); }\n    Tensor g(Tensor a) { return f(a); }\n}\n", 3, 33,
                "recursive call to 'f'");
        assertError("class E {\n    Tensor loss() { Tensor a = 1; }\n}\n", 2, 12, "method 'loss' must end with a return statement");
        assertError("class E {\n    Tensor loss() { return 1; return 2; }\n}\n", 2, 31, "unreachable statement after return");
        assertError("class E {\n    double loss() { return 1; }\n}\n", 2, 5, "a method returns Tensor, not double");
        assertError("class E {\n    Tensor loss() { Tensor a = 1; Tensor a = 2; return a; }\n}\n", 2, 42,
                "'a' is already defined in this method");
        assertError("class E {\n    Input x = input(2);\n    Tensor loss() { int k = x; return x; }\n}\n", 3, 29,
                "'k' is declared int but its value is not a constant");
    }

    @Test
    void loopAndArrayErrors() {
        String arrays = "class E {\n    Input x = input(batch, 2);\n    Param[] w = repeat(3, zeros(2, 2));\n";
        assertError(arrays + "    Tensor loss() { return sum(w[3]); }\n}\n", 4, 34, "index 3 is outside w (3 elements)");
        assertError(arrays + "    Tensor loss() { return sum(w); }\n}\n", 4, 32, "'w' is an array of parameters; index it, as in w[0]");
        assertError(arrays + "    Tensor loss() { for (int i = 0; i < 3; i++) { i = 2; } return x; }\n}\n", 4, 51,
                "the loop variable 'i' changes only in the for statement's update");
        assertError(arrays + "    Tensor loss() { for (int i = 0; i < 3; i++) return x; return x; }\n}\n", 4, 49,
                "return only at the end of a method, not inside a loop or block");
        assertError(arrays + "    Tensor loss() { for (int i = 0; i < 3; i *= 2) {} return x; }\n}\n", 4, 21,
                "a for loop's update steps its counter by a constant: i++, i--, i += k or i -= k");
        assertError(arrays + "    Tensor loss() { for (int i = 0; i >= 0; i++) {} return x; }\n}\n", 4, 21,
                "this loop runs more than 10000 times; loops are unrolled when compiling");
        assertError(arrays + "    Tensor loss() { x = x * 2; return x; }\n}\n", 4, 21,
                "cannot assign to 'x': only local variables of a method can be reassigned");
        assertError("class E {\n    Input[] x = repeat(2, input(2));\n}\n", 2, 5, "unsupported Java construct: array of Input (only Param[] arrays)");
        assertError("class E {\n    Param[] w = zeros(2);\n}\n", 2, 17,
                "a parameter array is declared as `Param[] w = repeat(N, zeros(...));` or `Param[] w = { zeros(...), ... };`");
    }

    @Test
    void everyDeclarationsErrorIsReportedOnceWithoutCascades() {
        String text = "class E {\n"
                + "    Input x = input(batch, 0);\n"           // 2: bad dimension
                + "    Param w = zeros(2, 3);\n"
                + "    Tensor f(Tensor a) { return a * zebra; }\n"  // 4: unknown name
                + "    Tensor loss() { return sum(f(x) + w); }\n" // uses both failed names: nothing new
                + "    Tensor out() { return f(w); }\n"
                + "}\n";
        CompileException e = assertThrows(CompileException.class, () -> ModelParser.parse(new Source("E.grad", text)));
        assertEquals(2, e.diagnostics().size(), e.getMessage());
        assertEquals("a dimension must be positive, got 0", e.diagnostics().get(0).message());
        assertEquals(new SourcePos(2, 28), e.diagnostics().get(0).pos());
        assertEquals("unknown name 'zebra'", e.diagnostics().get(1).message());
        assertEquals(new SourcePos(4, 37), e.diagnostics().get(1).pos());
    }

    @Test
    void errorFormatShowsLineAndCaret() {
        CompileException e = assertThrows(CompileException.class, () -> ModelParser.parse(new Source("E.grad", withLoss("return sum(xx);"))));
        assertEquals("E.grad:4:32: error: unknown name 'xx' (did you mean 'x'?)\n"
                + "    Tensor loss() { return sum(xx); }\n"
                + "                               ^", e.getMessage());
    }

    /** Random character edits of the Moons model: the parser answers with a CompileException or a model, nothing else. */
    @Test
    void mutatedFilesOnlyEverGiveCompileErrors() {
        String valid = ModelParserTest.MOONS;
        String alphabet = "(){}[];,.=+-*/%<>!&|?:\"'@#\\0123456789abcxyz_ \n\tbatchTensorInputParam";
        Rng rng = new Rng(42);
        int models = 0;
        for (int i = 0; i < 5000; i++) {
            StringBuilder text = new StringBuilder(valid);
            for (int edits = 1 + rng.nextInt(3); edits > 0; edits--) {
                int at = rng.nextInt(text.length());
                switch (rng.nextInt(3)) {
                    case 0 -> text.deleteCharAt(at);
                    case 1 -> text.insert(at, alphabet.charAt(rng.nextInt(alphabet.length())));
                    default -> text.setCharAt(at, alphabet.charAt(rng.nextInt(alphabet.length())));
                }
            }
            try {
                ModelParser.parse(new Source("M.grad", text.toString()));
                models++;
            } catch (CompileException expected) {
                // a user's mistake, reported
            } catch (Throwable e) {
                fail("mutation " + i + " escaped as " + e + " for:\n" + text, e);
            }
        }
        assertTrue(models > 0 && models < 5000, "mutations that still parse: " + models);
    }
}
