package dev.gradc.runtime;

import dev.gradc.runtime.internal.Rng;

/** Synthetic data sets, generated from a seed with {@link Rng} so they are the same everywhere. */
public final class Datasets {
    private Datasets() {}

    /**
     * Two interleaving half circles, distributed like scikit-learn's
     * {@code make_moons(n_samples=n, shuffle=True, noise=noise)} (not the same numbers: a different
     * generator). The first {@code n/2} points are the outer moon {@code (cos t, sin t)}, label 0; the
     * rest the inner moon {@code (1 - cos t, 0.5 - sin t)}, label 1; {@code t} is evenly spaced over
     * {@code [0, pi]} in each. The rows are shuffled, then every coordinate gets gaussian noise of
     * standard deviation {@code noise}. The shuffle comes first, as in scikit-learn, so the order of
     * examples for a seed does not depend on {@code noise}.
     *
     * @param n points
     * @param noise standard deviation of the noise, at least 0
     * @param seed the generator's seed
     * @return {@code n} points with 2 features, labels 0 and 1
     * @throws IllegalArgumentException if {@code n} or {@code noise} is out of range
     */
    public static Dataset moons(int n, double noise, long seed) {
        if (n < 0) throw new IllegalArgumentException("n must be non-negative: " + n);
        if (!(noise >= 0 && noise < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("noise must be finite and non-negative: " + noise);
        }
        int nOut = n / 2, nIn = n - nOut;
        double[] x = new double[2 * n], y = new double[n];
        for (int i = 0; i < nOut; i++) {
            double t = linspace(i, nOut);
            x[2 * i] = Math.cos(t);
            x[2 * i + 1] = Math.sin(t);
        }
        for (int i = 0; i < nIn; i++) {
            double t = linspace(i, nIn);
            int r = nOut + i;
            x[2 * r] = 1 - Math.cos(t);
            x[2 * r + 1] = 1 - Math.sin(t) - 0.5;
            y[r] = 1;
        }
        Rng rng = new Rng(seed);
        for (int i = n - 1; i > 0; i--) { // Fisher-Yates
            int j = rng.nextInt(i + 1);
            swap(x, 2 * i, 2 * j);
            swap(x, 2 * i + 1, 2 * j + 1);
            swap(y, i, j);
        }
        if (noise > 0) for (int k = 0; k < x.length; k++) x[k] += noise * rng.gaussian();
        return new Dataset("moons", n, 2, x, y);
    }

    /**
     * Two concentric circles, distributed like scikit-learn's {@code make_circles(n_samples=n,
     * shuffle=True, noise=noise, factor=factor)}: the outer circle (radius 1, label 0) and the inner
     * (radius {@code factor}, label 1), points evenly spaced in angle; shuffled, then noise added.
     *
     * @param n points
     * @param noise standard deviation of the noise, at least 0
     * @param factor the inner circle's radius, between 0 and 1
     * @param seed the generator's seed
     * @return {@code n} points with 2 features, labels 0 and 1
     * @throws IllegalArgumentException if an argument is out of range
     */
    public static Dataset circles(int n, double noise, double factor, long seed) {
        checkNoise(n, noise);
        if (!(factor > 0 && factor < 1)) throw new IllegalArgumentException("factor must be in (0, 1): " + factor);
        int nOut = n / 2, nIn = n - nOut;
        double[] x = new double[2 * n], y = new double[n];
        for (int i = 0; i < n; i++) {
            boolean inner = i >= nOut;
            int k = inner ? i - nOut : i, count = inner ? nIn : nOut;
            double t = 2 * Math.PI * k / count, radius = inner ? factor : 1;
            x[2 * i] = radius * Math.cos(t);
            x[2 * i + 1] = radius * Math.sin(t);
            y[i] = inner ? 1 : 0;
        }
        shuffleAndNoise(x, y, noise, new Rng(seed));
        return new Dataset("circles", n, 2, x, y);
    }

    /**
     * The classic spiral of CS231n: {@code classes} arms of about {@code n/classes} points each;
     * in arm j the radius grows linearly from 0 to 1 while the angle runs over [4j, 4(j+1)] radians
     * plus gaussian noise of standard deviation {@code noise} (0.2 in the original); label j.
     *
     * @param n points in all
     * @param classes arms
     * @param noise standard deviation of the angle's noise
     * @param seed the generator's seed
     * @return the points with 2 features, labels 0 to {@code classes - 1}
     * @throws IllegalArgumentException if an argument is out of range
     */
    public static Dataset spirals(int n, int classes, double noise, long seed) {
        checkNoise(n, noise);
        if (classes < 2) throw new IllegalArgumentException("spirals need at least 2 classes, got " + classes);
        Rng rng = new Rng(seed);
        double[] x = new double[2 * n], y = new double[n];
        int row = 0;
        for (int j = 0; j < classes; j++) {
            int count = n / classes + (j < n % classes ? 1 : 0);
            for (int i = 0; i < count; i++, row++) {
                double r = count == 1 ? 0 : (double) i / (count - 1);
                double t = 4 * j + 4.0 * (count == 1 ? 0 : (double) i / (count - 1)) + noise * rng.gaussian();
                x[2 * row] = r * Math.sin(t);
                x[2 * row + 1] = r * Math.cos(t);
                y[row] = j;
            }
        }
        shuffleAndNoise(x, y, 0, rng);
        return new Dataset("spirals", n, 2, x, y);
    }

    /**
     * A smooth regression target of {@code features} inputs uniform in [-1, 1]:
     * {@code y = mean over i of sin(2 x_i + i)}, plus gaussian noise of standard deviation {@code noise}.
     *
     * @param n examples
     * @param features inputs per example
     * @param noise standard deviation of the target's noise
     * @param seed the generator's seed
     * @return {@code n} examples, the target as label
     * @throws IllegalArgumentException if an argument is out of range
     */
    public static Dataset regression(int n, int features, double noise, long seed) {
        checkNoise(n, noise);
        if (features < 1) throw new IllegalArgumentException("features must be at least 1, got " + features);
        Rng rng = new Rng(seed);
        double[] x = new double[n * features], y = new double[n];
        for (int r = 0; r < n; r++) {
            double sum = 0;
            for (int i = 0; i < features; i++) {
                double v = x[r * features + i] = rng.uniform(-1, 1);
                sum += Math.sin(2 * v + i);
            }
            y[r] = sum / features + noise * rng.gaussian();
        }
        return new Dataset("regression", n, features, x, y);
    }

    private static void checkNoise(int n, double noise) {
        if (n < 0) throw new IllegalArgumentException("n must be non-negative: " + n);
        if (!(noise >= 0 && noise < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("noise must be finite and non-negative: " + noise);
        }
    }

    /** Fisher-Yates over the rows of 2-feature data, then gaussian noise on every coordinate. */
    private static void shuffleAndNoise(double[] x, double[] y, double noise, Rng rng) {
        for (int i = y.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            swap(x, 2 * i, 2 * j);
            swap(x, 2 * i + 1, 2 * j + 1);
            swap(y, i, j);
        }
        if (noise > 0) for (int k = 0; k < x.length; k++) x[k] += noise * rng.gaussian();
    }

    /** Where Debian's dataset-fashion-mnist package installs its IDX files. */
    public static final java.nio.file.Path FASHION_MNIST = java.nio.file.Path.of("/usr/share/datasets/fashion-mnist");

    /**
     * Fashion-MNIST's training set (60,000 images) from {@link #FASHION_MNIST}.
     *
     * @return 60,000 images of 784 features in [0, 1], labels 0 to 9
     * @throws java.io.IOException if the files cannot be read (not installed: {@link java.nio.file.NoSuchFileException})
     */
    public static Dataset fashionMnistTrain() throws java.io.IOException {
        return fashionMnistTrain(DType.FLOAT64);
    }

    /**
     * Fashion-MNIST's training set, its features held in {@code precision} (float32: half the memory).
     *
     * @param precision how the features are held
     * @return 60,000 images of 784 features in [0, 1], labels 0 to 9
     * @throws java.io.IOException if the files cannot be read (not installed: {@link java.nio.file.NoSuchFileException})
     */
    public static Dataset fashionMnistTrain(DType precision) throws java.io.IOException {
        return Idx.read(FASHION_MNIST.resolve("train-images-idx3-ubyte.gz"), FASHION_MNIST.resolve("train-labels-idx1-ubyte.gz"), precision)
                .named("fashion-mnist");
    }

    /**
     * Fashion-MNIST's test set (10,000 images) from {@link #FASHION_MNIST}.
     *
     * @return 10,000 images of 784 features in [0, 1], labels 0 to 9
     * @throws java.io.IOException if the files cannot be read (not installed: {@link java.nio.file.NoSuchFileException})
     */
    public static Dataset fashionMnistTest() throws java.io.IOException {
        return fashionMnistTest(DType.FLOAT64);
    }

    /**
     * Fashion-MNIST's test set, its features held in {@code precision}.
     *
     * @param precision how the features are held
     * @return 10,000 images of 784 features in [0, 1], labels 0 to 9
     * @throws java.io.IOException if the files cannot be read (not installed: {@link java.nio.file.NoSuchFileException})
     */
    public static Dataset fashionMnistTest(DType precision) throws java.io.IOException {
        return Idx.read(FASHION_MNIST.resolve("t10k-images-idx3-ubyte.gz"), FASHION_MNIST.resolve("t10k-labels-idx1-ubyte.gz"), precision)
                .named("fashion-mnist test");
    }

    /** The i-th of n points of {@code np.linspace(0, pi, n)}: i * step, with the last exactly pi. */
    private static double linspace(int i, int n) {
        if (n == 1) return 0;
        return i == n - 1 ? Math.PI : i * (Math.PI / (n - 1));
    }

    private static void swap(double[] a, int i, int j) {
        double t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
