package dev.gradc.compiler.cli;

import dev.gradc.runtime.Training;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A run's history as a file: CSV (a header row, a value left empty where it was not measured) or
 * JSON Lines (one object per row, {@code null} where not measured). Columns: step, epoch, loss (the
 * step's batch loss, or the epoch's mean), the metric on the training set (accuracy 0 to 1, or mse),
 * the test set's loss and metric, the learning rate, and seconds since the run began.
 */
final class History {
    private History() {}

    enum Format { CSV, JSONL }

    static Optional<Format> formatOf(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) return Optional.of(Format.CSV);
        if (name.endsWith(".jsonl")) return Optional.of(Format.JSONL);
        return Optional.empty();
    }

    /** The column names, with {@code metric} ({@code accuracy} or {@code mse}) for the two metric columns. */
    static List<String> columns(String metric) {
        return List.of("step", "epoch", "loss", metric, "test_loss", "test_" + metric, "lr", "seconds");
    }

    /** Writes {@code rows} to {@code file} (through a temporary file renamed over it, so a reader never sees half a file). */
    static void write(Path file, List<Training.Record> rows, String metric) throws IOException {
        Format format = formatOf(file).orElseThrow(() -> new IllegalArgumentException("not .csv or .jsonl: " + file));
        List<String> names = columns(metric);
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
                if (format == Format.CSV) w.write(String.join(",", names) + "\n");
                for (Training.Record r : rows) {
                    double[] v = {r.step(), r.epoch(), r.loss(), r.metric(), r.testLoss(), r.testMetric(), r.learningRate(), r.seconds()};
                    StringBuilder b = new StringBuilder(format == Format.CSV ? "" : "{");
                    for (int i = 0; i < v.length; i++) {
                        if (i > 0) b.append(',');
                        String value = i < 2 ? Long.toString((long) v[i]) : number(v[i]);
                        if (format == Format.CSV) b.append(value == null ? "" : value);
                        else b.append('"').append(names.get(i)).append("\":").append(value == null ? "null" : value);
                    }
                    w.write(b.append(format == Format.CSV ? "\n" : "}\n").toString());
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Shortest text that reads back as the same double; null for a value not measured (NaN). */
    private static String number(double v) {
        return Double.isNaN(v) ? null : Double.isInfinite(v) ? null : Double.toString(v);
    }
}
