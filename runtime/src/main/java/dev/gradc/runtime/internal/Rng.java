package dev.gradc.runtime.internal;

/**
 * A small seeded random generator (SplitMix64) whose sequence is fixed by this file alone, so that
 * initial weights and synthetic data sets are identical on every JDK and machine.
 */
public final class Rng {
    private long state;
    private double spareGaussian;
    private boolean hasSpare;

    /**
     * A generator whose sequence the seed fixes.
     *
     * @param seed the seed
     */
    public Rng(long seed) {
        this.state = seed;
    }

    /**
     * The generator's whole state as four doubles (each exact: two 32-bit halves, a flag, a double), for checkpoints.
     *
     * @return the state, to give to {@link #restoreState}
     */
    public double[] saveState() {
        return new double[] {state >>> 32, state & 0xFFFFFFFFL, hasSpare ? 1 : 0, spareGaussian};
    }

    /**
     * Continues exactly where the generator that gave {@code saved} (from {@link #saveState}) stood.
     *
     * @param saved what {@link #saveState} returned
     * @throws IllegalArgumentException if it is not four numbers
     */
    public void restoreState(double[] saved) {
        if (saved.length != 4) throw KernelText.generatorState(saved.length);
        state = ((long) saved[0] << 32) | (long) saved[1];
        hasSpare = saved[2] != 0;
        spareGaussian = saved[3];
    }

    /**
     * The next 64 bits of SplitMix64.
     *
     * @return 64 random bits
     */
    public long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Uniform in [0, 1) with 53 random bits.
     *
     * @return a double in [0, 1)
     */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /**
     * Uniform in [low, high).
     *
     * @param low the lower bound, included
     * @param high the upper bound, excluded
     * @return a double in [low, high)
     */
    public double uniform(double low, double high) {
        return low + (high - low) * nextDouble();
    }

    /**
     * Uniform integer in [0, bound).
     *
     * @param bound the upper bound, excluded, positive
     * @return an int in [0, bound)
     * @throws IllegalArgumentException if {@code bound} is not positive
     */
    public int nextInt(int bound) {
        if (bound <= 0) throw KernelText.nonPositiveBound(bound);
        return (int) ((nextLong() >>> 33) % bound);
    }

    /**
     * Standard normal, by the polar Box-Muller method (deterministic given the seed).
     *
     * @return a standard normal draw
     */
    public double gaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spareGaussian;
        }
        double u, v, s;
        do {
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double scale = Math.sqrt(-2 * Math.log(s) / s);
        spareGaussian = v * scale;
        hasSpare = true;
        return u * scale;
    }
}
