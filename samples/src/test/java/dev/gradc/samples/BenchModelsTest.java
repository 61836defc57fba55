package dev.gradc.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.management.ThreadMXBean;
import dev.gradc.compiler.Compiler;
import dev.gradc.dsl.Source;
import dev.gradc.runtime.Trainer;
import dev.gradc.runtime.DType;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The benchmark models train without allocating, on one thread and with the helper pool. */
class BenchModelsTest {
    /**
     * Warm-up lengths: until C2 has compiled every Vector API tile, the tiles box their vectors
     * (measured on W1: 7.7 KB per step until about step 8,000, then 0). A large model's tiles run
     * often enough per step to compile early.
     */
    @ParameterizedTest(name = "{0} on {1} thread(s)")
    @CsvSource({"W1Moons, 1, 20000", "W2MnistMlp, 1, 10000", "W3DeepNarrow, 1, 15000", "W4Wide, 1, 1500", "W4Wide, 2, 1500", "W2MnistMlp, 2, 10000"})
    void stepAllocatesNothing(String model, int threads, int warmUp) throws Exception {
        Path file = MoonsSampleTest.SAMPLES.getParent().resolve("bench/models/" + model + ".grad");
        Trainer t = Compiler.compile(Source.read(file), Compiler.Options.DEFAULT.withDtype(DType.FLOAT32)).newTrainer(model.equals("W4Wide") ? 2 : 8, 1);
        OptimizationTest.feed(t, 4);
        t.setLearningRate(1e-5);
        t.setThreads(threads);
        try {
            awaitVectorKernels(t);
            for (int i = 0; i < warmUp; i++) t.step();
            long[] ids = stepThreads();
            long before = allocatedBy(ids);
            long calibration = allocatedBy(ids) - before; // what asking costs
            before = allocatedBy(ids);
            for (int i = 0; i < 300; i++) t.step();
            assertEquals(0, allocatedBy(ids) - before - calibration, "bytes allocated by 300 steps of " + model + " on " + threads + " thread(s)");
            assertEquals(threads, t.threads());
        } finally {
            t.setThreads(1);
        }
    }

    /**
     * Waits (up to 3 minutes) until the background warm-ups have switched the products and this
     * trainer's class to the Vector API kernels, so that the steps measured run on the path they keep:
     * on a loaded machine the switch came in the middle of the measured steps. The first steps, and
     * the first on the vector kernels, are ZeroAllocationTest's.
     */
    static void awaitVectorKernels(Trainer t) throws Exception {
        if (!dev.gradc.runtime.internal.VectorPath.ON) return;
        java.lang.reflect.Field ready;
        try {
            ready = Class.forName(t.getClass().getName() + "$Vector", false, t.getClass().getClassLoader()).getField("READY");
        } catch (ClassNotFoundException noVectorKernels) {
            ready = null;
        }
        long deadline = System.nanoTime() + 180_000_000_000L;
        while (!(dev.gradc.runtime.internal.Workers.prepare() && (ready == null || ready.getBoolean(null)))
                && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /** Split products and loops give the same bits as one thread. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"W4Wide", "W2MnistMlp"})
    void twoThreadsTrainExactlyAsOne(String model) throws IOException {
        Path file = MoonsSampleTest.SAMPLES.getParent().resolve("bench/models/" + model + ".grad");
        dev.gradc.compiler.Compilation c = Compiler.compile(Source.read(file), Compiler.Options.DEFAULT.withDtype(DType.FLOAT32));
        Trainer one = c.newTrainer(16, 1), two = c.newTrainer(16, 1);
        OptimizationTest.feed(one, 4);
        OptimizationTest.feed(two, 4);
        two.setThreads(2);
        try {
            for (int i = 0; i < 3; i++) {
                one.step();
                two.step();
            }
            assertEquals(one.loss(), two.loss());
            for (dev.gradc.runtime.TensorInfo p : one.params()) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(one.param(p.name()).toFloatArray(), two.param(p.name()).toFloatArray(), p.name());
            }
        } finally {
            two.setThreads(1);
        }
    }

    /** A trainer dropped with its pool running does not keep the pool's threads (or itself) alive. */
    @org.junit.jupiter.api.Test
    void droppedTrainerStopsItsThreads() throws Exception {
        long before = workerThreads();
        startPoolAndDrop();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (workerThreads() > before && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(50);
        }
        assertEquals(before, workerThreads(), "gradc-worker threads still running");
    }

    private static void startPoolAndDrop() throws IOException {
        Path file = MoonsSampleTest.SAMPLES.getParent().resolve("bench/models/W1Moons.grad");
        Trainer t = Compiler.compile(Source.read(file), Compiler.Options.DEFAULT).newTrainer(8, 1);
        t.setThreads(3);
        t.step();
        assertEquals(3, t.threads());
    }

    private static long workerThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(th -> th.getName().startsWith("gradc-worker-") && th.isAlive()).count();
    }

    /** This thread and the pool's helpers, which must not allocate either. */
    private static long[] stepThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(th -> th == Thread.currentThread() || th.getName().startsWith("gradc-worker-"))
                .mapToLong(Thread::getId).toArray();
    }

    private static long allocatedBy(long[] ids) {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] bytes = threads.getThreadAllocatedBytes(ids);
        long sum = 0;
        for (long b : bytes) sum += b;
        return sum;
    }
}
