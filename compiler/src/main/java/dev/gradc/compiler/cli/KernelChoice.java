package dev.gradc.compiler.cli;

import dev.gradc.compiler.Compilation;
import dev.gradc.runtime.internal.MatMul;
import dev.gradc.runtime.internal.VectorPath;
import java.util.Locale;

/**
 * Which kernels a {@code gradc train} process runs its float32 products on. The Vector API's kernels
 * pay only once the JIT has compiled them, and compiling them takes a warm-up beside the run (on
 * two cores, 2-4 CPU-seconds of warm-up rounds and compiles, contending with the training thread
 * until then). So a run that is over sooner trains on plain Java, its plain products warmed up
 * beside the compile (moons' 100 steps, fresh JVM, AMD EPYC Zen 4: 0.3 ms a step, against 0.65
 * without the plain warm-up and 1.5-2.2 on the Vector API); and a run over data read from files
 * starts the Vector API warm-up before the model is compiled, so that it runs beside the compile and
 * the reading (Fashion-MNIST's first epoch: 0.9-1.4 s in step() against 1.8-2.4 s).
 *
 * <p>Both are choices for the whole JVM, made only when it is the command's own (started by
 * {@link Main#main}, not a test or an application calling {@link Main#run}) and {@code
 * -Dgradc.vector} was not given.
 */
final class KernelChoice {
    private KernelChoice() {}

    /**
     * Runs estimated below this many multiply-adds (of their products) train on plain Java. Whole
     * processes, plain Java against the Vector API, AMD EPYC Zen 5, 2 cores: the spirals sample (2.0
     * billion) 1.9 against 3.4 s wall; the deep sample (3.5 billion) 1.8 against 3.3 s, at 60 epochs
     * (10.5 billion) 3.3 against 3.4, at 160 (28 billion) 7.3 against 4.1. The plain products run at
     * about 11 GFLOP/s there, the vectors' several times faster once a warm-up of 1.5-2 s has
     * compiled them.
     */
    static final long PLAIN_BELOW = 10_000_000_000L;

    private static boolean free(boolean float64) {
        return Main.ownsJvm && !float64 && System.getProperty("gradc.vector") == null;
    }

    /**
     * Before compiling, on a thread beside the compile: a run over data read from files starts the
     * products' Vector API warm-up; a run over a synthetic set, which may yet keep to plain Java,
     * warms up the plain products, which it runs until then either way.
     */
    static void beforeCompile(boolean float64, DataOptions data) {
        if (!free(float64)) return;
        Thread start = new Thread(data.synthetic() ? MatMul::warmUpPlain : VectorPath::startWarmUp, "gradc-warmup-start");
        start.setDaemon(true);
        start.start();
    }

    /**
     * After compiling, before reading the data: a run over data read from files starts its element-wise
     * kernels' Vector API warm-up, so that it too runs beside the reading.
     */
    static void afterCompile(boolean float64, DataOptions data, Compilation c) {
        if (free(float64) && !data.synthetic()) c.startWarmUp();
    }

    /**
     * Before the first trainer, over a synthetic set (whose size the options gave): a run of fewer
     * than {@link #PLAIN_BELOW} multiply-adds keeps to plain Java. Returns what to print for its
     * products then, or null for the trainer's own account.
     */
    static String beforeTraining(boolean float64, DataOptions data, long runMultiplyAdds) {
        if (!free(float64) || !data.synthetic() || runMultiplyAdds >= PLAIN_BELOW) return null;
        System.setProperty("gradc.vector", "false");
        String size = runMultiplyAdds < 1e6 ? String.format(Locale.ROOT, "%,d", runMultiplyAdds)
                : runMultiplyAdds < 1e9 ? String.format(Locale.ROOT, "%.1f million", runMultiplyAdds / 1e6)
                : String.format(Locale.ROOT, "%.1f billion", runMultiplyAdds / 1e9);
        return "plain Java (a run of " + size + " multiply-adds is over before the Vector API's kernels would be compiled)";
    }
}
