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

    static String deep(int iterations, String body) {
        return """
                class Deep {
                    Input x = input(batch, 4);
                    Param w = uniform(-1, 1, 4, 4);
                    Tensor loss() {
                        Tensor t = matmul(x, w);
                        for (int i = 0; i < N; i++) BODY;
                        return mean(t * t);
                    }
                    Tensor out() { return tanh(matmul(x, w)); }
                    Optimizer o = sgd(0.01);
                }
                """.replace("N", Integer.toString(iterations)).replace("BODY", body);
    }

    /**
     * Deep unrolled loops compile whatever the Java stack: a thread with a small stack, so that the
     * test does not depend on warm-up. Every generated method, the evaluation's included, stays
     * under HotSpot's 8,000-byte limit, and the class passes verification and trains.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = ';', value = {"3000; t = t + 1", "2000; t = tanh(t) - t"})
    void deepUnrolledLoopsCompileOnASmallStack(int iterations, String body) throws InterruptedException {
        Compilation[] c = new Compilation[1];
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(null, () -> {
            try {
                c[0] = TestModels.compile(deep(iterations, body), DType.FLOAT32);
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "small stack", 256 * 1024);
        t.start();
        t.join();
        if (failure[0] != null) throw new AssertionError(failure[0]);
        for (VerifyTest.MethodSize m : VerifyTest.methodSizes(c[0].classBytes())) {
            org.junit.jupiter.api.Assertions.assertTrue(m.bytes() < 8000, m.name() + " has " + m.bytes() + " bytes of bytecode");
        }
        java.io.StringWriter report = new java.io.StringWriter();
        org.objectweb.asm.util.CheckClassAdapter.verify(new org.objectweb.asm.ClassReader(c[0].classBytes()),
                getClass().getClassLoader(), false, new java.io.PrintWriter(report));
        assertEquals("", report.toString());
        Trainer trainer = c[0].newTrainer(4, 1);
        TestModels.feedRandomInputs(trainer, 3);
        trainer.step();
        org.junit.jupiter.api.Assertions.assertTrue(Double.isFinite(trainer.evaluateLoss()), "loss " + trainer.evaluateLoss());
    }
}
