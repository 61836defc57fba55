package dev.gradc.runtime.internal;

import java.util.List;

/**
 * How a parameter gets its first values. A model file writes {@code uniform(-1, 1, 2, 16)}: the
 * leading {@link #scalars} numbers are the initializer's own arguments, the rest is the shape.
 *
 * <p>Fan-in and fan-out follow PyTorch's conventions for gradc's layout: a weight used as
 * {@code matmul(x, w)} is {@code [in, out]}, so fan-in is its first dimension and fan-out its
 * second; leading dimensions of a higher-rank weight multiply both (the receptive field). The
 * Xavier and He initializers need at least two dimensions.
 */
public enum Initializer {
    /** All 0. */
    ZEROS("zeros", List.of()),
    /** All 1. */
    ONES("ones", List.of()),
    /** All {@code value}. */
    CONSTANT("constant", List.of("value")),
    /** U(low, high). */
    UNIFORM("uniform", List.of("low", "high")),
    /** N(mean, std). */
    NORMAL("normal", List.of("mean", "std")),
    /** Glorot: U(-b, b), b = sqrt(6 / (fanIn + fanOut)). */
    XAVIER_UNIFORM("xavierUniform", List.of()),
    /** Glorot: N(0, sqrt(2 / (fanIn + fanOut))). */
    XAVIER_NORMAL("xavierNormal", List.of()),
    /** Kaiming for ReLU: U(-b, b), b = sqrt(6 / fanIn). */
    HE_UNIFORM("heUniform", List.of()),
    /** Kaiming for ReLU: N(0, sqrt(2 / fanIn)). */
    HE_NORMAL("heNormal", List.of());

    /** The name used in model files. */
    public final String functionName;
    /** Names of the leading scalar arguments, before the shape. */
    public final List<String> scalars;

    Initializer(String functionName, List<String> scalars) {
        this.functionName = functionName;
        this.scalars = scalars;
    }

    /**
     * The initializer a model file calls {@code name}.
     *
     * @param name a function name of model files, such as {@code heUniform}
     * @return the initializer, or null if there is none of that name
     */
    public static Initializer byName(String name) {
        for (Initializer init : values()) {
            if (init.functionName.equals(name)) return init;
        }
        return null;
    }

    /**
     * Whether the initializer scales by fan-in/fan-out, and so needs a weight of two or more dimensions.
     *
     * @return true for the Xavier and He initializers
     */
    public boolean needsFans() {
        return this == XAVIER_UNIFORM || this == XAVIER_NORMAL || this == HE_UNIFORM || this == HE_NORMAL;
    }

    /**
     * Fills {@code out} (a tensor of {@code shape}) with this initializer's values, drawing from {@code rng} in index order.
     *
     * @param out the tensor's values
     * @param shape its dimensions
     * @param args the initializer's leading arguments ({@link #scalars})
     * @param rng the generator, advanced by one draw per element (or none)
     */
    public void fill(double[] out, int[] shape, double[] args, Rng rng) {
        double[] p = parameters(shape, args);
        for (int i = 0; i < size(shape); i++) out[i] = next(p, rng);
    }

    /**
     * Fills {@code out} (a tensor of {@code shape}) with this initializer's values, drawing from {@code rng} in index order.
     *
     * @param out the tensor's values
     * @param shape its dimensions
     * @param args the initializer's leading arguments ({@link #scalars})
     * @param rng the generator, advanced by one draw per element (or none)
     */
    public void fill(float[] out, int[] shape, double[] args, Rng rng) {
        double[] p = parameters(shape, args);
        for (int i = 0; i < size(shape); i++) out[i] = (float) next(p, rng);
    }

    private static int size(int[] shape) {
        int n = 1;
        for (int d : shape) n *= d;
        return n;
    }

    /** The fan-based initializers as uniform (low, high) or normal (mean, std). */
    private double[] parameters(int[] shape, double[] args) {
        if (!needsFans()) return args;
        if (shape.length < 2) throw new IllegalArgumentException(functionName + " needs at least 2 dimensions");
        int receptive = 1;
        for (int i = 0; i < shape.length - 2; i++) receptive *= shape[i];
        double fanIn = (double) shape[shape.length - 2] * receptive, fanOut = (double) shape[shape.length - 1] * receptive;
        switch (this) {
            case XAVIER_UNIFORM: { double b = Math.sqrt(6 / (fanIn + fanOut)); return new double[] {-b, b}; }
            case XAVIER_NORMAL: return new double[] {0, Math.sqrt(2 / (fanIn + fanOut))};
            case HE_UNIFORM: { double b = Math.sqrt(6 / fanIn); return new double[] {-b, b}; }
            default: return new double[] {0, Math.sqrt(2 / fanIn)};
        }
    }

    private double next(double[] p, Rng rng) {
        switch (this) {
            case ZEROS: return 0;
            case ONES: return 1;
            case CONSTANT: return p[0];
            case UNIFORM: case XAVIER_UNIFORM: case HE_UNIFORM: return rng.uniform(p[0], p[1]);
            default: return p[0] + p[1] * rng.gaussian();
        }
    }
}
