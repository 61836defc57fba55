package dev.gradc.runtime;

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
