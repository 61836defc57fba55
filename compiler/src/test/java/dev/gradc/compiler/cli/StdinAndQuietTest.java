package dev.gradc.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** '-' reads standard input wherever a file is read (a model, data, parameters); --quiet leaves the result and the files. */
class StdinAndQuietTest {
    @TempDir
    Path tmp;

    static CliTest.Run gradc(byte[] stdin, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), new ByteArrayInputStream(stdin), false);
        return new CliTest.Run(exit, out.toString(), err.toString());
    }

    @Test
    void aModelParametersAndDataFromStandardInput() throws IOException {
        Path model = Files.writeString(tmp.resolve("Tiny.grad"), CliTest.TINY);
        Path params = tmp.resolve("p.npz");
        CliTest.Run train = gradc(CliTest.TINY.getBytes(StandardCharsets.UTF_8), "train", "-", "--steps", "3", "--save", params.toString());
        assertEquals(0, train.exit(), train.err());
        assertTrue(train.out().startsWith("compiled Tiny (float32"), train.out());

        CliTest.Run fromFile = gradc(new byte[0], "eval", model.toString(), "--params", params.toString());
        CliTest.Run fromStdin = gradc(Files.readAllBytes(params), "eval", model.toString(), "--params", "-");
        assertEquals(0, fromStdin.exit(), fromStdin.err());
        assertEquals(fromFile.out().replace(params.toString(), "-"), fromStdin.out());

        String csv = "x0,x1,label\n0.5,0.2,1\n-0.4,0.9,0\n";
        CliTest.Run data = gradc(csv.getBytes(StandardCharsets.UTF_8), "eval", model.toString(), "--params", params.toString(), "--data", "-");
        assertEquals(0, data.exit(), data.err());
        assertTrue(data.out().startsWith("Tiny on <stdin> (2 examples), parameters " + params + ": loss "), data.out());

        CliTest.Run both = gradc(new byte[0], "eval", model.toString(), "--params", "-", "--data", "-");
        assertEquals(2, both.exit());
        assertEquals("gradc: --params and --data cannot both read standard input\n", both.err());
        CliTest.Run badCsv = gradc("x0,x1,label\n0.5,oops,1\n".getBytes(StandardCharsets.UTF_8), "eval", model.toString(),
                "--params", params.toString(), "--data", "-");
        assertEquals(1, badCsv.exit());
        assertEquals("<stdin>:2:5: error: not a number: 'oops'\n", badCsv.err());
    }

    @Test
    void quietKeepsTheResultAndTheFilesWritten() throws IOException {
        Path model = Files.writeString(tmp.resolve("Tiny.grad"), CliTest.TINY);
        CliTest.Run r = gradc(new byte[0], "train", model.toString(), "--steps", "20", "--print-every", "5", "--quiet",
                "--save-every", "10", "--checkpoint", tmp.resolve("c.npz").toString(), "--save", tmp.resolve("p.npz").toString());
        assertEquals(0, r.exit(), r.err());
        assertFalse(r.out().contains("step    5/20"), r.out());
        assertTrue(r.out().contains("training on moons"), r.out());
        assertTrue(r.out().contains("wrote checkpoint " + tmp.resolve("c.npz") + " (step 10)"), r.out());
        assertTrue(r.out().contains("after 20 steps, on the whole sets without dropout: training loss "), r.out());
        assertTrue(r.out().contains("wrote parameters to " + tmp.resolve("p.npz")), r.out());
        CliTest.Run loud = gradc(new byte[0], "train", model.toString(), "--steps", "20", "--print-every", "5",
                "--save", tmp.resolve("q.npz").toString());
        assertTrue(loud.out().contains("step    5/20"), loud.out());
    }
}
