package dev.gradc.runtime.internal;

/**
 * float32 exp, tanh and sigmoid, written as a fixed sequence of float operations (fused
 * multiply-adds where the CPU has them, as the matrix products do, a rounding by the 1.5 * 2^23 trick, an exponent built from bits) that the code
 * generator repeats operation for operation on Vector API lanes. So a kernel computes the same
 * bits on its scalar and its vector path, on one thread or split across several, cold or warm:
 * results never depend on which path ran. Errors against the exact function, measured over their
 * domains in the tests: exp at most 1.5 ulp (1.05 measured), tanh at most 6 (5.43), sigmoid at most 3
 * (2.37). Results below the
 * smallest normal float (exp below -87.34) are 0.
 */
public final class FloatMath {
    private FloatMath() {}

    // exp(x) = 2^n * e^r,  n = rint(x / ln2),  r = x - n ln2 in [-ln2/2, ln2/2],  e^r = 1 + r + r^2 q(r)
    public static final float LOG2E = 1.4426950216293335f;
    public static final float LN2_HI = 0.6931471824645996f;
    public static final float LN2_LO = -1.904654323148236e-09f;
    /** Adding and subtracting it rounds a float of magnitude below 2^22 to the nearest integer. */
    public static final float ROUNDER = 12582912f;
    /** The bits of {@link #ROUNDER}: subtracted from the bits of {@code n + ROUNDER}, they leave the integer n. */
    public static final int ROUNDER_BITS = 0x4B400000;
    public static final float EXP_MAX = 88.72283f, EXP_MIN = -87.33654f;
    public static final float Q0 = 0.5f, Q1 = 0.16666576266288757f, Q2 = 0.041666463017463684f,
            Q3 = 0.008363178931176662f, Q4 = 0.001393366139382124f;

    // tanh(x) = x P(x^2) / Q(x^2) on [-9, 9] (a rational fit of tanh(x)/x made for gradc), limited to [-1, 1]:
    // few operations and no branch, so that its vector form stays small enough for the JIT to compile whole.
    public static final float TANH_LIMIT = 9f;
    public static final float P0 = 1.0f, P1 = 0.12933944165706635f, P2 = 0.0029364018701016903f, P3 = 9.406468052475248e-06f,
            P4 = -1.3182357427865554e-08f, P5 = 1.92424080142084e-11f;
    public static final float R0 = 1.0f, R1 = 0.46267253160476685f, R2 = 0.02382768504321575f, R3 = 0.0002302375214640051f;

    public static float exp(float x) {
        float clamped = Math.min(Math.max(x, EXP_MIN), EXP_MAX);
        float t = clamped * LOG2E + ROUNDER; // n + 1.5 * 2^23: n sits in the low bits of the mantissa
        float n = t - ROUNDER;
        float r = fma(n, -LN2_HI, clamped);
        r = fma(n, -LN2_LO, r);
        float q = fma(fma(fma(fma(Q4, r, Q3), r, Q2), r, Q1), r, Q0);
        float p = fma(r * r, q, r) + 1f;
        int k = Float.floatToRawIntBits(t) - ROUNDER_BITS, half = k >> 1; // 2^n as two powers, each normal at both ends of the range
        float scaled = p * Float.intBitsToFloat((half + 127) << 23) * Float.intBitsToFloat((k - half + 127) << 23);
        if (x > EXP_MAX) return Float.POSITIVE_INFINITY;
        if (x < EXP_MIN) return 0f;
        return scaled; // NaN stays NaN through the arithmetic
    }

    public static float tanh(float x) {
        float c = Math.min(Math.max(x, -TANH_LIMIT), TANH_LIMIT);
        float z = c * c;
        float p = fma(fma(fma(fma(fma(P5, z, P4), z, P3), z, P2), z, P1), z, P0);
        float q = fma(fma(fma(R3, z, R2), z, R1), z, R0);
        return Math.min(Math.max(c * (p / q), -1f), 1f);
    }

    /** A fused multiply-add where the hardware has one; elsewhere (no vector path there) a rounded multiply and add. */
    private static float fma(float a, float b, float c) {
        return MatMul.FMA ? Math.fma(a, b, c) : a * b + c;
    }

    public static float sigmoid(float x) {
        return 1f / (1f + exp(-x));
    }
}
