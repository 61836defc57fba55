package dev.gradc.runtime.internal;

/**
 * The kernels' messages, kept out of {@link MatMul}, {@link Workers} and {@link VectorMatMul}: when
 * C2 first compiles a method of a class it interns every string constant of that class, on the thread
 * that asked for the compilation, which may be a trainer's stepping thread; a class without string
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

    static IllegalArgumentException poolSize(int threads) {
        return new IllegalArgumentException("a pool needs at least 2 threads, got " + threads);
    }
}
