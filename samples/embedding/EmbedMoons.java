import dev.gradc.runtime.Dataset;
import dev.gradc.runtime.Datasets;
import java.nio.file.Path;

/** Trains the compiled Moons class with only the gradc runtime on the classpath. */
public class EmbedMoons {
    public static void main(String[] args) throws Exception {
        Dataset data = Datasets.moons(100, 0.1, 1);        // 100 points: x is 100x2, labels 0/1
        float[] x = new float[200], y = new float[100];
        for (int i = 0; i < 200; i++) x[i] = (float) data.x()[i];
        for (int i = 0; i < 100; i++) y[i] = data.y()[i] > 0 ? 1 : -1;

        Moons model = new Moons(100, 1);                    // batches of up to 100, weights seed 1
        model.setX(x);
        model.setY(y);
        for (int k = 0; k < 100; k++) {
            model.setLearningRate(1.0 - 0.9 * k / 100);
            model.step();                                   // forward, backward, SGD: no allocation
        }
        float[] score = model.predict();                    // one score per point
        int correct = 0;
        for (int i = 0; i < 100; i++) if ((score[i] > 0) == (y[i] > 0)) correct++;
        System.out.printf("loss %.4f, accuracy %d%%%n", model.loss(), correct);
        model.saveParams(Path.of(args.length > 0 ? args[0] : "moons.npz"));
    }
}
