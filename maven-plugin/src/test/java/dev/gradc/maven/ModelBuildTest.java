package dev.gradc.maven;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradc.runtime.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Why each model is compiled, and what happens to the outputs of a model that stops compiling. */
class ModelBuildTest {
    static final String TINY = """
            class NAME {
                Input x = input(batch, 2);
                Input y = input(batch);
                Param w = uniform(-1, 1, 2, 1);
                Tensor score() { return reshape(matmul(x, w), batch); }
                Tensor loss() { return mean(pow(score() - y, 2)); }
                Optimizer o = sgd(0.1);
            }
            """;

    @TempDir
    Path tmp;

    ModelBuild build(DType dtype) {
        return new ModelBuild(tmp.resolve("grad"), tmp.resolve("classes"), tmp.resolve("sources"), tmp.resolve("state"), dtype, 17);
    }

    Path model(String name, String text) throws IOException {
        Files.createDirectories(tmp.resolve("grad"));
        return Files.writeString(tmp.resolve("grad").resolve(name + ".grad"), text.replace("NAME", name));
    }

    static List<String> reasons(ModelBuild.Report r) {
        return r.compiled().stream().map(c -> c.model() + " " + c.reason().text + (c.ok() ? "" : " FAILED")).toList();
    }

    @Test
    void eachModelCompiledSaysWhy() throws IOException {
        model("A", TINY);
        model("B", TINY);
        List<String> both = List.of("A.grad", "B.grad");
        assertEquals(List.of("A.grad new", "B.grad new"), reasons(build(DType.FLOAT32).run(both, false)));
        ModelBuild.Report none = build(DType.FLOAT32).run(both, false);
        assertEquals(List.of(), reasons(none));
        assertEquals(2, none.upToDate());

        model("A", TINY.replace("0.1", "0.2"));
        assertEquals(List.of("A.grad changed"), reasons(build(DType.FLOAT32).run(both, false)));

        assertEquals(List.of("A.grad configuration changed", "B.grad configuration changed"), reasons(build(DType.FLOAT64).run(both, false)));

        // Another compiler: the state file remembers the compiler's hash under its own key.
        Path state = tmp.resolve("state");
        String text = Files.readString(state);
        assertTrue(text.contains("@compiler="), text);
        Files.writeString(state, text.replaceAll("@compiler=\\S+", "@compiler=0123"));
        assertEquals(List.of("A.grad compiler changed", "B.grad compiler changed"), reasons(build(DType.FLOAT64).run(both, false)));

        assertEquals(List.of("A.grad forced", "B.grad forced"), reasons(build(DType.FLOAT64).run(both, true)));

        Files.delete(tmp.resolve("classes/B.class"));
        assertEquals(List.of("B.grad output missing"), reasons(build(DType.FLOAT64).run(both, false)));
    }

    @Test
    void aModelThatNowFailsLosesItsStaleOutputsAndIsCounted() throws IOException {
        model("A", TINY);
        model("B", TINY);
        List<String> both = List.of("A.grad", "B.grad");
        build(DType.FLOAT32).run(both, false);
        Path classFile = tmp.resolve("classes/B.class"), api = tmp.resolve("sources/BModel.java");
        assertTrue(Files.exists(classFile) && Files.exists(api));

        model("B", TINY.replace("matmul(x, w)", "matmul(w, x)"));
        ModelBuild.Report broken = build(DType.FLOAT32).run(both, false);
        assertEquals(List.of("B.grad changed FAILED"), reasons(broken));
        assertEquals(1, broken.failedFiles());
        assertEquals(0, broken.compiledCount());
        assertEquals(1, broken.upToDate());
        assertFalse(broken.errors().isEmpty());
        assertFalse(Files.exists(classFile), "the class of the model as it was is removed");
        assertFalse(Files.exists(api), "and its interface");
        assertTrue(Files.exists(tmp.resolve("classes/A.class")), "other models keep theirs");

        // Unchanged, it is tried again (and still fails); fixed, it compiles.
        assertEquals(List.of("B.grad failed last time FAILED"), reasons(build(DType.FLOAT32).run(both, false)));
        model("B", TINY);
        assertEquals(List.of("B.grad changed"), reasons(build(DType.FLOAT32).run(both, false)));
        assertTrue(Files.exists(classFile));
    }
}
