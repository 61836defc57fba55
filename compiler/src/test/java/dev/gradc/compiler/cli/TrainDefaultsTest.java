package dev.gradc.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model's recipe (Model.train) gives train its defaults, and what the command line says wins. */
class TrainDefaultsTest {
    @TempDir
    Path tmp;

    private CliTest.Run train(String recipe, String... options) throws IOException {
        Path model = Files.writeString(tmp.resolve("Tiny.grad"), CliTest.TINY);
        Files.writeString(tmp.resolve("Tiny.train"), recipe);
        return CliTest.train(model, tmp.resolve("out.npz"), options);
    }

    @Test
    void theRecipeGivesTheRunItsLength() throws IOException {
        CliTest.Run r = train("batch = 25\nepochs = 2\nprint-every = 1\n");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("batch 25, 2 epochs of 4 steps"), r.out());
        assertTrue(r.out().contains("epoch   1/2"), r.out());
    }

    @Test
    void stepsOnTheCommandLineWinOverTheRecipesEpochsAndTheirPrintEvery() throws IOException {
        CliTest.Run r = train("batch = 25\nepochs = 2\nprint-every = 1\n", "--steps", "20");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("batch 25, 20 steps"), r.out());
        // print-every = 1 was one line per epoch; counted in steps it is the default, every 10
        assertTrue(r.out().contains("step   10/20") && !r.out().contains("step    2/20"), r.out());
        assertEquals(20, Integer.parseInt(r.out().replaceAll("(?s).*after (\\d+) steps.*", "$1")));
    }

    @Test
    void epochsOnTheCommandLineWinOverTheRecipesSteps() throws IOException {
        CliTest.Run r = train("batch = 25\nsteps = 7\n", "--epochs=3", "--print-every=0");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("batch 25, 3 epochs of 4 steps"), r.out());
    }
}
