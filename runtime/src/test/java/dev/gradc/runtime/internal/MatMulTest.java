package dev.gradc.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The kernels at this JVM's vector width ({@link KernelWidthsTest} covers the others). */
class MatMulTest {
    static Stream<Arguments> shapes() {
        return KernelCheck.shapes().stream().map(s -> Arguments.of(KernelCheck.name(s), s));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void vectorKernelsGiveThePlainPathsBitsInEveryOrientationAndEpilogue(String name, int[] s) {
        assertTrue(VectorPath.ON, "tests run with --add-modules jdk.incubator.vector");
        KernelCheck.againstPlain(s[0], s[1], s[2]);
    }

    @Test
    void columnSumsGiveThePlainPathsBits() {
        int l = VectorMatMul.L;
        for (int[] s : new int[][] {{1, 1}, {3, 4 * l + l + 3}, {100, 16}, {256, 1024}, {7, l - 1}, {0, 5}}) KernelCheck.columnSums(s[0], s[1]);
    }

    /** The epilogue's exact operations: one float add, then Math.max(0f, x), which keeps NaN and turns -0 into +0. */
    @Test
    void epilogueAddsTheBiasThenAppliesMathMax() {
        int n = VectorMatMul.NR + 3; // a full tile and a partial one
        float[] a = {1f}, b = new float[n], bias = new float[n];
        for (int j = 0; j < n; j++) {
            b[j] = j % 4 == 0 ? -0f : j % 4 == 1 ? Float.NaN : j % 4 == 2 ? -2.5f : 0.1f;
            bias[j] = j % 4 == 0 ? -0f : j % 4 == 1 ? 1f : j % 4 == 2 ? 1f : 0.2f;
        }
        for (boolean vector : new boolean[] {true, false}) {
            float[] c = new float[n];
            if (vector) VectorMatMul.multiply(c, 0, a, 0, false, b, 0, false, 1, n, 1, bias, 0, true, 0, 1, 0, n);
            else MatMul.plain(c, 0, a, 0, false, b, 0, false, 1, n, 1, bias, 0, true, 0, 1, 0, n);
            for (int j = 0; j < n; j++) {
                float x = Math.fma(1f, b[j], 0f) + bias[j];
                assertEquals(Float.floatToRawIntBits(Math.max(0f, x)), Float.floatToRawIntBits(c[j]), (vector ? "vector " : "plain ") + j);
            }
        }
        assertEquals(Float.floatToRawIntBits(0f), Float.floatToRawIntBits(Math.max(0f, -0f + -0f)));
    }

    @Test
    void aProductOverNoStepsIsTheEpilogueOfZero() {
        float[] c = {5f, 5f, 5f, 5f}, bias = {-1f, 2f};
        MatMul.multiply(c, 0, new float[0], 0, false, new float[0], 0, false, 2, 2, 0, bias, 0, true, 0, 2, 0, 2);
        assertArrayEquals(new float[] {0f, 2f, 0f, 2f}, c);
    }

    @Test
    void theTileFollowsTheRegisterFile() {
        int bits = VectorMatMul.L * Float.SIZE;
        assertEquals(bits >= 512 ? 32 : 16, VectorMatMul.REGISTERS);
        // accumulators, B vectors and a broadcast fit the registers
        assertTrue(VectorMatMul.MR * VectorMatMul.NV + VectorMatMul.NV + 1 <= VectorMatMul.REGISTERS);
        assertTrue(VectorMatMul.KC * VectorMatMul.NR * Float.BYTES <= Math.max(CacheSizes.L1, 32 * VectorMatMul.NR * Float.BYTES));
        assertTrue(MatMul.implementation().contains(VectorMatMul.MR + "x" + VectorMatMul.NV), MatMul.implementation());
    }

    @Test
    void cacheSizesParseAsLinuxWritesThem() {
        assertEquals(48 << 10, CacheSizes.parseSize("48K"));
        assertEquals(2 << 20, CacheSizes.parseSize("2048K"));
        assertEquals(2 << 20, CacheSizes.parseSize("2M"));
        assertEquals(65536, CacheSizes.parseSize("65536"));
        assertEquals(-1, CacheSizes.parseSize("lots"));
        assertEquals(-1, CacheSizes.parseSize(""));
        assertEquals(-1, CacheSizes.parseSize("1K")); // too small to be a data cache
        assertTrue(CacheSizes.L1 >= 4096 && CacheSizes.L2 >= CacheSizes.L1);
    }
}
