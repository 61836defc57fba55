package dev.gradc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gradc.dsl.CompileException;
import dev.gradc.dsl.Diagnostic;
import dev.gradc.dsl.Source;
import dev.gradc.runtime.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Tiny model files in {@code src/test/resources/programs}, each with what compiling it must give
 * written beside it: {@code // error: line:col: message} lines at the end of a program that does
 * not compile (every diagnostic, in order), {@code // warning: ...} lines for one that compiles with
 * warnings, and for one that compiles, a file per printed stage to
 * compare ({@code NAME.forward.ir}, {@code .backward.ir}, {@code .trained.ir}, {@code .optimized.ir},
 * {@code .signature}, {@code .plan}; none is required). {@code -Dgradc.updateGolden=true} rewrites
 * every expectation from what the compiler does now; review the diff.
 */
class ProgramsTest {
    private static final boolean UPDATE = Boolean.getBoolean("gradc.updateGolden");
    private static final String ERROR = "// error: ", WARNING = "// warning: ";
    private static final Map<String, Function<Compilation, String>> STAGES = new LinkedHashMap<>();

    static {
        STAGES.put("forward.ir", c -> c.forward().toString());
        STAGES.put("backward.ir", c -> c.backward().toString());
        STAGES.put("trained.ir", c -> c.trained().toString());
        STAGES.put("optimized.ir", c -> c.optimized().toString());
        STAGES.put("signature", c -> c.signature().format());
        STAGES.put("plan", c -> c.plan().toString());
    }

    @TestFactory
    Stream<DynamicTest> programs() throws IOException {
        Path dir = TestModels.findUp("compiler/src/test/resources/programs");
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> programs = files.filter(p -> p.toString().endsWith(".grad")).sorted().toList();
            return programs.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> check(p)));
        }
    }

    private static String line(Diagnostic d) {
        return (d.warning() ? WARNING : ERROR) + d.pos().line() + ":" + d.pos().column() + ": " + d.message();
    }

    private static void check(Path program) throws IOException {
        String text = Files.readString(program);
        List<String> lines = new ArrayList<>(text.lines().toList());
        List<String> expected = new ArrayList<>();
        while (!lines.isEmpty() && (lines.get(lines.size() - 1).startsWith(ERROR) || lines.get(lines.size() - 1).startsWith(WARNING))) {
            expected.add(0, lines.remove(lines.size() - 1));
        }
        String name = program.getFileName().toString().replace(".grad", "");
        List<String> actual = new ArrayList<>();
        Compilation c = null;
        try {
            c = Compiler.compile(new Source(program.getFileName().toString(), text), Compiler.Options.DEFAULT.withDtype(DType.FLOAT32));
            for (Diagnostic d : c.warnings()) actual.add(line(d));
        } catch (CompileException e) {
            for (Diagnostic d : e.diagnostics()) actual.add(line(d));
        }
        if (UPDATE) {
            StringBuilder out = new StringBuilder();
            for (String l : lines) out.append(l).append('\n');
            for (String e : actual) out.append(e).append('\n');
            Files.writeString(program, out.toString());
        } else {
            assertEquals(String.join("\n", expected), String.join("\n", actual), program + ": diagnostics");
        }
        if (c == null) return;
        for (Map.Entry<String, Function<Compilation, String>> stage : STAGES.entrySet()) {
            Path file = program.resolveSibling(name + "." + stage.getKey());
            if (!Files.exists(file)) continue;
            String printed = stage.getValue().apply(c);
            if (UPDATE) Files.writeString(file, printed);
            else assertEquals(Files.readString(file), printed, file + " (-Dgradc.updateGolden=true rewrites it)");
        }
    }
}
