package dev.gradc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Each schedule at a few steps, against the formula written out. */
class LearningRateTest {
    @Test
    void constant() {
        assertEquals(0.1, LearningRate.constant(0.1).at(1000));
    }

    @Test
    void stepDecay() {
        LearningRate s = LearningRate.step(1.0, 30, 0.1);
        assertEquals(1.0, s.at(29));
        assertEquals(0.1, s.at(30), 1e-15);
        assertEquals(0.01, s.at(65), 1e-15);
    }

    @Test
    void linearIsMicrogradsSchedule() {
        LearningRate s = LearningRate.linear(1.0, 0.1, 100);
        for (int k = 0; k < 100; k++) assertEquals(1.0 - 0.9 * k / 100, s.at(k), 1e-15);
        assertEquals(0.1, s.at(150));
    }

    @Test
    void cosine() {
        LearningRate s = LearningRate.cosine(1.0, 0.0, 100);
        assertEquals(1.0, s.at(0), 1e-15);
        assertEquals(0.5, s.at(50), 1e-15);
        assertEquals(0.0, s.at(100), 1e-15);
    }

    @Test
    void warmupThenSchedule() {
        LearningRate s = LearningRate.cosine(1.0, 0.0, 100).withWarmup(10);
        assertEquals(0.1, s.at(0), 1e-15);
        assertEquals(1.0, s.at(9), 1e-15);
        assertEquals(1.0, s.at(10), 1e-15);
        assertEquals(0.5, s.at(60), 1e-15);
    }
}
