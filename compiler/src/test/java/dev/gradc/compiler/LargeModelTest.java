package dev.gradc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gradc.runtime.DType;
import dev.gradc.runtime.Trainer;
import org.junit.jupiter.api.Test;

/**
 * Models far larger than the samples stay within every class-file limit: a constant's 65,535
 * bytes (the signature is split), the constant pool and the method count (kernels with the same
 * code share a method), and HotSpot's 8,000 bytes a method (entry points are split by size).
 */
class LargeModelTest {
    @Test
    void tenThousandParametersCompileLoadAndTrain() {
        Compilation c = TestModels.compile("""
                class Many {
                    Input x = input(batch, 1);
                    Param[] w = repeat(10000, zeros(1));
                    Tensor loss() {
                        Tensor t = sum(x);
                        for (int i = 0; i < 10000; i++) t = t + sum(w[i] * x);
                        return t;
                    }
                    Optimizer o = sgd(0.1);
                }
                """, DType.FLOAT64);
        assertEquals(10000, c.signature().params().size());
        Trainer t = c.newTrainer(2, 1);
        assertEquals(10000, t.params().size());
        t.input("x").copyFrom(new double[] {1, 1});
        t.step();
        // d loss / d w[i] = sum(x) = 2, so sgd(0.1) moves every w[i] from 0 to -0.2
        assertEquals(2.0, t.grad("w[9999]").get(0), 0);
        assertEquals(-0.2, t.param("w[0]").get(0), 1e-15);
        assertEquals(-0.2, t.param("w[9999]").get(0), 1e-15);
        assertEquals(2.0, t.loss(), 0);
    }
}
