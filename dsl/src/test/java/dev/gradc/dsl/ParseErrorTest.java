package dev.gradc.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import dev.gradc.runtime.Rng;
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
        assertError("class E {\n    Input x = input(2);\n", 2, 24, "syntax error: unexpected end of file");
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
        assertError("interface E {}\n", 1, 1, "unsupported Java construct: class or interface declaration");
        assertError("class E { E() {} }\n", 1, 11, "unsupported Java construct: constructor declaration");
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
        assertError("class E {\n    Optimizer a = sgd(1);\n    Optimizer b = sgd(2);\n}\n", 3, 15,
                "a model has one optimizer; another is declared at line 2");
    }

    @Test
    void methodErrors() {
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

    /** Random single-character edits of a valid model: the parser answers with a CompileException or a model, nothing else. */
    @Test
    void mutatedFilesOnlyEverGiveCompileErrors() {
        String valid = withLoss("Tensor h = relu(matmul(x, w) + 1); return sum(h * h) / 2;")
                .replace("}\n", "    Tensor predict() { return matmul(x, w); }\n    Optimizer o = sgd(0.1);\n}\n");
        String alphabet = "(){};,.=+-*/%<>!&|?:\"'0123456789abcxyz_ \n\tbatchTensorInputParam";
        Rng rng = new Rng(42);
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
            } catch (CompileException expected) {
                // a user's mistake, reported
            } catch (RuntimeException | StackOverflowError e) {
                fail("mutation " + i + " escaped as " + e + " for:\n" + text, e);
            }
        }
    }
}
