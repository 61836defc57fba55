package dev.gradc.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MatMulTest {
    /**
     * Shapes that hit every tile and tail: rows not a multiple of 4 or 6, columns not a multiple of
     * the vector, k over one block; the last three are large enough for the packed path (edges in
     * rows, columns and k; two column blocks; a single column).
     */
    @ParameterizedTest(name = "{0}x{1}x{2}")
    @CsvSource({"1,1,1", "3,5,7", "4,16,2", "100,16,16", "100,1,16", "5,33,300", "32,64,64", "7,10,513", "2,16,100", "13,48,257",
            "70,130,600", "64,300,256", "1200,1,4000"})
    void everyPathAgreesWithDoublePrecisionInEveryOrientation(int m, int n, int k) {
        assertTrue(MatMul.VECTOR, "tests run with --add-modules jdk.incubator.vector");
        SplittableRandom rng = new SplittableRandom(m * 31L + n * 7L + k);
        for (boolean ta : new boolean[] {false, true}) {
            for (boolean tb : new boolean[] {false, true}) {
                float[] a = random(rng, 3 + m * k), b = random(rng, 5 + k * n);
                double[] ad = widen(a), bd = widen(b), expected = new double[m * n + 2];
                MatMul.multiply(expected, 2, ad, 3, ta, bd, 5, tb, m, n, k, 0, m);
                float[] vector = new float[m * n + 2], plain = new float[m * n + 2], split = new float[m * n + 2];
                java.util.Arrays.fill(vector, Float.NaN); // C is overwritten, never read
                MatMul.multiply(vector, 2, a, 3, ta, b, 5, tb, m, n, k, 0, m);
                MatMul.plain(plain, 2, a, 3, ta, b, 5, tb, m, n, k, 0, m);
                int mid = m / 2;
                MatMul.multiply(split, 2, a, 3, ta, b, 5, tb, m, n, k, 0, mid);
                MatMul.multiply(split, 2, a, 3, ta, b, 5, tb, m, n, k, mid, m);
                for (int i = 2; i < m * n + 2; i++) {
                    double tol = 1e-5 * k;
                    String at = (ta ? "T" : "N") + (tb ? "T" : "N") + " [" + (i - 2) + "]";
                    assertEquals(expected[i], vector[i], tol, "vector " + at);
                    assertEquals(expected[i], plain[i], tol, "plain " + at);
                    // Workers never splits a single column, which the vector path computes transposed
                    if (n > 1) assertEquals(vector[i], split[i], 0, "row split " + at);
                }
            }
        }
    }

    private static float[] random(SplittableRandom rng, int size) {
        float[] out = new float[size];
        for (int i = 0; i < size; i++) out[i] = (float) rng.nextDouble(-1, 1);
        return out;
    }

    private static double[] widen(float[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) out[i] = x[i];
        return out;
    }
}
