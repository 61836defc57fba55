package dev.gradc.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line: what it writes, and that a user's mistake is a message and an exit code, never a stack trace. */
class CliTest {
    record Run(int exit, String out, String err) {}

    static Run gradc(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    /** {@code gradc train MODEL OPTIONS --save SAVE}. */
    static Run train(Path model, Path save, String... options) {
        String[] args = new String[options.length + 4];
        args[0] = "train";
        args[1] = model.toString();
        System.arraycopy(options, 0, args, 2, options.length);
        args[args.length - 2] = "--save";
        args[args.length - 1] = save.toString();
        return gradc(args);
    }

    static void assertNoStackTrace(Run r) {
        assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "stack trace printed:\n" + r.err());
    }

    static final String TINY = """
            class Tiny {
                Input x = input(batch, 2);
                Input y = input(batch);
                Param w = uniform(-1, 1, 2, 1);
                Tensor score() { return reshape(matmul(x, w), batch); }
                Tensor loss() { return mean(pow(score() - y, 2)); }
                Optimizer o = sgd(0.1);
            }
            """;

    @Test
    void compileWritesOneClassPerModel(@TempDir Path tmp) throws IOException {
        Path model = Files.writeString(tmp.resolve("Tiny.grad"), TINY);
        Run r = gradc("compile", model.toString(), "-d", tmp.resolve("out").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(Files.size(tmp.resolve("out/Tiny.class")) > 0);
    }

    @Test
    void compileIntoAPackage(@TempDir Path tmp) throws IOException {
        Path model = Files.writeString(tmp.resolve("Tiny.grad"), TINY);
        Run r = gradc("compile", model.toString(), "-d", tmp.toString(), "--package", "com.example.models");
        assertEquals(0, r.exit(), r.err());
        assertTrue(Files.exists(tmp.resolve("com/example/models/Tiny.class")));
    }

    @Test
    void modelErrorIsPositionedWithoutStackTrace(@TempDir Path tmp) throws IOException {
        Path model = Files.writeString(tmp.resolve("Bad.grad"), TINY.replace("matmul(x, w)", "matmul(w, x)"));
        Run r = gradc("train", model.toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().startsWith(model + ":5:37: error: matmul: inner dimensions differ ([2, 1] x [batch, 2]: 1 vs batch)"), r.err());
        assertNoStackTrace(r);
    }

    @Test
    void missingModelFile(@TempDir Path tmp) {
        Run r = gradc("compile", tmp.resolve("Nope.grad").toString());
        assertEquals(1, r.exit());
        assertEquals("gradc: " + tmp.resolve("Nope.grad") + ": no such file\n1 error in 1 file\n", r.err());
    }

    @Test
    void corruptedCheckpoint(@TempDir Path tmp) throws IOException {
        Path model = Files.writeString(tmp.resolve("Tiny.grad"), TINY);
        Path bad = Files.writeString(tmp.resolve("bad.npz"), "not a zip file");
        Run r = gradc("train", model.toString(), "--init", bad.toString(), "--save", tmp.resolve("o.npz").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("bad.npz"), r.err());
        assertNoStackTrace(r);
    }

    @Test
    void checkpointOfAnotherModelListsEveryMismatch(@TempDir Path tmp) throws IOException {
        Path tiny = Files.writeString(tmp.resolve("Tiny.grad"), TINY);
        Path other = Files.writeString(tmp.resolve("Other.grad"), TINY.replace("class Tiny", "class Other")
                .replace("Param w = uniform(-1, 1, 2, 1);", "Param w = uniform(-1, 1, 2, 3), v = zeros(3, 1);")
                .replace("matmul(x, w)", "matmul(matmul(x, w), v)"));
        Path saved = tmp.resolve("other.npz");
        assertEquals(0, gradc("train", other.toString(), "--steps", "1", "--save", saved.toString()).exit());
        Run r = gradc("train", tiny.toString(), "--init", saved.toString(), "--save", tmp.resolve("o.npz").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("parameter 'w' has shape [2, 3] in the file, the model declares [2, 1]"), r.err());
        assertTrue(r.err().contains("unexpected array 'v'"), r.err());
        assertNoStackTrace(r);
    }

    @Test
    void dataThatDoesNotFitTheModel(@TempDir Path tmp) throws IOException {
        Path model = Files.writeString(tmp.resolve("Tiny.grad"), TINY);
        Path csv = Files.writeString(tmp.resolve("d.csv"), "a,b,c,label\n1,2,3,0\n4,5,6,1\n");
        Run r = gradc("train", model.toString(), "--data", csv.toString(), "--save", tmp.resolve("o.npz").toString());
        assertEquals(1, r.exit());
        assertTrue(r.err().contains("expected [batch, 3] and [batch]"), r.err());
        assertNoStackTrace(r);
    }

    @Test
    void trainsOnCsvData(@TempDir Path tmp) throws IOException {
        Path model = Files.writeString(tmp.resolve("Tiny.grad"), TINY);
        Path csv = Files.writeString(tmp.resolve("d.csv"), "a,b,label\n1,0,1\n0,1,0\n1,1,1\n0,0,0\n");
        Run r = gradc("train", model.toString(), "--data", csv.toString(), "--steps", "5", "--save", tmp.resolve("o.npz").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("training on d: 4 examples"), r.out());
        assertTrue(Files.exists(tmp.resolve("o.npz")));
    }

    @Test
    void explainPrintsEveryStage(@TempDir Path tmp) throws IOException {
        Path model = Files.writeString(tmp.resolve("Tiny.grad"), TINY);
        Run r = gradc("explain", model.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("== forward") && r.out().contains("== backward") && r.out().contains("update w = "), r.out());
    }
}
