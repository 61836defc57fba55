package dev.gradc.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gradc train, as a process of its own (the choice is the whole JVM's), keeps a short run over a
 * synthetic set on plain Java and says why; a run over a data file, or in a JVM it does not own,
 * is left to the trainer.
 */
class KernelChoiceTest {
    @TempDir
    Path tmp;

    private String gradcProcess(String... options) throws IOException, InterruptedException {
        Path model = Files.writeString(tmp.resolve("Tiny.grad"), CliTest.TINY);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "train", model.toString(), "--save", tmp.resolve("out.npz").toString(), "--print-every", "0"));
        command.addAll(List.of(options));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(tmp.resolve("log").toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        String log = Files.readString(tmp.resolve("log"));
        assertEquals(0, p.exitValue(), log);
        return log;
    }

    private static String productsLine(String log) {
        return log.lines().filter(l -> l.startsWith("compiled Tiny")).findFirst().orElseThrow();
    }

    @Test
    void aShortRunOverASyntheticSetTrainsOnPlainJavaAndSaysWhy() throws Exception {
        String line = productsLine(gradcProcess("--steps", "50"));
        // 50 steps of 100 examples through a 2x1 product: 50 * 100 * 2 * (forward, weight gradient) = 20,000 multiply-adds
        assertTrue(line.endsWith("matrix products: plain Java (a run of 20,000 multiply-adds is over before the Vector API's "
                + "kernels would be compiled)"), line);
    }

    @Test
    void aRunOverAFileIsLeftToTheTrainer() throws Exception {
        StringBuilder csv = new StringBuilder("a,b,label\n");
        for (int i = 0; i < 40; i++) csv.append(i % 3).append(',').append(i % 5).append(',').append(i % 2 == 0 ? -1 : 1).append('\n');
        Path data = Files.writeString(tmp.resolve("d.csv"), csv);
        String line = productsLine(gradcProcess("--steps", "5", "--data", data.toString()));
        assertFalse(line.contains("a run of"), line);
    }

    @Test
    void inAJvmItDoesNotOwnTheCommandLeavesTheChoiceToTheTrainer() throws IOException {
        Path model = Files.writeString(tmp.resolve("Tiny.grad"), CliTest.TINY);
        CliTest.Run r = CliTest.gradc("train", model.toString(), "--steps", "5", "--save", tmp.resolve("out.npz").toString());
        assertEquals(0, r.exit(), r.err());
        assertFalse(r.out().contains("a run of"), r.out());
    }
}
