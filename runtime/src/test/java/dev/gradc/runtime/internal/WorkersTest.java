package dev.gradc.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkersTest {
    /** Split by columns or by rows, with or without an epilogue, the bits are those of one thread. */
    @ParameterizedTest(name = "{0}x{1}x{2} on {3} threads")
    @CsvSource({"70,130,600,2", "64,300,256,2", "256,64,128,3", "1024,20,300,2", "40,1000,120,3", "2000,1,600,2", "9,2000,64,3"})
    void splittingNeverChangesAResult(int m, int n, int k, int threads) {
        SplittableRandom rng = new SplittableRandom(m + 7L * n + 31L * k);
        try (Workers pool = new Workers(threads)) {
            assertEquals(threads, pool.threads());
            for (int o = 0; o < 8; o++) {
                boolean ta = (o & 1) != 0, tb = (o & 2) != 0, epilogue = (o & 4) != 0;
                float[] a = KernelCheck.random(rng, m * k + 1), b = KernelCheck.random(rng, k * n + 2), bias = KernelCheck.random(rng, n);
                float[] alone = new float[m * n + 3], split = new float[m * n + 3];
                Workers.multiplyBias(null, alone, 3, a, 1, ta, b, 2, tb, m, n, k, epilogue ? bias : null, 0, epilogue);
                for (int rep = 0; rep < 3; rep++) { // the helpers pick up job after job
                    java.util.Arrays.fill(split, Float.NaN);
                    split[0] = split[1] = split[2] = 0;
                    Workers.multiplyBias(pool, split, 3, a, 1, ta, b, 2, tb, m, n, k, epilogue ? bias : null, 0, epilogue);
                    assertArrayEquals(alone, split, (ta ? "T" : "N") + (tb ? "T" : "N") + (epilogue ? " with bias and ReLU" : ""));
                }
                double[] ad = KernelCheck.widen(a), bd = KernelCheck.widen(b), aloneD = new double[m * n], splitD = new double[m * n];
                Workers.multiplyBias(null, aloneD, 0, ad, 1, ta, bd, 2, tb, m, n, k, epilogue ? KernelCheck.widen(bias) : null, 0, epilogue);
                Workers.multiplyBias(pool, splitD, 0, ad, 1, ta, bd, 2, tb, m, n, k, epilogue ? KernelCheck.widen(bias) : null, 0, epilogue);
                assertArrayEquals(aloneD, splitD, "double");
            }
            float[] g = KernelCheck.random(rng, m * n), sumsAlone = new float[n], sumsSplit = new float[n];
            Workers.columnSums(null, sumsAlone, 0, g, 0, m, n);
            Workers.columnSums(pool, sumsSplit, 0, g, 0, m, n);
            assertArrayEquals(sumsAlone, sumsSplit, "column sums");
            double[] gd = KernelCheck.widen(g), dAlone = new double[n], dSplit = new double[n];
            Workers.columnSums(null, dAlone, 0, gd, 0, m, n);
            Workers.columnSums(pool, dSplit, 0, gd, 0, m, n);
            assertArrayEquals(dAlone, dSplit, "double column sums");
        }
    }

    /** The double epilogue against its definition: product, then + bias, then max(0, .). */
    @ParameterizedTest(name = "{0}x{1}x{2}")
    @CsvSource({"3,5,7", "16,1,9", "20,33,4"})
    void doubleEpilogueIsBiasThenRelu(int m, int n, int k) {
        SplittableRandom rng = new SplittableRandom(m * n * k);
        double[] a = KernelCheck.widen(KernelCheck.random(rng, m * k)), b = KernelCheck.widen(KernelCheck.random(rng, k * n));
        double[] bias = KernelCheck.widen(KernelCheck.random(rng, n + 2)), plain = new double[m * n], fused = new double[m * n];
        Workers.multiply(null, plain, 0, a, 0, false, b, 0, true, m, n, k);
        Workers.multiplyBias(null, fused, 0, a, 0, false, b, 0, true, m, n, k, bias, 2, true);
        for (int i = 0; i < m * n; i++) assertEquals(Math.max(0d, plain[i] + bias[2 + i % n]), fused[i], 0, "[" + i + "]");
        double[] sums = new double[n];
        Workers.columnSums(null, sums, 0, fused, 0, m, n);
        for (int j = 0; j < n; j++) {
            double s = 0;
            for (int i = 0; i < m; i++) s += fused[i * n + j];
            assertEquals(s, sums[j], 0, "column " + j);
        }
    }
}
