package dev.gradc.runtime.internal;

/**
 * Whether float products (and the generated element-wise kernels) take the Vector API: decided once,
 * when this class is first used (the first trainer, or {@link #startWarmUp}), so that the JIT folds
 * the branch. Its own class, not a field of {@link MatMul}, so that warming up the plain products
 * ({@link MatMul#warmUpPlain}) decides nothing: a command that learns only later whether a run
 * repays the warm-up can still switch the path off ({@code -Dgradc.vector=false}) before it is read.
 */
public final class VectorPath {
    /** {@code -Dgradc.vector=false} was given. */
    static final boolean SWITCHED_OFF = !Boolean.parseBoolean(System.getProperty("gradc.vector", "true"));
    /** The JVM has {@code jdk.incubator.vector}, the hardware FMA, and {@code -Dgradc.vector=false} was not given. */
    public static final boolean ON = MatMul.FMA && !SWITCHED_OFF && ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    static {
        if (ON) VectorMatMul.start();
    }

    private VectorPath() {}

    /**
     * Does nothing: calling it decides the path, and on the Vector API path starts the products'
     * warm-up, so that a caller that knows a long run is coming can start it early.
     */
    public static void startWarmUp() {}
}
