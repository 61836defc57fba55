package dev.gradc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** A training configuration that cannot run is refused when it is made, not halfway through. */
class TrainingConfigTest {
    static final LearningRate RATE = LearningRate.constant(0.1);

    static String refused(int steps, int epochs, int batch, int printEvery) {
        return assertThrows(IllegalArgumentException.class,
                () -> new Training.Config(steps, epochs, batch, RATE, 1, false, false, printEvery)).getMessage();
    }

    @Test
    void countsOutOfRange() {
        assertEquals("steps must be at least 1, got 0", refused(0, 0, 10, 0));
        assertEquals("steps must be at least 1, got -1", refused(-1, 0, 10, 0));
        assertEquals("epochs must be at least 0 (0 counts steps), got -1", refused(10, -1, 10, 0));
        assertEquals("batchSize must be at least 1, got -5", refused(10, 0, -5, 0));
        assertEquals("printEvery must be at least 0 (0 for none), got -1", refused(10, 0, 10, -1));
        assertEquals(5, new Training.Config(0, 1, 2, RATE, 1, false, false, 0).totalSteps(10)); // steps unused with epochs
    }

    @Test
    void aStepCountThatOverflowsIsRefused() {
        Training.Config c = new Training.Config(1, Integer.MAX_VALUE, 1, RATE, 1, false, false, 0);
        assertEquals("2147483647 epochs of 100 steps are 214748364700 steps, more than 2147483647",
                assertThrows(IllegalArgumentException.class, () -> c.totalSteps(100)).getMessage());
    }
}
