package dev.gradc.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleUnaryOperator;
import java.util.function.IntFunction;
import org.junit.jupiter.api.Test;

/** FloatMath within its stated ulp bounds over each function's domain, and its edges. */
class FloatMathTest {
    /**
     * The largest error in ulps of the exact result rounded to float: at a million evenly spaced
     * points of [lo, hi] and at every 64th float of magnitude in [2^-20, 2] (where the branches meet).
     */
    static double maxUlps(IntFunction<Float> f, DoubleUnaryOperator exact, float lo, float hi) {
        double worst = 0;
        int n = 1_000_000;
        for (int i = 0; i <= n; i++) worst = Math.max(worst, ulps(f, exact, (float) (lo + (hi - (double) lo) * i / n)));
        for (int b = Float.floatToIntBits(0x1p-20f); b <= Float.floatToIntBits(2f); b += 64) {
            float x = Float.intBitsToFloat(b);
            if (x >= lo && x <= hi) worst = Math.max(worst, ulps(f, exact, x));
            if (-x >= lo && -x <= hi) worst = Math.max(worst, ulps(f, exact, -x));
        }
        return worst;
    }

    private static double ulps(IntFunction<Float> f, DoubleUnaryOperator exact, float x) {
        double want = exact.applyAsDouble(x);
        float wantF = (float) want;
        if (wantF == 0 || Float.isInfinite(wantF)) return 0;
        float got = f.apply(Float.floatToRawIntBits(x));
        return Math.abs(got - want) / Math.ulp(wantF);
    }

    @Test
    void expWithinOneAndAHalfUlps() {
        double ulps = maxUlps(b -> FloatMath.exp(Float.intBitsToFloat(b)), Math::exp, -87.3f, 88.72f);
        assertTrue(ulps <= 1.5, "exp: " + ulps + " ulp");
    }

    @Test
    void tanhWithinSixUlps() {
        double ulps = maxUlps(b -> FloatMath.tanh(Float.intBitsToFloat(b)), Math::tanh, -12f, 12f);
        assertTrue(ulps <= 6, "tanh: " + ulps + " ulp");
    }

    @Test
    void sigmoidWithinThreeUlps() {
        double ulps = maxUlps(b -> FloatMath.sigmoid(Float.intBitsToFloat(b)), x -> 1 / (1 + Math.exp(-x)), -87f, 40f);
        assertTrue(ulps <= 3, "sigmoid: " + ulps + " ulp");
    }

    @Test
    void edges() {
        assertEquals(Float.POSITIVE_INFINITY, FloatMath.exp(89f));
        assertEquals(0f, FloatMath.exp(-88f));
        assertEquals(1f, FloatMath.exp(0f));
        assertTrue(Float.isNaN(FloatMath.exp(Float.NaN)));
        assertEquals(1f, FloatMath.tanh(30f));
        assertEquals(-1f, FloatMath.tanh(Float.NEGATIVE_INFINITY));
        assertEquals(0f, FloatMath.tanh(0f));
        assertEquals(Float.floatToIntBits(-0f), Float.floatToIntBits(FloatMath.tanh(-0f)));
        assertTrue(Float.isNaN(FloatMath.tanh(Float.NaN)));
        assertEquals(1e-30f, FloatMath.tanh(1e-30f));
        assertEquals(0.5f, FloatMath.sigmoid(0f));
        assertEquals(1f, FloatMath.sigmoid(100f));
        assertEquals(0f, FloatMath.sigmoid(-100f));
    }
}
