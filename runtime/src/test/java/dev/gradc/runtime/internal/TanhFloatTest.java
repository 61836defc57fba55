package dev.gradc.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TanhFloatTest {
    @Test
    void matchesMathTanhToFarBelowFloatPrecision() {
        for (double x = -20; x <= 20; x += 0.000731) {
            double expected = Math.tanh(x);
            assertEquals(expected, Scalars.tanhFloat(x), 1e-9 * Math.abs(expected) + 1e-300, "tanh(" + x + ")");
        }
        for (double x : new double[] {0, -0.0, 1e-30, -1e-8, 0.0624999, 0.0625, -0.0625, 0.0625001, 400, -400}) {
            assertEquals(Math.tanh(x), Scalars.tanhFloat(x), 1e-9 * Math.abs(Math.tanh(x)), "tanh(" + x + ")");
        }
    }

    @Test
    void keepsInfinitiesAndNaN() {
        assertEquals(1.0, Scalars.tanhFloat(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, Scalars.tanhFloat(Double.NEGATIVE_INFINITY));
        assertEquals(Double.NaN, Scalars.tanhFloat(Double.NaN));
    }
}
