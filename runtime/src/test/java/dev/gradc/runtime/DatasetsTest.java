package dev.gradc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Comparator;
import org.junit.jupiter.api.Test;

class DatasetsTest {
    @Test
    void deterministicForASeed() {
        assertEquals(Datasets.moons(100, 0.1, 42), Datasets.moons(100, 0.1, 42));
        assertNotEquals(Datasets.moons(100, 0.1, 42), Datasets.moons(100, 0.1, 43));
    }

    @Test
    void labelsAreBalancedAndShuffled() {
        Dataset d = Datasets.moons(101, 0.1, 1);
        assertEquals(101, d.size());
        assertEquals(2, d.features());
        assertEquals(2, d.classes());
        assertEquals(50, Arrays.stream(d.y()).filter(v -> v == 0).count(), "n/2 outer points, label 0");
        assertEquals(51, Arrays.stream(d.y()).filter(v -> v == 1).count(), "the rest inner, label 1");
        assertNotEquals(0.0, d.y()[0] + d.y()[1] + d.y()[2] + d.y()[3] + d.y()[4] - 5 * d.y()[0], "not sorted by label");
    }

    @Test
    void withoutNoiseThePointsAreExactlyTheTwoArcs() {
        int n = 11, nOut = 5, nIn = 6;
        Dataset d = Datasets.moons(n, 0, 3);
        double[][] expected = new double[n][];
        for (int i = 0; i < nOut; i++) {
            double t = Math.PI * i / (nOut - 1);
            expected[i] = new double[] {Math.cos(t), Math.sin(t), 0};
        }
        for (int i = 0; i < nIn; i++) {
            double t = Math.PI * i / (nIn - 1);
            expected[nOut + i] = new double[] {1 - Math.cos(t), 1 - Math.sin(t) - 0.5, 1};
        }
        double[][] actual = new double[n][];
        for (int i = 0; i < n; i++) actual[i] = new double[] {d.x()[2 * i], d.x()[2 * i + 1], d.y()[i]};
        Comparator<double[]> order = Comparator.<double[]>comparingDouble(r -> r[2]).thenComparingDouble(r -> r[0]);
        Arrays.sort(expected, order);
        Arrays.sort(actual, order);
        for (int i = 0; i < n; i++) assertArrayEquals(expected[i], actual[i], 1e-15, "point " + i);

        Dataset big = Datasets.moons(1000, 0, 5);
        for (int i = 0; i < big.size(); i++) {
            double x = big.x()[2 * i], y = big.x()[2 * i + 1];
            if (big.y()[i] == 0) {
                assertEquals(1, x * x + y * y, 1e-12, "outer arc: unit circle");
                assertTrue(y >= 0, "outer arc: upper half");
            } else {
                assertEquals(1, (x - 1) * (x - 1) + (y - 0.5) * (y - 0.5), 1e-12, "inner arc: circle around (1, 0.5)");
                assertTrue(y <= 0.5 + 1e-12, "inner arc: lower half");
            }
        }
    }

    @Test
    void noiseIsGaussianWithTheGivenStd() {
        int n = 20000;
        Dataset clean = Datasets.moons(n, 0, 7), noisy = Datasets.moons(n, 0.1, 7);
        // The shuffle comes before the noise, so the same seed gives the same rows in the same order.
        assertArrayEquals(clean.y(), noisy.y());
        double sum = 0, sq = 0;
        for (int k = 0; k < 2 * n; k++) {
            double e = noisy.x()[k] - clean.x()[k];
            sum += e;
            sq += e * e;
        }
        double mean = sum / (2 * n), std = Math.sqrt(sq / (2 * n) - mean * mean);
        assertEquals(0, mean, 0.003);
        assertEquals(0.1, std, 0.003);

        // Means of the whole set: x is 0 on the outer arc and 1 on the inner; y is 2/pi and 1/2 - 2/pi.
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++) {
            mx += noisy.x()[2 * i] / n;
            my += noisy.x()[2 * i + 1] / n;
        }
        assertEquals(0.5, mx, 0.01);
        assertEquals(0.25, my, 0.01);
    }

    @Test
    void smallAndBadSizes() {
        assertEquals(0, Datasets.moons(0, 0.1, 1).size());
        Dataset one = Datasets.moons(1, 0, 1);
        assertArrayEquals(new double[] {0, 0.5}, one.x(), "sklearn: one point, on the inner arc at t = 0");
        assertArrayEquals(new double[] {1}, one.y());
        assertThrows(IllegalArgumentException.class, () -> Datasets.moons(-1, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> Datasets.moons(10, -0.1, 1));
        assertThrows(IllegalArgumentException.class, () -> Datasets.moons(10, Double.NaN, 1));
    }

    @Test
    void datasetValidatesAndCountsClasses() {
        assertThrows(IllegalArgumentException.class, () -> new Dataset("d", 2, 2, new double[3], new double[2]));
        assertThrows(IllegalArgumentException.class, () -> new Dataset("d", 2, 2, new double[4], new double[1]));
        Dataset d = new Dataset("d", 3, 1, new double[] {1, 2, 3}, new double[] {0, 4, 2});
        assertEquals(5, d.classes());
        assertArrayEquals(new double[] {2}, d.row(1));
        Dataset r = new Dataset("r", 1, 1, new double[] {1}, new double[] {0.5});
        assertThrows(IllegalStateException.class, r::classes);
        assertEquals("d (3 examples, 1 features)", d.toString());
    }

    @Test
    void aSetOfFloatsReadsAsTheSameValuesAndEqualsItsDoubles() {
        double[] wide = {0.1, -2, 0.3, 4};
        float[] narrow = {0.1f, -2f, 0.3f, 4f};
        Dataset floats = Dataset.ofFloats("d", 2, 2, narrow, new double[] {1, 0});
        assertThrows(IllegalArgumentException.class, () -> Dataset.ofFloats("d", 2, 2, new float[3], new double[2]));
        assertArrayEquals(new double[] {0.3f, 4f}, floats.row(1));
        assertArrayEquals(new double[] {0.1f, -2f, 0.3f, 4f}, floats.x());
        float[] row = new float[3];
        new Dataset("d", 2, 2, wide, new double[] {1, 0}).copyRow(1, row, 1);
        assertArrayEquals(new float[] {0, 0.3f, 4f}, row);
        floats.copyRow(0, row, 0);
        assertArrayEquals(new float[] {0.1f, -2f, 4f}, row);
        assertThrows(IndexOutOfBoundsException.class, () -> floats.copyRow(2, new float[2], 0));
        assertThrows(IndexOutOfBoundsException.class, () -> floats.copyRow(0, new float[2], 1));
        Dataset widened = new Dataset("d", 2, 2, floats.x(), new double[] {1, 0});
        assertEquals(widened, floats);
        assertEquals(widened.hashCode(), floats.hashCode());
        assertNotEquals(new Dataset("d", 2, 2, wide, new double[] {1, 0}), floats); // 0.1 is not 0.1f
        assertEquals("e", floats.named("e").name());
        assertTrue(floats.named("e").floatFeatures());
    }

    @org.junit.jupiter.api.Test
    void circlesHaveTwoRadii() {
        Dataset d = Datasets.circles(200, 0, 0.5, 3);
        for (int i = 0; i < d.size(); i++) {
            double r = Math.hypot(d.x()[2 * i], d.x()[2 * i + 1]);
            org.junit.jupiter.api.Assertions.assertEquals(d.y()[i] == 0 ? 1.0 : 0.5, r, 1e-12);
        }
        org.junit.jupiter.api.Assertions.assertEquals(2, d.classes());
        org.junit.jupiter.api.Assertions.assertArrayEquals(Datasets.circles(50, 0.1, 0.8, 9).x(), Datasets.circles(50, 0.1, 0.8, 9).x());
    }

    @org.junit.jupiter.api.Test
    void spiralsHaveBalancedArmsOfGrowingRadius() {
        Dataset d = Datasets.spirals(301, 3, 0.2, 5);
        int[] count = new int[3];
        for (int i = 0; i < d.size(); i++) {
            count[(int) d.y()[i]]++;
            org.junit.jupiter.api.Assertions.assertTrue(Math.hypot(d.x()[2 * i], d.x()[2 * i + 1]) <= 1 + 1e-12);
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(new int[] {101, 100, 100}, count);
        org.junit.jupiter.api.Assertions.assertArrayEquals(Datasets.spirals(30, 3, 0.2, 1).y(), Datasets.spirals(30, 3, 0.2, 1).y());
    }
}
