package dev.gradc.example;

import dev.gradc.runtime.Csv;
import dev.gradc.runtime.Dataset;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Trains the MoonClassifier model (compiled by gradc's Maven plugin) on a CSV data set, reports
 * progress and accuracy, saves a checkpoint, and reloads it into a fresh trainer to predict.
 */
public final class App {
    static final int STEPS = 300;

    public static void main(String[] args) throws IOException {
        Path data = Path.of(args.length > 0 ? args[0] : "data/moons.csv");
        Path checkpoint = Path.of(args.length > 1 ? args[1] : "target/moons.npz");
        Dataset moons = Csv.read(data);

        MoonClassifierModel model = train(moons, 1, line -> System.out.println(line));
        System.out.printf("training accuracy %.1f%%%n", 100 * accuracy(model, moons));
        model.saveParams(checkpoint);

        MoonClassifierModel restored = new MoonClassifier(moons.size());
        restored.loadParams(checkpoint);
        System.out.printf("reloaded from %s: accuracy %.1f%%%n", checkpoint, 100 * accuracy(restored, moons));
    }

    /** Full-batch training: the typed setters take the data, step() does the rest. */
    static MoonClassifierModel train(Dataset d, long seed, java.util.function.Consumer<String> progress) {
        MoonClassifierModel model = new MoonClassifier(d.size(), seed);
        model.setPoint(floats(d.x()));
        model.setLabel(floats(d.y()));
        for (int step = 1; step <= STEPS; step++) {
            model.step();
            if (step % 100 == 0) progress.accept("step " + step + ": loss " + model.loss());
        }
        return model;
    }

    /** The share of points whose predicted class is their label. */
    static double accuracy(MoonClassifierModel model, Dataset d) {
        model.setPoint(floats(d.x()));
        float[] predicted = model.predictedClass();
        int correct = 0;
        for (int i = 0; i < d.size(); i++) if (predicted[i] == d.y()[i]) correct++;
        return (double) correct / d.size();
    }

    static float[] floats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) out[i] = (float) values[i];
        return out;
    }
}
