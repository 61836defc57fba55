package dev.gradc.runtime.internal;

/**
 * Scalar functions that generated kernels call for the operations of the compiler's scalar
 * vocabulary that have no instruction (and the reference interpreter calls too, so both compute
 * the very same thing). Small and static: the JIT inlines them.
 */
public final class Scalars {
    private Scalars() {}

    private static final double SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
    private static final double GELU_CUBIC = 0.044715;

    /** 1 / (1 + e^-x), without overflow for large |x|. */
    public static double sigmoid(double x) {
        if (x >= 0) return 1 / (1 + Math.exp(-x));
        double e = Math.exp(x);
        return e / (1 + e);
    }

    /** log(1 + e^x), as max(x, 0) + log1p(e^-|x|) so it stays finite for large |x|. */
    public static double softplus(double x) {
        return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
    }

    /** x for x > 0, else alpha * (e^x - 1). */
    public static double elu(double x, double alpha) {
        return x > 0 ? x : alpha * Math.expm1(x);
    }

    /** x for x > 0, else slope * x. */
    public static double leakyRelu(double x, double slope) {
        return x > 0 ? x : slope * x;
    }

    /** GELU with the tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
    public static double gelu(double x) {
        return 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + GELU_CUBIC * x * x * x)));
    }

}
