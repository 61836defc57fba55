package dev.gradc.runtime;

import java.util.List;

/**
 * How a parameter gets its first values. A model file writes {@code uniform(-1, 1, 2, 16)}: the
 * leading {@link #scalars} numbers are the initializer's own arguments, the rest is the shape.
 */
public enum Initializer {
    ZEROS("zeros", List.of()),
    ONES("ones", List.of()),
    CONSTANT("constant", List.of("value")),
    UNIFORM("uniform", List.of("low", "high")),
    NORMAL("normal", List.of("mean", "std"));

    /** The name used in model files. */
    public final String functionName;
    /** Names of the leading scalar arguments, before the shape. */
    public final List<String> scalars;

    Initializer(String functionName, List<String> scalars) {
        this.functionName = functionName;
        this.scalars = scalars;
    }

    public static Initializer byName(String name) {
        for (Initializer init : values()) {
            if (init.functionName.equals(name)) return init;
        }
        return null;
    }

    /** Fills {@code out} with this initializer's values, drawing from {@code rng} in index order. */
    public void fill(double[] out, int length, double[] args, Rng rng) {
        for (int i = 0; i < length; i++) out[i] = next(args, rng);
    }

    /** Fills {@code out} with this initializer's values, drawing from {@code rng} in index order. */
    public void fill(float[] out, int length, double[] args, Rng rng) {
        for (int i = 0; i < length; i++) out[i] = (float) next(args, rng);
    }

    private double next(double[] args, Rng rng) {
        switch (this) {
            case ZEROS: return 0;
            case ONES: return 1;
            case CONSTANT: return args[0];
            case UNIFORM: return rng.uniform(args[0], args[1]);
            case NORMAL: return args[0] + args[1] * rng.gaussian();
            default: throw new AssertionError(this);
        }
    }
}
