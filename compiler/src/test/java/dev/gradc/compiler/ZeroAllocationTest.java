package dev.gradc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.management.ThreadMXBean;
import dev.gradc.runtime.Trainer;
import dev.gradc.runtime.DType;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A training step allocates nothing: no boxing, no temporaries, no iterators; not after warm-up
 * only, but from the first step of a new trainer (its class's first), when the Vector API kernels
 * are still cold.
 */
class ZeroAllocationTest {
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    static {
        // Ask until the JIT has compiled the counter, so that its compilation is never asked for inside a
        // measurement: the thread that asks for a method's first C2 compilation creates the string
        // constants of its class (ThreadImpl's: 896 bytes, once thousands of steps had been measured; StepStringsTest).
        long id = Thread.currentThread().getId();
        for (int i = 0; i < 100_000; i++) THREADS.getThreadAllocatedBytes(id);
    }

    static long allocatedBytesOf(Runnable work) {
        long id = Thread.currentThread().getId();
        long before = THREADS.getThreadAllocatedBytes(id);
        long calibration = THREADS.getThreadAllocatedBytes(id) - before; // what asking costs, usually 0
        before = THREADS.getThreadAllocatedBytes(id);
        work.run();
        return THREADS.getThreadAllocatedBytes(id) - before - calibration;
    }

    static void assertStepsAllocateNothing(Trainer t) {
        for (int i = 0; i < 20_000; i++) t.step(); // warm-up: let the JIT compile step() and its kernels
        long bytes = allocatedBytesOf(() -> {
            for (int i = 0; i < 1_000; i++) t.step();
        });
        assertEquals(0, bytes, "bytes allocated by 1,000 steps of " + t.modelName());
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void moonsStepAllocatesNothing(DType dtype) {
        Trainer t = TestModels.moons(dtype).newTrainer(100, 1);
        TestModels.feedRandomInputs(t, 2);
        t.setLearningRate(1e-3);
        assertStepsAllocateNothing(t);
    }

    /**
     * Drawing the dropout masks allocates nothing either. Here rather than in DropoutTest: in the main
     * suite's JVM, after hundreds of models whose warm-ups were still running, 1,000 steps of this
     * model allocated 51,456,000 bytes in 1 run in 3 (never in a JVM of its own); see the pom.
     */
    @org.junit.jupiter.api.Test
    void stepWithDropoutAllocatesNothing() {
        Trainer t = TestModels.compile(DropoutTest.MODEL.replace("RATE", "0.5"), DType.FLOAT32).newTrainer(50, 2);
        TestModels.feedRandomInputs(t, 4);
        assertStepsAllocateNothing(t);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"samples/moons/Moons.grad", "bench/models/W2MnistMlp.grad",
            "bench/models/W3DeepNarrow.grad", "samples/batchnorm/DeepSpiralsBN.grad", "samples/spirals/Spirals.grad"})
    void everyStepFromTheFirstAllocatesNothing(String model) throws java.io.IOException {
        for (DType dtype : DType.values()) {
            Trainer t = Compiler.compile(dev.gradc.dsl.Source.read(TestModels.findUp(model)), Compiler.Options.DEFAULT.withDtype(dtype))
                    .newTrainer(8, 1);
            TestModels.feedRandomInputs(t, 2);
            for (dev.gradc.runtime.TensorInfo in : t.inputs()) { // class indices where the model reads labels
                if (in.shape().length == 1) t.input(in.name()).copyFrom(new double[in.sizeAt(t.batch())]);
            }
            for (int step = 0; step < 50; step++) {
                assertEquals(0, allocatedBytesOf(t::step), model + " " + dtype + ": bytes allocated by step " + step);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void theFirstStepOnTheVectorKernelsAllocatesNothing() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.gradc.runtime.internal.VectorPath.ON, "needs jdk.incubator.vector");
        Compilation c = Compiler.compile(dev.gradc.dsl.Source.read(TestModels.findUp("samples/moons/Moons.grad")), Compiler.Options.DEFAULT);
        Trainer t = c.newTrainer(8, 1);
        TestModels.feedRandomInputs(t, 2);
        t.step();
        awaitVectorKernels(t);
        assertEquals(0, allocatedBytesOf(t::step), "bytes allocated by the first step on the vector kernels");
    }

    /**
     * The warm-up takes every path the trainer's calls take, or the JIT compiles the path it never
     * saw as a trap and the kernel falls back to boxing vectors: here a batch of 3 leaves a tail after
     * the whole vectors of every [batch, 10] kernel, and the labels make the one-hot comparison go
     * both ways inside that tail. No matrix product, so that the products' own warm-up (which has
     * been seen not to settle while a class's warm-up ran beside it) plays no part.
     */
    @org.junit.jupiter.api.Test
    void theVectorKernelsStayCompiledOnTailsAndTies() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.gradc.runtime.internal.VectorPath.ON, "needs jdk.incubator.vector");
        String model = String.join("\n",
                "class TailsAndTies {",
                "    Input x = input(batch, 10);",
                "    Input label = input(batch);",
                "    Param g = zeros(10), b = zeros(10);",
                "    Tensor loss() { return crossEntropy(relu(x * g + b) + x, label); }",
                "    Optimizer optimizer = adam(1e-3);",
                "}");
        Trainer t = Compiler.compile(dev.gradc.dsl.Source.decode("TailsAndTies.grad", model.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                Compiler.Options.DEFAULT).newTrainer(3, 1);
        TestModels.feedRandomInputs(t, 3);
        t.input("label").copyFrom(new int[] {3, 9, 0});
        awaitVectorKernels(t);
        for (int step = 0; step < 200; step++) {
            assertEquals(0, allocatedBytesOf(t::step), "bytes allocated by step " + step + " on the vector kernels");
        }
    }

    /** Waits for the background warm-up to switch the trainer's class to its Vector API kernels. */
    private static void awaitVectorKernels(Trainer t) throws Exception {
        java.lang.reflect.Field ready = Class.forName(t.getClass().getName() + "$Vector", false, t.getClass().getClassLoader())
                .getField("READY");
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!ready.getBoolean(null)) {
            org.junit.jupiter.api.Assertions.assertTrue(System.nanoTime() < deadline, "the warm-up did not finish in 2 minutes");
            Thread.sleep(5);
        }
    }
}
