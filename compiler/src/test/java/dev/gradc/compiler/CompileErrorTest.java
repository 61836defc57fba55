package dev.gradc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gradc.dsl.CompileException;
import dev.gradc.runtime.DType;
import org.junit.jupiter.api.Test;

/**
 * How an error is printed. The errors themselves (message, line, column) are the tiny programs in
 * {@code src/test/resources/programs}, run by {@link ProgramsTest}.
 */
class CompileErrorTest {
    @Test
    void errorIsPrintedWithLineAndCaret() {
        String source = "class M {\n"
                + "    Input x = input(batch, 2);\n"
                + "    Param w = uniform(-1, 1, 3, 4);\n"
                + "    Param b = zeros(4);\n"
                + "    Tensor loss() { return sum(matmul(x, w)); }\n"
                + "    Optimizer o = sgd(0.1);\n"
                + "}\n";
        CompileException e = assertThrows(CompileException.class, () -> TestModels.compile(source, DType.FLOAT32));
        assertEquals("Test.grad:5:32: error: matmul: inner dimensions differ ([batch, 2] x [3, 4]: 2 vs 3)\n"
                + "    Tensor loss() { return sum(matmul(x, w)); }\n"
                + "                               ^", e.first().format());
    }
}
