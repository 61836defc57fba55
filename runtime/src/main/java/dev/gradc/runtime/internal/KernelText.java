package dev.gradc.runtime.internal;

/**
 * The texts of the classes a training step runs, kept out of them ({@link MatMul}, {@link Workers},
 * {@link VectorMatMul}, {@link Rng}; {@link StepSupport}'s are its subclass's): when a thread first
 * asks for a C2 compilation of a method, HotSpot creates every string constant of the method's class
 * (a literal, a concatenation's recipe) on that thread, and for these classes that thread may be a
 * trainer's stepping thread (56 bytes in a step, for Workers' thread name). A class without string
 * constants allocates nothing then.
 */
final class KernelText {
    private KernelText() {}

    static String implementation(boolean vector, boolean fma, boolean switchedOff, String vectorDetails) {
        if (vector) return "Vector API (" + vectorDetails + ")";
        if (!fma) return "plain Java (this CPU or JVM has no fused multiply-add)";
        return switchedOff ? "plain Java (-Dgradc.vector=false)" : "plain Java (start the JVM with --add-modules jdk.incubator.vector for the Vector API)";
    }

    static String vectorDetails(int bits, int registers, int rows, int vectors, int kc, int nc, boolean ready, String failure) {
        return bits + "-bit float vectors, " + registers + " registers: " + rows + "x" + vectors + "-vector tiles ("
                + rows * vectors + " accumulators), k blocks of " + kc + ", column blocks of " + nc + "; L1 " + (CacheSizes.L1 >> 10)
                + " KiB, L2 " + (CacheSizes.L2 >> 10) + " KiB"
                + (ready ? "" : failure != null ? "; not in use: " + failure : "; compiling (plain Java until then)");
    }

    static String stillAllocating(int rounds) {
        return "the kernels still allocated after " + rounds + " warm-up rounds";
    }

    static String warmUpFailed(Throwable e) {
        return "warm-up failed: " + e;
    }

    static String workerName(int share) {
        return "gradc-worker-" + share;
    }

    static IllegalArgumentException generatorState(int length) {
        return new IllegalArgumentException("a generator's state is 4 numbers, got " + length);
    }

    static IllegalArgumentException nonPositiveBound(int bound) {
        return new IllegalArgumentException("bound must be positive: " + bound);
    }

    static IllegalArgumentException poolSize(int threads) {
        return new IllegalArgumentException("a pool needs at least 2 threads, got " + threads);
    }
}
