package dev.gradc.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Initializers: PyTorch's bounds and standard deviations, with fans of a [in, out] weight. */
class InitializerTest {
    static double[] draw(Initializer init, int[] shape, double... args) {
        int n = 1;
        for (int d : shape) n *= d;
        double[] out = new double[n];
        init.fill(out, shape, args, new Rng(3));
        return out;
    }

    static double std(double[] v) {
        double mean = 0, sq = 0;
        for (double x : v) mean += x / v.length;
        for (double x : v) sq += (x - mean) * (x - mean) / v.length;
        return Math.sqrt(sq);
    }

    static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) m = Math.max(m, Math.abs(x));
        return m;
    }

    @Test
    void xavierUniformBound() {
        double[] w = draw(Initializer.XAVIER_UNIFORM, new int[] {300, 100});
        double bound = Math.sqrt(6.0 / 400);
        assertTrue(maxAbs(w) <= bound && maxAbs(w) > 0.99 * bound, "max |w| " + maxAbs(w));
        assertEquals(bound / Math.sqrt(3), std(w), 0.01 * bound);
    }

    @Test
    void xavierNormalStd() {
        assertEquals(Math.sqrt(2.0 / 400), std(draw(Initializer.XAVIER_NORMAL, new int[] {300, 100})), 0.002);
    }

    @Test
    void heUsesFanInTheFirstDimension() {
        assertEquals(Math.sqrt(2.0 / 300), std(draw(Initializer.HE_NORMAL, new int[] {300, 100})), 0.002);
        double[] w = draw(Initializer.HE_UNIFORM, new int[] {300, 100});
        assertTrue(maxAbs(w) <= Math.sqrt(6.0 / 300));
    }

    @Test
    void receptiveFieldMultipliesBothFans() {
        assertEquals(Math.sqrt(2.0 / (4 * 50)), std(draw(Initializer.HE_NORMAL, new int[] {4, 50, 100})), 0.003);
    }

    @Test
    void fanInitializersNeedTwoDimensions() {
        assertThrows(IllegalArgumentException.class, () -> draw(Initializer.XAVIER_UNIFORM, new int[] {10}));
    }

    @Test
    void sameSeedSameValues() {
        assertArrayEquals(draw(Initializer.NORMAL, new int[] {5}, 0, 1), draw(Initializer.NORMAL, new int[] {5}, 0, 1));
        assertArrayEquals(new double[] {2, 2}, draw(Initializer.CONSTANT, new int[] {2}, 2));
    }
}
