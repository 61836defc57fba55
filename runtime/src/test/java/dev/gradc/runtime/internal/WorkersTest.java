package dev.gradc.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkersTest {
    /** Split by rows (small products) or by columns (packed ones), the bits are those of one thread. */
    @ParameterizedTest(name = "{0}x{1}x{2} on {3} threads")
    @CsvSource({"70,130,600,2", "64,300,256,2", "256,64,128,3", "1024,20,300,2", "40,1000,120,3"})
    void splittingNeverChangesAResult(int m, int n, int k, int threads) {
        SplittableRandom rng = new SplittableRandom(m + 7L * n + 31L * k);
        try (Workers pool = new Workers(threads)) {
            assertEquals(threads, pool.threads());
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    float[] a = new float[m * k + 1], b = new float[k * n + 2];
                    for (int i = 0; i < a.length; i++) a[i] = (float) rng.nextDouble(-1, 1);
                    for (int i = 0; i < b.length; i++) b[i] = (float) rng.nextDouble(-1, 1);
                    float[] alone = new float[m * n + 3], split = new float[m * n + 3];
                    Workers.multiply(null, alone, 3, a, 1, ta, b, 2, tb, m, n, k);
                    for (int rep = 0; rep < 3; rep++) { // the helpers pick up job after job
                        java.util.Arrays.fill(split, Float.NaN);
                        split[0] = split[1] = split[2] = 0;
                        Workers.multiply(pool, split, 3, a, 1, ta, b, 2, tb, m, n, k);
                        assertArrayEquals(alone, split, (ta ? "T" : "N") + (tb ? "T" : "N"));
                    }
                }
            }
        }
    }
}
