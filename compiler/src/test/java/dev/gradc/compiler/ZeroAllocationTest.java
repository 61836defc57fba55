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
    static long allocatedBytesOf(Runnable work) {
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        long calibration = threads.getThreadAllocatedBytes(id) - before; // what asking costs, usually 0
        before = threads.getThreadAllocatedBytes(id);
        work.run();
        return threads.getThreadAllocatedBytes(id) - before - calibration;
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
        org.junit.jupiter.api.Assumptions.assumeTrue(dev.gradc.runtime.internal.MatMul.VECTOR, "needs jdk.incubator.vector");
        Compilation c = Compiler.compile(dev.gradc.dsl.Source.read(TestModels.findUp("samples/moons/Moons.grad")), Compiler.Options.DEFAULT);
        Trainer t = c.newTrainer(8, 1);
        TestModels.feedRandomInputs(t, 2);
        t.step();
        // Wait for the warm-up to switch this class to its Vector API kernels, then take the first step on them.
        java.lang.reflect.Field ready = Class.forName(t.getClass().getName() + "$Vector", false, t.getClass().getClassLoader())
                .getField("READY");
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (!ready.getBoolean(null)) {
            org.junit.jupiter.api.Assertions.assertTrue(System.nanoTime() < deadline, "the warm-up did not finish in 2 minutes");
            Thread.sleep(5);
        }
        assertEquals(0, allocatedBytesOf(t::step), "bytes allocated by the first step on the vector kernels");
    }
}
