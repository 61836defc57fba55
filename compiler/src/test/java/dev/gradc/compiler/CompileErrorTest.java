package dev.gradc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gradc.dsl.CompileException;
import dev.gradc.dsl.Diagnostic;
import dev.gradc.runtime.DType;
import org.junit.jupiter.api.Test;

/** The compiler's own errors (the language's are tested in the dsl module): message, line, column. */
class CompileErrorTest {

    static Diagnostic error(String source) {
        CompileException e = assertThrows(CompileException.class, () -> TestModels.compile(source, DType.FLOAT32));
        return e.first();
    }

    static void assertError(String source, int line, int column, String message) {
        Diagnostic d = error(source);
        assertEquals(message, d.message());
        assertEquals(line + ":" + column, d.pos().line() + ":" + d.pos().column(), "position of: " + message);
    }

    static String model(String declarations, String loss) {
        return "class M {\n"
                + "    Input x = input(batch, 2);\n"
                + "    Param w = uniform(-1, 1, 3, 4);\n"
                + "    Param b = zeros(4);\n"
                + declarations
                + "    Tensor loss() { return " + loss + "; }\n"
                + "    Optimizer o = sgd(0.1);\n"
                + "}\n";
    }

    @Test
    void matmulInnerDimensionsDiffer() {
        // line 5: "    Tensor loss() { return sum(matmul(x, w)); }", matmul at column 32
        assertError(model("", "sum(matmul(x, w))"), 5, 32,
                "matmul: inner dimensions differ ([batch, 2] x [3, 4]: 2 vs 3)");
    }

    @Test
    void operandsDoNotBroadcast() {
        // "sum(x + b)": the + at column 34
        assertError(model("", "sum(x + b)"), 5, 34, "add: shapes [batch, 2] and [4] do not broadcast");
    }

    @Test
    void unknownFunction() {
        assertError(model("", "sum(frobnicate(x))"), 5, 32, "unknown function 'frobnicate'");
    }

    @Test
    void unknownFunctionWithSuggestion() {
        assertError(model("", "sum(rleu(x))"), 5, 32, "unknown function 'rleu' (did you mean 'relu'?)");
    }

    @Test
    void wrongArgumentCountToBuiltin() {
        assertError(model("", "sum(relu(x, x))"), 5, 32,
                "wrong number of arguments to 'relu': expected 1, got 2 (relu(x))");
    }

    @Test
    void axisOutOfRange() {
        // "sum(sum(x, 2))": the axis argument at column 39
        assertError(model("", "sum(sum(x, 2))"), 5, 39, "axis 2 is out of range for shape [batch, 2]");
    }

    @Test
    void reshapeToWrongSize() {
        assertError(model("", "sum(reshape(x, batch, 3))"), 5, 32,
                "reshape: cannot reshape [batch, 2] (2*batch elements) to [batch, 3] (3*batch elements)");
    }

    @Test
    void lossMustBeScalar() {
        assertError(model("", "x * 2"), 5, 30, "loss() must return a scalar, but returns a tensor of shape [batch, 2]; "
                + "reduce it with sum(...) or mean(...)");
    }

    @Test
    void argmaxCannotReachTheLoss() {
        assertError(model("", "sum(argmax(x) * 2)"), 5, 32, "argmax is not differentiable: use it in an output, not in loss()");
    }

    @Test
    void keepDimsOnlyAsLastReductionArgument() {
        assertError(model("", "sum(x * true)"), 5, 36, "true and false only say keepDims, as the last argument of a reduction");
    }

    @Test
    void unknownOptimizer() {
        String src = model("", "sum(x)").replace("sgd(0.1)", "adamm(0.1)");
        assertError(src, 6, 19, "unknown optimizer 'adamm' (did you mean 'adam'?); known optimizers: sgd, adam, adamW, rmsprop, adagrad");
    }

    @Test
    void outputNameClashesWithTrainerMethod() {
        assertError(model("    Tensor step() { return x; }\n", "sum(x)"), 5, 12,
                "output method 'step' clashes with a method every trainer has; rename it");
    }

    @Test
    void shapeErrorsOfTheLossAndOfEachOutputInOneRun() {
        CompileException e = assertThrows(CompileException.class, () -> TestModels.compile(
                model("    Tensor out() { return x + b; }\n    Tensor same() { return matmul(x, w); }\n", "sum(matmul(x, w))"), DType.FLOAT32));
        assertEquals(3, e.diagnostics().size(), e.getMessage());
        assertEquals("7:32 matmul: inner dimensions differ ([batch, 2] x [3, 4]: 2 vs 3)", text(e.diagnostics().get(0)));
        assertEquals("5:29 add: shapes [batch, 2] and [4] do not broadcast", text(e.diagnostics().get(1)));
        assertEquals("6:28 matmul: inner dimensions differ ([batch, 2] x [3, 4]: 2 vs 3)", text(e.diagnostics().get(2)));
    }

    static String text(Diagnostic d) {
        return d.pos() + " " + d.message();
    }

    @Test
    void errorIsPrintedWithLineAndCaret() {
        Diagnostic d = error(model("", "sum(matmul(x, w))"));
        assertEquals("Test.grad:5:32: error: matmul: inner dimensions differ ([batch, 2] x [3, 4]: 2 vs 3)\n"
                + "    Tensor loss() { return sum(matmul(x, w)); }\n"
                + "                               ^", d.format());
    }
}
