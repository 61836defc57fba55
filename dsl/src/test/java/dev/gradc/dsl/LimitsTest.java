package dev.gradc.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The language's limits: deep unrolled loops, deep nesting, long chains and huge elaborations end
 * the same way whatever the caller's stack, with a positioned error where they are too much.
 */
class LimitsTest {
    /** A generous guard against hangs only: speed is measured by bench/, never asserted here. */
    static final Duration HANG = Duration.ofSeconds(60);
    /** A thread stack far smaller than the default, so anything that recurses per loop iteration fails. */
    static final long SMALL_STACK = 256 * 1024;

    /** Runs {@code task} on a thread with a small stack, passing back its result or exception. */
    static <T> T onSmallStack(Callable<T> task) throws Exception {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                result.set(task.call());
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "small-stack", SMALL_STACK);
        assertTimeoutPreemptively(HANG, () -> {
            t.start();
            t.join();
        });
        if (failure.get() instanceof Exception e) throw e;
        if (failure.get() instanceof Error e) throw e;
        return result.get();
    }

    static String unrolled(int iterations, String body) {
        return "class T {\n    Input x = input(batch, 2);\n    Tensor loss() {\n        Tensor t = x;\n"
                + "        for (int i = 0; i < " + iterations + "; i++) " + body + "\n        return sum(t);\n    }\n}\n";
    }

    static Model parse(String text) {
        return ModelParser.parse(new Source("T.grad", text));
    }

    static CompileException error(String text) {
        return assertThrows(CompileException.class, () -> onSmallStack(() -> parse(text)));
    }

    @Test
    void tenThousandUnrolledAdditionsOnASmallStack() throws Exception {
        String text = unrolled(10_000, "t = t + 1;");
        String printed = onSmallStack(() -> {
            Model m = parse(text), again = parse(text);
            // Equality and hashing are structural and iterative: two parses of one text are equal, not the same.
            assertNotSame(m.loss(), again.loss());
            assertEquals(m.loss(), again.loss());
            assertEquals(m.loss().hashCode(), again.loss().hashCode());
            assertEquals(m.loss().toString(), ExprPrinter.print(m.loss()));
            return ExprPrinter.print(m);
        });
        String loss = "sum(" + "add(".repeat(10_000) + "x" + ", 1)".repeat(10_000) + ")";
        assertTrue(printed.contains("  loss = " + loss + "\n"), printed.substring(0, 200));
    }

    @Test
    void tenThousandUnrolledTanhStepsPrintEachSharedValueOnce() throws Exception {
        String text = unrolled(10_000, "t = tanh(t) - t;");
        String loss = onSmallStack(() -> {
            Model m = parse(text);
            assertEquals(m.loss(), parse(text).loss()); // a DAG of 20,000 nodes whose tree has 2^10,000
            return ExprPrinter.print(m.loss());
        });
        assertTrue(loss.startsWith("sum(sub(tanh(%9999), %9999)) where %1 = sub(tanh(x), x), %2 = sub(tanh(%1), %1), "), loss.substring(0, 120));
        assertTrue(loss.endsWith(", %9999 = sub(tanh(%9998), %9998)"), loss.substring(loss.length() - 80));
    }

    @Test
    void aValueUsedTwiceInASmallExpressionStillPrintsNested() {
        Model m = parse("class T { Input x = input(2); Tensor loss() { Tensor h = tanh(x); return sum(h * h); } }");
        assertEquals("sum(mul(tanh(x), tanh(x)))", ExprPrinter.print(m.loss()));
    }

    @Test
    void deepParenthesesAreAnErrorAtTheParenthesisThatGoesOver() throws Exception {
        String text = "class E {\n    Input x = input(batch, 2);\n    Tensor loss() {\n        return "
                + "(".repeat(50_000) + "x" + ")".repeat(50_000) + ";\n    }\n}\n";
        CompileException e = error(text);
        assertEquals(Nesting.TOO_DEEP, e.first().message());
        // Class body and method body are two levels; the 255th parenthesis is the 257th level.
        assertEquals(new SourcePos(4, 16 + 254), e.first().pos());
        CompileException sameOnAnyStack = assertThrows(CompileException.class, () -> parse(text));
        assertEquals(e.getMessage(), sameOnAnyStack.getMessage());
    }

    @Test
    void everyKindOfNestingIsPositioned() {
        String[] deep = {
            "-".repeat(1000) + "x", "- ".repeat(1000) + "x", "relu(".repeat(1000) + "x" + ")".repeat(1000),
            "x" + " < x".repeat(1000), "x > 0 ? x : ".repeat(1000) + "x",
            "a -> ".repeat(1000) + "x", "x" + "[0".repeat(1000) + "]".repeat(1000),
        };
        for (String expression : deep) {
            CompileException e = assertThrows(CompileException.class, () -> parse(
                    "class E {\n    Input x = input(2);\n    Tensor loss() {\n        return " + expression + ";\n    }\n}\n"));
            assertEquals(Nesting.TOO_DEEP, e.first().message(), expression.substring(0, 20));
            assertEquals(4, e.first().pos().line(), expression.substring(0, 20));
            assertTrue(e.first().pos().column() > 16, expression.substring(0, 20) + ": " + e.first().pos());
        }
        CompileException generic = assertThrows(CompileException.class, () -> parse("class E {\n    Param" + "<A".repeat(1000) + " w = zeros(1);\n}\n"));
        assertEquals(Nesting.TOO_DEEP, generic.first().message());
        assertEquals(2, generic.first().pos().line());
    }

    @Test
    void aRunOfCastsIsRefusedBeforeTheParserBacktracksOverIt() {
        // A fuzzer's find: 250 casts around an unclosed bracket made JavaParser's lookahead take seconds.
        String text = "class E {\n    Input x = input(2);\n    Tensor loss() {\n        return " + "(Tensor)".repeat(14) + "(Tensor["
                + "(Tensor)".repeat(250) + "x;\n    }\n}\n";
        long start = System.nanoTime();
        CompileException e = assertThrows(CompileException.class, () -> parse(text));
        assertEquals(Nesting.TOO_MANY_CASTS, e.first().message());
        assertEquals(new SourcePos(4, 16 + 8 * 14 + 8 + 8 * 50 + 8), e.first().pos()); // the 65th cast's operand
        assertTrue(System.nanoTime() - start < 5_000_000_000L, "refused without parsing");
        CompileException few = assertThrows(CompileException.class, () -> parse(
                "class E {\n    Input x = input(2);\n    Tensor loss() {\n        return " + "(Tensor)".repeat(64) + "x;\n    }\n}\n"));
        assertEquals("unsupported Java construct: cast expression", few.first().message());
        CompileException many = assertThrows(CompileException.class, () -> parse(
                "class E {\n    Input x = input(2);\n    Tensor loss() {\n        return " + "(A)".repeat(1000) + "x;\n    }\n}\n"));
        assertEquals(Nesting.TOO_MANY_CASTS, many.first().message());
        assertEquals(new SourcePos(4, 16 + 3 * 65), many.first().pos());
    }

    @Test
    void aLongChainIsAnErrorAtTheOperatorThatGoesOver() throws Exception {
        String text = "class E {\n    Input x = input(2);\n    Tensor loss() {\n        return x" + " + x".repeat(20_000) + ";\n    }\n}\n";
        CompileException e = error(text);
        assertEquals("expression too long to compile (more than 10000 operators); split it with local variables", e.first().message());
        assertEquals(new SourcePos(4, 17 + 4 * 10_000 + 1), e.first().pos());
    }

    @Test
    void chainsAndNestingWithinTheLimitsParseOnASmallStack() throws Exception {
        String text = "class E {\n    Input x = input(2);\n    Tensor loss() {\n        return sum(x" + " + x".repeat(9_000)
                + ") + " + "relu(".repeat(200) + "x" + ")".repeat(200) + ";\n    }\n}\n";
        Model m = onSmallStack(() -> parse(text));
        assertEquals("add", ((Expr.Call) m.loss()).function());
    }

    @Test
    void nestedLoopsMultiplyAgainstTheStepLimit() {
        CompileException e = error("class T {\n    Input x = input(2);\n    Tensor loss() {\n        Tensor t = x;\n"
                + "        for (int i = 0; i < 10000; i++) {\n            for (int j = 0; j < 10000; j++) { int k = j; }\n        }\n"
                + "        return sum(t);\n    }\n}\n");
        assertTrue(e.first().message().startsWith("elaborating the model takes more than 500000 steps"), e.first().message());
        assertEquals(6, e.first().pos().line());
    }

    @Test
    void helpersThatCallHelpersWithDifferentArgumentsHitALimit() {
        StringBuilder text = new StringBuilder("class T {\n    Input x = input(2);\n    Tensor f0(Tensor a) { return a; }\n");
        // f(a + 1) and f(a + 2) get different constants, so nothing is shared: 2^40 calls.
        for (int i = 1; i <= 40; i++) {
            text.append("    Tensor f").append(i).append("(Tensor a) { return f").append(i - 1).append("(a + 1) + f").append(i - 1).append("(a + 2); }\n");
        }
        text.append("    Tensor loss() { return x * f40(1); }\n}\n");
        CompileException e = error(text.toString());
        // Each body is checked once with its parameter as a placeholder, where a + 1 is an operation.
        assertTrue(e.first().message().startsWith("the model elaborates to more than 100000 operations"), e.first().message());
    }

    @Test
    void tooManyOperationsIsAnError() {
        CompileException e = error(unrolled(10_000, "{ for (int j = 0; j < 30; j++) t = t + 1; }"));
        assertEquals("the model elaborates to more than 100000 operations (helpers inlined, loops unrolled); "
                + "that is more than gradc compiles", e.first().message());
        assertEquals(new SourcePos(5, 78), e.first().pos()); // the + that made one operation too many
    }

    @Test
    void aFileThatIsNotUtf8IsAnErrorAtTheFirstBadByte(@TempDir Path tmp) throws Exception {
        byte[] latin1 = "class T {\n    // caf\u00e9\n}\n".getBytes(StandardCharsets.ISO_8859_1);
        Path file = Files.write(tmp.resolve("T.grad"), latin1);
        CompileException e = assertThrows(CompileException.class, () -> Source.read(file));
        assertEquals("not UTF-8 text", e.first().message());
        assertEquals(new SourcePos(2, 11), e.first().pos());
        assertEquals(file + ":2:11: error: not UTF-8 text\n    // caf\uFFFD\n          ^", e.getMessage());
        // A truncated multi-byte sequence at the very end, and a lone continuation byte on line 1.
        assertEquals(new SourcePos(1, 4), assertThrows(CompileException.class,
                () -> Source.decode("A.grad", new byte[] {'a', 'b', 'c', (byte) 0xE2, (byte) 0x82})).first().pos());
        assertEquals(new SourcePos(3, 1), assertThrows(CompileException.class,
                () -> Source.decode("A.grad", new byte[] {'a', '\r', '\n', '\r', (byte) 0x80})).first().pos());
        assertEquals("class T { }", Source.decode("A.grad", "class T { }".getBytes(StandardCharsets.UTF_8)).text());
    }
}
