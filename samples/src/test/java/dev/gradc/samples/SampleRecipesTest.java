package dev.gradc.samples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradc.runtime.Datasets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each sample trained by its recipe (Model.train), as its README line shows, reaches its documented result. */
class SampleRecipesTest {
    static double number(String output, String pattern) {
        Matcher m = Pattern.compile(pattern).matcher(output);
        assertTrue(m.find(), "no match for " + pattern + " in:\n" + output);
        return Double.parseDouble(m.group(1));
    }

    static String train(Path tmp, String model) {
        return MoonsSampleTest.run(0, "train", MoonsSampleTest.SAMPLES.resolve(model).toString(), "--save", tmp.resolve("p.npz").toString());
    }

    @Test
    void spiralsClassifiesHeldOutPoints(@TempDir Path tmp) {
        String out = train(tmp, "spirals/Spirals.grad");
        assertTrue(number(out, "training loss .*test loss \\S+, accuracy ([0-9.]+)%") >= 95, out);
    }

    @Test
    void deepRegressionApproachesTheNoiseFloor(@TempDir Path tmp) {
        String out = train(tmp, "deep/Deep.grad");
        assertTrue(number(out, "training loss .*test loss \\S+, mse ([0-9.]+)") < 0.02, out); // the noise alone gives 0.01
    }

    /** Batch normalization trains the badly initialized deep network that stays at chance without it. */
    @Test
    void batchNormalizationTrainsWhatThePlainNetworkCannot(@TempDir Path tmp) {
        String pattern = "training loss .*test loss \\S+, accuracy ([0-9.]+)%";
        double plain = number(train(tmp, "batchnorm/DeepSpirals.grad"), pattern);
        String out = train(tmp, "batchnorm/DeepSpiralsBN.grad");
        double normalized = number(out, pattern);
        assertTrue(normalized >= 85 && normalized >= plain, "with batch normalization " + normalized + "%, without " + plain + "%\n" + out);
    }

    /** The full Fashion-MNIST recipe (about 90 s here); runs where Debian's dataset-fashion-mnist is installed, as in CI. */
    @Test
    void fashionMnistReachesItsTestAccuracy(@TempDir Path tmp) {
        Assumptions.assumeTrue(Files.isDirectory(Datasets.FASHION_MNIST), "dataset-fashion-mnist is not installed");
        String out = train(tmp, "fashion-mnist/FashionMnist.grad");
        assertTrue(number(out, "training loss .*test loss \\S+, accuracy ([0-9.]+)%") >= 87, out);
    }
}
