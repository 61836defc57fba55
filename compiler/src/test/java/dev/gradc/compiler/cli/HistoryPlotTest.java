package dev.gradc.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --history writes what the run did, per step or per epoch, in CSV or JSON Lines; --plot draws it as a PNG. */
class HistoryPlotTest {
    @TempDir
    Path tmp;

    static List<String[]> csv(Path file) throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file)) rows.add(line.split(",", -1));
        return rows;
    }

    @Test
    void perStepCsvWithMetricsAtTheProgressPoints() throws IOException {
        Path model = Files.writeString(tmp.resolve("Tiny.grad"), CliTest.TINY);
        Path history = tmp.resolve("run.csv"), plot = tmp.resolve("run.png");
        CliTest.Run r = CliTest.gradc("train", model.toString(), "--steps", "12", "--print-every", "5", "--lr", "0.1", "--lr-schedule", "linear",
                "--lr-end", "0.01", "--labels", "signed", "--test-data", "moons", "--history", history.toString(), "--plot", plot.toString(),
                "--save", tmp.resolve("p.npz").toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("wrote the history to " + history + " (12 rows, per step)"), r.out());
        assertTrue(r.out().contains("wrote the plot to " + plot), r.out());
        List<String[]> rows = csv(history);
        assertEquals(List.of("step", "epoch", "loss", "accuracy", "test_loss", "test_accuracy", "lr", "seconds"), List.of(rows.get(0)));
        assertEquals(13, rows.size());
        double lastSeconds = 0;
        for (int i = 1; i <= 12; i++) {
            String[] row = rows.get(i);
            assertEquals(Integer.toString(i), row[0]);
            assertEquals(Integer.toString(i), row[1]); // the whole set is one batch: each step is an epoch
            assertTrue(Double.parseDouble(row[2]) > 0, "loss");
            boolean measured = i == 1 || i % 5 == 0 || i == 12;
            assertEquals(measured, !row[3].isEmpty(), "training accuracy at step " + i);
            assertEquals(measured, !row[4].isEmpty(), "test loss at step " + i);
            if (measured) assertTrue(Double.parseDouble(row[3]) >= 0 && Double.parseDouble(row[3]) <= 1);
            // The linear schedule from 0.1 to 0.01 over 12 steps, as LearningRate computes it.
            assertEquals(dev.gradc.runtime.LearningRate.linear(0.1, 0.01, 12).at(i - 1), Double.parseDouble(row[6]), 0.0);
            double seconds = Double.parseDouble(row[7]);
            assertTrue(seconds >= lastSeconds, "time runs forward");
            lastSeconds = seconds;
        }
        // The measured last row is the summary's: same training accuracy.
        Matcher m = Pattern.compile("training accuracy ([0-9.]+)%").matcher(r.out());
        assertTrue(m.find(), r.out());
        assertEquals(Double.parseDouble(m.group(1)), 100 * Double.parseDouble(rows.get(12)[3]), 0.05);

        BufferedImage image = ImageIO.read(plot.toFile());
        assertNotNull(image, "a PNG ImageIO decodes");
        assertEquals(Plot.WIDTH, image.getWidth());
        assertEquals(Plot.HEIGHT, image.getHeight());
        assertTrue(distinctColors(image) > 3, "something is drawn");
    }

    static int distinctColors(BufferedImage image) {
        java.util.Set<Integer> colors = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) for (int x = 0; x < image.getWidth(); x += 3) colors.add(image.getRGB(x, y));
        return colors.size();
    }

    @Test
    void perEpochJsonLines() throws IOException {
        Path model = TrainDataTest.model(tmp, 2, 2);
        Path history = tmp.resolve("run.jsonl");
        CliTest.Run r = CliTest.gradc("train", model.toString(), "--data", "circles", "--test-data", "circles", "--samples", "40",
                "--epochs", "3", "--batch", "16", "--print-every", "3", "--lr", "0.05", "--history", history.toString(), "--plot", tmp.resolve("e.png").toString(),
                "--save", tmp.resolve("p.npz").toString());
        assertEquals(0, r.exit(), r.err());
        List<String> lines = Files.readAllLines(history);
        assertEquals(3, lines.size(), String.join("\n", lines));
        Pattern row = Pattern.compile("\\{\"step\":(\\d+),\"epoch\":(\\d+),\"loss\":([^,]+),\"accuracy\":([^,]+),\"test_loss\":([^,]+),"
                + "\"test_accuracy\":([^,]+),\"lr\":([^,]+),\"seconds\":([^,}]+)\\}");
        for (int e = 1; e <= 3; e++) {
            Matcher m = row.matcher(lines.get(e - 1));
            assertTrue(m.matches(), lines.get(e - 1));
            assertEquals(3 * e, Integer.parseInt(m.group(1))); // 40 examples in batches of 16: 3 steps an epoch
            assertEquals(e, Integer.parseInt(m.group(2)));
            assertTrue(Double.parseDouble(m.group(3)) > 0);
            // The test set is measured at the printed epochs (the first, every third) and the last; the training set at the end.
            assertEquals(e != 2, !m.group(5).equals("null"), "test loss of epoch " + e);
            assertEquals(e == 3, !m.group(4).equals("null"), "training accuracy of epoch " + e);
            assertEquals(0.05, Double.parseDouble(m.group(7)), 0.0);
        }
        BufferedImage image = ImageIO.read(tmp.resolve("e.png").toFile());
        assertEquals(Plot.WIDTH, image.getWidth());
        assertEquals(Plot.HEIGHT, image.getHeight());
    }

    @Test
    void badNamesAreRefusedBeforeTraining() throws IOException {
        Path model = Files.writeString(tmp.resolve("Tiny.grad"), CliTest.TINY);
        CliTest.Run h = CliTest.gradc("train", model.toString(), "--history", tmp.resolve("run.txt").toString());
        assertEquals(2, h.exit());
        assertEquals("gradc: --history " + tmp.resolve("run.txt") + ": the name must end in .csv or .jsonl\n", h.err());
        CliTest.Run p = CliTest.gradc("train", model.toString(), "--plot", tmp.resolve("run.jpg").toString());
        assertEquals(2, p.exit());
        assertEquals("gradc: --plot " + tmp.resolve("run.jpg") + ": the name must end in .png\n", p.err());
        Path missing = tmp.resolve("no/such/run.csv");
        CliTest.Run d = CliTest.gradc("train", model.toString(), "--history", missing.toString(), "--save", tmp.resolve("p.npz").toString());
        assertEquals(1, d.exit());
        assertEquals("gradc: cannot write the history to " + missing + ": directory " + missing.getParent() + " does not exist\n", d.err());
        assertFalse(d.out().contains("training on"), d.out());
    }
}
