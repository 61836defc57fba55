package dev.gradc.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gradc.runtime.DType;
import dev.gradc.runtime.Trainer;
import org.junit.jupiter.api.Test;

/** What a trainer's views show after a step: each gradient as the step computed it, whatever shares its value. */
class TrainerViewsTest {
    @Test
    void aGradientThatIsAnotherParameterShowsItsValueBeforeTheUpdate() {
        // loss = a*b + mean(x*b): d/da = b = 2 before sgd moves b
        Trainer t = TestModels.compile("""
                class G {
                    Input x = input(batch, 2);
                    Param a = constant(0.5), b = constant(2.0);
                    Tensor loss() { return a * b + mean(x * b); }
                    Optimizer o = sgd(0.1);
                }
                """, DType.FLOAT64).newTrainer(2, 1);
        t.input("x").copyFrom(new double[] {1, 2, 3, 4});
        t.step();
        assertEquals(2.0, t.grad("a").get(0), 0);
        assertEquals(0.5 + 2.5, t.grad("b").get(0), 1e-15); // a + mean(x)
        assertEquals(2.0 - 0.1 * 3.0, t.param("b").get(0), 1e-15);
        t.input("x").copyFrom(new double[] {0, 0, 0, 0}); // feeding new data changes no gradient view
        assertEquals(2.0, t.grad("a").get(0), 0);
    }

    @Test
    void aParameterTheLossDoesNotUseHasAZeroGradient() {
        Trainer t = TestModels.compile("""
                class U {
                    Input x = input(batch, 2);
                    Param w = ones(2), unused = ones(3);
                    Tensor loss() { return sum(x * w); }
                    Optimizer o = sgd(0.1);
                }
                """, DType.FLOAT32).newTrainer(2, 1);
        t.input("x").copyFrom(new double[] {1, 2, 3, 4});
        t.step();
        assertArrayEquals(new double[] {0, 0, 0}, t.grad("unused").toDoubleArray());
        assertArrayEquals(new double[] {4, 6}, t.grad("w").toDoubleArray());
        assertArrayEquals(new double[] {1, 1, 1}, t.param("unused").toDoubleArray());
    }
}
