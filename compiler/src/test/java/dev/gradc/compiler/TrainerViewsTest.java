package dev.gradc.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    static final String CLASSIFIER = """
            class C {
                Input x = input(batch, 2);
                Input y = input(batch);
                Param w = uniform(-1, 1, 2, 3), zbias = zeros(3);
                Tensor logits() { return matmul(x, w) + zbias; }
                Tensor loss() { return crossEntropy(logits(), y); }
                Optimizer o = sgd(0.1);
            }
            """;

    @Test
    void classIndexInputsHaveAnIntSetter() throws Exception {
        Compilation c = TestModels.compile(CLASSIFIER, DType.FLOAT32);
        Trainer viaInts = c.newTrainer(3, 5), viaFloats = c.newTrainer(3, 5);
        float[] x = {1, 2, -1, 0.5f, 0, -2};
        for (Trainer t : new Trainer[] {viaInts, viaFloats}) t.getClass().getMethod("setX", float[].class).invoke(t, (Object) x);
        viaInts.getClass().getMethod("setY", int[].class).invoke(viaInts, (Object) new int[] {2, 0, 1});
        viaFloats.getClass().getMethod("setY", float[].class).invoke(viaFloats, (Object) new float[] {2, 0, 1});
        viaInts.step();
        viaFloats.step();
        assertEquals(viaFloats.loss(), viaInts.loss(), 0);
        assertArrayEquals(viaFloats.param("w").toDoubleArray(), viaInts.param("w").toDoubleArray());
        // Only class-index inputs get one: x holds features.
        assertThrows(NoSuchMethodException.class, () -> viaInts.getClass().getMethod("setX", int[].class));
    }

    @Test
    void nullArgumentsAndUnknownNamesGetMessagesListingNamesInDeclarationOrder() {
        Trainer t = TestModels.compile(CLASSIFIER, DType.FLOAT64).newTrainer(3, 5);
        assertEquals("the input name is null; C has x, y", assertThrows(NullPointerException.class, () -> t.input(null)).getMessage());
        assertEquals("C has no parameter 'v'; it has w, zbias", assertThrows(IllegalArgumentException.class, () -> t.param("v")).getMessage());
        assertEquals("the parameter name is null; C has w, zbias",
                assertThrows(NullPointerException.class, () -> t.grad(null)).getMessage());
        assertTrue(assertThrows(NullPointerException.class, () -> t.setHyper(null, 1)).getMessage().contains("hyper-parameter name is null"));
        assertEquals("x: the values to copy in are null",
                assertThrows(NullPointerException.class, () -> t.input("x").copyFrom((double[]) null)).getMessage());
        assertTrue(assertThrows(NullPointerException.class, () -> t.restore(null)).getMessage().contains("null"));
        assertTrue(assertThrows(NullPointerException.class, () -> t.saveCheckpoint(null)).getMessage().contains("null"));
    }

    @Test
    void trainersOfOneCompilationShareTheirClassButNotTheirState() {
        Compilation c = TestModels.compile(CLASSIFIER, DType.FLOAT32);
        Trainer a = c.newTrainer(3, 1), b = c.newTrainer(5, 2);
        org.junit.jupiter.api.Assertions.assertSame(a.getClass(), b.getClass(), "one class, JIT-compiled and warmed up once");
        org.junit.jupiter.api.Assertions.assertNotEquals(java.util.Arrays.toString(a.param("w").toDoubleArray()),
                java.util.Arrays.toString(b.param("w").toDoubleArray()));
        a.param("w").set(0, 42);
        assertEquals(5, b.maxBatch());
        org.junit.jupiter.api.Assertions.assertNotEquals(42, b.param("w").get(0));
    }
}
