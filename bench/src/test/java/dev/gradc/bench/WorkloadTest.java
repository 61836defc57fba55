package dev.gradc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradc.runtime.Trainer;
import org.junit.jupiter.api.Test;

class WorkloadTest {
    @Test
    void countsTheMatrixProductsOfAStep() {
        // W1 forward 100x2x16 + 100x16x16 + 100x16x1 multiply-adds; backward dW1, dW2, dW3, dH2,
        // dH1 (no gradient for the input): 88,000 multiply-adds, two FLOPs each.
        assertEquals(176_000, Workload.W1.flopsPerStep(Workload.W1.compile()));
    }

    @Test
    void everyWorkloadCompilesAndSteps() {
        for (Workload w : Workload.values()) {
            Trainer t = w.trainer(w.compile());
            assertEquals(w.batch, t.batch(), w.name());
            t.step();
            assertTrue(Double.isFinite(t.loss()), w + " loss " + t.loss());
        }
    }
}
