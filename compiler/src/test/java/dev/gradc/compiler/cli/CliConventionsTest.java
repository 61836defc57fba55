package dev.gradc.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a command-line user expects of any tool: help, version, I/O errors as messages, javac-like error counts. */
class CliConventionsTest {
    static final List<String> SUBCOMMANDS = List.of("compile", "train", "eval", "predict", "explain");

    @Test
    void everySubcommandsHelpExitsZero() {
        for (String command : SUBCOMMANDS) {
            for (String flag : new String[] {"--help", "-h"}) {
                CliTest.Run r = CliTest.gradc(command, flag);
                assertEquals(0, r.exit(), command + " " + flag + ": " + r.err());
                assertTrue(r.out().startsWith("Usage: gradc " + command + " "), r.out());
                assertEquals("", r.err());
            }
            CliTest.Run viaHelp = CliTest.gradc("help", command);
            assertEquals(0, viaHelp.exit(), viaHelp.err());
            assertTrue(viaHelp.out().startsWith("Usage: gradc " + command + " "), viaHelp.out());
        }
        assertEquals(0, CliTest.gradc("--help").exit());
        assertTrue(CliTest.gradc("--help").out().contains("eval") && CliTest.gradc("--help").out().contains("predict"));
    }

    /** Placeholders name what goes there, the same way everywhere: every option that takes a value shows an upper-case name. */
    @Test
    void usagePlaceholdersAreConsistent() {
        Pattern placeholder = Pattern.compile("(--?[a-z][a-z0-9-]*)(?:, (--[a-z][a-z0-9-]*))?=([^\\s\\[\\]]+)");
        for (String command : SUBCOMMANDS) {
            String usage = CliTest.gradc(command, "--help").out();
            // The option list, one option a line (the synopsis above it may wrap a placeholder).
            String options = usage.lines().filter(l -> l.matches(" +-.*")).reduce("", (x, y) -> x + y + "\n");
            Matcher m = placeholder.matcher(options);
            int found = 0;
            while (m.find()) {
                found++;
                String name = m.group(3);
                assertTrue(name.matches("[A-Z][A-Z0-9_]*(\\.[a-z]+)?|[A-Z]+\\.grad|[A-Z_]+\\.npz"), command + ": " + m.group() + " in\n" + usage);
            }
            assertTrue(found > 0, usage);
            assertFalse(usage.contains("=<"), "picocli's default <name> placeholder left in:\n" + usage);
        }
        // Options of the same meaning have the same placeholder in every command.
        for (String command : List.of("train", "eval", "predict")) {
            String usage = CliTest.gradc(command, "--help").out();
            assertTrue(usage.contains("--data=SET"), command);
            assertTrue(usage.contains("--batch=N"), command);
            assertTrue(usage.contains("--seed=N"), command);
        }
        assertTrue(CliTest.gradc("eval", "--help").out().contains("--params=PARAMS.npz"));
        assertTrue(CliTest.gradc("train", "--help").out().contains("--resume=CHECKPOINT.npz"));
    }

    @Test
    void versionNamesCommitJdkAndMatrixPath() {
        CliTest.Run r = CliTest.gradc("--version");
        assertEquals(0, r.exit(), r.err());
        String[] lines = r.out().split("\n");
        assertEquals(4, lines.length, r.out());
        assertTrue(lines[0].matches("gradc (\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?|development build)"), lines[0]);
        assertTrue(lines[1].matches("commit ([0-9a-f]{7,40}|unknown)"), lines[1]);
        assertTrue(lines[2].startsWith("JDK " + System.getProperty("java.version") + " ("), lines[2]);
        assertEquals("matrix products: " + dev.gradc.runtime.internal.MatMul.implementation(), lines[3]);
    }

    @Test
    void outputDirectoryThatIsAFileIsAUserError(@TempDir Path tmp) throws IOException {
        Path model = Files.writeString(tmp.resolve("Tiny.grad"), CliTest.TINY);
        Path file = Files.writeString(tmp.resolve("out"), "x");
        CliTest.Run r = CliTest.gradc("compile", model.toString(), "-d", file.toString());
        assertEquals(1, r.exit());
        assertEquals("gradc: -d " + file + ": not a directory\n", r.err());
        CliTest.Run below = CliTest.gradc("compile", model.toString(), "-d", file.resolve("sub").toString());
        assertEquals(1, below.exit());
        assertEquals(1, below.err().split("\n").length, below.err());
        assertTrue(below.err().startsWith("gradc: -d " + file.resolve("sub") + ": "), below.err());
        CliTest.assertNoStackTrace(below);
    }

    @Test
    void compileGoesOnPastAFailingFileAndCountsLikeJavac(@TempDir Path tmp) throws IOException {
        Path good = Files.writeString(tmp.resolve("Tiny.grad"), CliTest.TINY);
        Path bad = Files.writeString(tmp.resolve("Bad.grad"), CliTest.TINY.replace("class Tiny", "class Bad").replace("matmul(x, w)", "matmul(w, x)"));
        Path worse = Files.writeString(tmp.resolve("Worse.grad"), CliTest.TINY.replace("class Tiny", "class Worse")
                .replace("Optimizer o = sgd(0.1);", "Optimizer o = sgd(0.1); Tensor a() { return nope(x); } Tensor b() { return nada(x); }"));
        Path missing = tmp.resolve("Missing.grad");
        Path out = tmp.resolve("out");
        CliTest.Run r = CliTest.gradc("compile", bad.toString(), good.toString(), worse.toString(), missing.toString(), "-d", out.toString());
        assertEquals(1, r.exit());
        assertTrue(Files.exists(out.resolve("Tiny.class")), "the good model after a failing one is compiled");
        assertEquals("wrote " + out.resolve("Tiny.class") + "\n", r.out());
        assertTrue(r.err().startsWith(bad + ":5:37: error: matmul: inner dimensions differ"), r.err());
        assertTrue(r.err().contains("gradc: " + missing + ": no such file\n"), r.err());
        int worseErrors = (int) r.err().lines().filter(l -> l.startsWith(worse + ":")).count();
        assertTrue(worseErrors >= 1, r.err());
        assertTrue(r.err().endsWith("\n" + (2 + worseErrors) + " errors in 3 files\n"), r.err());
        CliTest.assertNoStackTrace(r);
        CliTest.Run one = CliTest.gradc("compile", bad.toString(), "-d", out.toString());
        assertTrue(one.err().endsWith("\n1 error in 1 file\n"), one.err());
        assertEquals(0, CliTest.gradc("compile", good.toString(), "-d", out.toString()).exit());
    }
}
