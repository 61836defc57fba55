package dev.gradc.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradc.compiler.cli.Main;
import dev.gradc.runtime.Dataset;
import dev.gradc.runtime.Datasets;
import dev.gradc.runtime.Npy;
import dev.gradc.runtime.NpyArray;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The workflow on the samples: train, then eval and predict with the saved parameters, and the numbers agree. */
class WorkflowSampleTest {
    static final Path MOONS = MoonsSampleTest.SAMPLES.resolve("moons/Moons.grad"), SPIRALS = MoonsSampleTest.SAMPLES.resolve("spirals/Spirals.grad");

    static String group(String text, String pattern) {
        Matcher m = Pattern.compile(pattern).matcher(text);
        assertTrue(m.find(), "no " + pattern + " in:\n" + text);
        return m.group(1);
    }

    static String run(InputStream stdin, String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int exit = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true), stdin, false);
        assertEquals(0, exit, String.join(" ", args) + "\n" + out + err);
        return out.toString();
    }

    /** Moons by its recipe: eval on the same 100 points gives the training loss and accuracy the summary printed. */
    @Test
    void moonsEvalRepeatsTheTrainingSummary(@TempDir Path tmp) {
        Path params = tmp.resolve("Moons.npz");
        String train = MoonsSampleTest.run(0, "train", MOONS.toString(), "--save", params.toString());
        String loss = group(train, "training loss ([0-9.]+), training accuracy 100\\.0% \\(100/100\\)");
        // The recipe (Moons.train) gives eval its data options too: moons, 100 points, seed 1, labels -1/+1.
        String eval = run(InputStream.nullInputStream(), "eval", MOONS.toString(), "--params", params.toString());
        assertEquals("Moons on moons (100 examples), parameters " + params + ": loss " + loss + ", accuracy 100.0% (100/100)\n", eval);
    }

    static String csv(Dataset d, boolean labels) {
        StringBuilder b = new StringBuilder(labels ? "x0,x1,label\n" : "x0,x1\n");
        for (int i = 0; i < d.size(); i++) {
            b.append(d.x()[2 * i]).append(',').append(d.x()[2 * i + 1]);
            if (labels) b.append(',').append((int) d.y()[i]);
            b.append('\n');
        }
        return b.toString();
    }

    /** Spirals by its recipe; the held-out set (the recipe's, drawn with seed 2) through eval, and through predict as CSV, .npy and standard input. */
    @Test
    void spiralsEvalAndPredictAgreeWithTraining(@TempDir Path tmp) throws IOException {
        Path params = tmp.resolve("Spirals.npz");
        String train = MoonsSampleTest.run(0, "train", SPIRALS.toString(), "--save", params.toString());
        String testAccuracy = group(train, "test loss [0-9.]+, accuracy ([0-9.]+% \\(\\d+/300\\))");
        String testLoss = group(train, "test loss ([0-9.]+), accuracy");
        assertTrue(Double.parseDouble(testAccuracy.substring(0, testAccuracy.indexOf('%'))) >= 95, train);

        String eval = run(InputStream.nullInputStream(), "eval", SPIRALS.toString(), "--params", params.toString(), "--seed", "2");
        assertEquals("Spirals on spirals (300 examples), parameters " + params + ": loss " + testLoss + ", accuracy " + testAccuracy + "\n", eval);

        Dataset test = Datasets.spirals(300, 3, 0.2, 2);
        Path data = Files.writeString(tmp.resolve("new.csv"), csv(test, false));
        Path predictions = tmp.resolve("predictions.csv");
        run(InputStream.nullInputStream(), "predict", SPIRALS.toString(), "--params", params.toString(), "--data", data.toString(),
                "-o", predictions.toString());
        List<String> rows = Files.readAllLines(predictions);
        assertEquals("class,probability_0,probability_1,probability_2,predictedClass", rows.get(0));
        assertEquals(301, rows.size());
        int correct = 0;
        for (int i = 0; i < 300; i++) {
            String[] v = rows.get(i + 1).split(",");
            int predicted = Integer.parseInt(v[0]);
            double p0 = Double.parseDouble(v[1]), p1 = Double.parseDouble(v[2]), p2 = Double.parseDouble(v[3]);
            assertEquals(1, p0 + p1 + p2, 1e-9, "probabilities of row " + i);
            double[] p = {p0, p1, p2};
            for (double q : p) assertTrue(q <= p[predicted], "the class has the largest probability, row " + i);
            assertEquals(predicted, (int) Double.parseDouble(v[4]), "the model's own argmax output agrees, row " + i);
            if (predicted == (int) test.y()[i]) correct++;
        }
        assertEquals(testAccuracy, String.format(Locale.ROOT, "%.1f%% (%d/300)", 100.0 * correct / 300, correct));

        // The same table as .npy, and from standard input (a label column is allowed and ignored) to standard output.
        Path npy = tmp.resolve("predictions.npy");
        run(InputStream.nullInputStream(), "predict", SPIRALS.toString(), "--params", params.toString(), "--data", data.toString(), "-o", npy.toString());
        NpyArray table;
        try (InputStream in = Files.newInputStream(npy)) {
            table = Npy.read(in, npy.toString());
        }
        assertArrayEquals(new int[] {300, 5}, table.shape());
        for (int i = 0; i < 300; i++) assertEquals(Double.parseDouble(rows.get(i + 1).split(",")[1]), table.doubles()[i * 5 + 1], 0.0);
        String piped = run(new ByteArrayInputStream(csv(test, true).getBytes(StandardCharsets.UTF_8)), "predict", SPIRALS.toString(),
                "--params", params.toString(), "--data", "-");
        assertEquals(String.join("\n", rows) + "\n", piped);
    }
}
