package dev.gradc.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradc.compiler.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The moons sample, trained exactly as the README's first command does, reaches 100% accuracy. */
class MoonsSampleTest {
    static final Path SAMPLES = Path.of("").toAbsolutePath().getFileName().toString().equals("samples")
            ? Path.of("").toAbsolutePath() : Path.of("samples").toAbsolutePath();

    static String run(int expectedExit, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        assertEquals(expectedExit, exit, "exit code; stdout:\n" + out + "\nstderr:\n" + err);
        return out + err.toString();
    }

    @Test
    void trainsToFullAccuracyInOneHundredSteps(@TempDir Path tmp) {
        Path params = tmp.resolve("moons.npz");
        String output = run(0, "train", SAMPLES.resolve("moons/Moons.grad").toString(), "--save", params.toString());
        assertTrue(output.contains("training accuracy 100.0% (100/100)"), output);
        assertTrue(output.contains("training on moons: 100 examples, batch 100, 100 steps, learning rate 1.000 -> 0.1000 (linear)"), output);
        assertTrue(Files.exists(params));
    }

    @Test
    void continuesFromSavedParameters(@TempDir Path tmp) {
        Path first = tmp.resolve("first.npz"), second = tmp.resolve("second.npz");
        run(0, "train", SAMPLES.resolve("moons/Moons.grad").toString(), "--save", first.toString());
        String output = run(0, "train", SAMPLES.resolve("moons/Moons.grad").toString(), "--init", first.toString(),
                "--steps", "1", "--lr", "0", "--save", second.toString());
        assertTrue(output.contains("training accuracy 100.0%"), output);
    }
}
