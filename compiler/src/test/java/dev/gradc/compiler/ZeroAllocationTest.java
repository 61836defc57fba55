package dev.gradc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.management.ThreadMXBean;
import dev.gradc.runtime.Trainer;
import dev.gradc.runtime.DType;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** After warm-up, a training step allocates nothing: no boxing, no temporaries, no iterators. */
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
}
