package dev.gradc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradc.compiler.ir.Graph;
import dev.gradc.compiler.opt.Passes;
import dev.gradc.runtime.DType;
import java.io.IOException;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Each optimization pass on a model made to exercise it: the IR before and after, compared with
 * src/test/resources/golden/passes (-Dgradc.updateGolden=true rewrites them; review the diff).
 */
class PassesTest {
    private static final String TRANSPOSED = """
            class Transposed {
                Input x = input(batch, 3);
                Param w = uniform(-1, 1, 4, 3);
                Param v = uniform(-1, 1, 4);
                Tensor loss() { return sum(pow(matmul(x, transpose(w)), 2)) * 0.5 + sum(v * 1.0) + mean(exp(v)); }
                Optimizer opt = sgd(0.1);
            }
            """;

    /** tanh(v * 1.0) and tanh(v) differ until simplification makes them the same expression. */
    private static final String REPEATED = """
            class Repeated {
                Param v = uniform(-1, 1, 3);
                Tensor loss() { return sum(tanh(v * 1.0)) + sum(sigmoid(tanh(v))); }
                Optimizer opt = sgd(0.1);
            }
            """;

    @Test
    void deadCodeElimination() throws IOException {
        golden("dce", TRANSPOSED, Passes::eliminateDeadCode);
    }

    @Test
    void constantFolding() throws IOException {
        String after = golden("fold", TRANSPOSED, g -> Passes.eliminateDeadCode(Passes.foldConstants(g)));
        assertTrue(after.contains("const 0.25"), "1/4 of the mean's gradient folded");
    }

    @Test
    void algebraicSimplification() throws IOException {
        String after = golden("simplify", TRANSPOSED, g -> Passes.eliminateDeadCode(Passes.simplify(g)));
        assertTrue(after.contains("matmul[NT]"), "the transpose became the product's flag");
        assertFalse(after.contains("transpose[1, 0] %1 "), "w is never transposed into a buffer");
    }

    @Test
    void commonSubexpressionElimination() throws IOException {
        Graph simplified = Passes.eliminateDeadCode(Passes.simplify(TestModels.compile(REPEATED, DType.FLOAT64).trained()));
        assertEquals(2, simplified.toString().lines().filter(l -> l.contains("= tanh %0")).count(), simplified.toString());
        String after = golden("cse", simplified, x -> Passes.eliminateDeadCode(Passes.eliminateCommonSubexpressions(x)));
        assertEquals(1, after.lines().filter(l -> l.contains("= tanh %0")).count(), after);
    }

    @Test
    void everyStageIsRecordedAndTheLastIsCompiled() {
        Compilation c = TestModels.compile(TRANSPOSED, DType.FLOAT64);
        List<String> names = c.passes().stream().map(Passes.Stage::pass).toList();
        assertEquals(List.of("dce", "fold", "simplify", "cse"), names);
        assertEquals(Passes.result(c.passes()).toString(), c.optimized().toString());
        Compilation plain = Compiler.compile(new dev.gradc.dsl.Source("T.grad", TRANSPOSED), Compiler.Options.DEFAULT.unoptimized());
        assertTrue(plain.passes().isEmpty());
        assertEquals(plain.trained().toString(), plain.optimized().toString());
    }

    private static String golden(String pass, String model, UnaryOperator<Graph> run) throws IOException {
        return golden(pass, TestModels.compile(model, DType.FLOAT64).trained(), run);
    }

    private static String golden(String pass, Graph before, UnaryOperator<Graph> run) throws IOException {
        String after = run.apply(before).toString();
        GoldenIrTest.check("passes/" + pass + ".ir", "# before\n" + before + "# after " + pass + "\n" + after);
        return after;
    }
}
