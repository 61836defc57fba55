package dev.gradc.example;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradc.runtime.Csv;
import dev.gradc.runtime.Dataset;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppTest {
    @Test
    void reloadedTrainerPredictsLikeTheOriginal(@TempDir Path tmp) throws Exception {
        Dataset moons = Csv.read(Path.of("data/moons.csv"));
        MoonClassifierModel model = App.train(moons, 3, line -> { });
        assertTrue(App.accuracy(model, moons) > 0.95, "the classifier learned the moons");
        float[] expected = model.predictedClass().clone();
        float[] logits = model.logits().clone();

        model.saveParams(tmp.resolve("p.npz"));
        MoonClassifierModel restored = new MoonClassifier(moons.size());
        restored.loadParams(tmp.resolve("p.npz"));
        restored.setPoint(App.floats(moons.x()));
        assertArrayEquals(logits, restored.logits());
        assertArrayEquals(expected, restored.predictedClass());
    }
}
