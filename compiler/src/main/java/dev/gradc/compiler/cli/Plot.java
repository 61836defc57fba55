package dev.gradc.compiler.cli;

import dev.gradc.runtime.Training;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code --plot run.png}: the loss (training, and the test set's when there is one) against steps or
 * epochs, and below it the accuracy or mse where they were measured, drawn with XChart (a CLI
 * dependency only: the runtime has none). Always {@link #WIDTH} by {@link #HEIGHT} pixels.
 */
final class Plot {
    static final int WIDTH = 800, HEIGHT = 600;

    private Plot() {}

    static void write(Path file, String model, List<Training.Record> rows, String metric, boolean byEpochs) throws IOException {
        System.setProperty("java.awt.headless", "true"); // no display is needed to draw into an image
        BufferedImage image;
        try {
            image = draw(model, rows, metric, byEpochs);
        } catch (RuntimeException | java.awt.AWTError e) { // a JDK without fonts, say: the run's results are saved already
            throw new IOException("drawing failed (" + e + ")", e);
        }
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            if (!ImageIO.write(image, "png", tmp.toFile())) throw new IOException("no PNG writer in this JDK");
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static BufferedImage draw(String model, List<Training.Record> rows, String metric, boolean byEpochs) {
        String x = byEpochs ? "epoch" : "step";
        ToDoubleFunction<Training.Record> at = byEpochs ? Training.Record::epoch : Training.Record::step;
        boolean metrics = rows.stream().anyMatch(r -> !Double.isNaN(r.metric()) || !Double.isNaN(r.testMetric()));
        int top = metrics ? HEIGHT / 2 : HEIGHT;
        XYChart loss = chart(model + ": loss", x, "loss", top);
        add(loss, "training" + (byEpochs ? " (mean over the epoch)" : " (batch)"), rows, at, Training.Record::loss, false);
        add(loss, "test", rows, at, Training.Record::testLoss, true);
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, HEIGHT);
            g.drawImage(BitmapEncoder.getBufferedImage(loss), 0, 0, null);
            if (metrics) {
                XYChart m = chart(model + ": " + metric, x, metric, HEIGHT - top);
                add(m, "training", rows, at, Training.Record::metric, true);
                add(m, "test", rows, at, Training.Record::testMetric, true);
                g.drawImage(BitmapEncoder.getBufferedImage(m), 0, top, null);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private static XYChart chart(String title, String x, String y, int height) {
        XYChart c = new XYChartBuilder().width(WIDTH).height(height).title(title).xAxisTitle(x).yAxisTitle(y).build();
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        return c;
    }

    /** One series of the values measured (not NaN); none when there are none. */
    private static void add(XYChart chart, String name, List<Training.Record> rows, ToDoubleFunction<Training.Record> x,
                            ToDoubleFunction<Training.Record> y, boolean markers) {
        List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
        for (Training.Record r : rows) {
            double v = y.applyAsDouble(r);
            if (Double.isFinite(v)) {
                xs.add(x.applyAsDouble(r));
                ys.add(v);
            }
        }
        if (xs.isEmpty()) return;
        XYSeries s = chart.addSeries(name, xs, ys);
        s.setMarker(markers && xs.size() <= 50 ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
    }
}
