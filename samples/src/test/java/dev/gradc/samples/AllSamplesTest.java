package dev.gradc.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import dev.gradc.compiler.Compilation;
import dev.gradc.compiler.Compiler;
import dev.gradc.dsl.Source;
import dev.gradc.runtime.Trainer;
import dev.gradc.runtime.DType;
import dev.gradc.runtime.internal.Rng;
import dev.gradc.runtime.TensorInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/** Every sample model compiles in both precisions, passes ASM's verifier, and trains without allocating. */
class AllSamplesTest {
    static Stream<Path> samples() throws IOException {
        try (Stream<Path> files = Files.walk(MoonsSampleTest.SAMPLES, 2)) {
            List<Path> models = files.filter(p -> p.toString().endsWith(".grad")).sorted().toList();
            assertTrue(models.size() >= 3, "samples found: " + models);
            return models.stream();
        }
    }

    static Compilation compile(Path model, DType dtype) throws IOException {
        return Compiler.compile(Source.read(model), Compiler.Options.DEFAULT.withDtype(dtype));
    }

    @ParameterizedTest
    @MethodSource("samples")
    void verifiesInBothPrecisions(Path model) throws IOException {
        for (DType dtype : DType.values()) {
            StringWriter report = new StringWriter();
            CheckClassAdapter.verify(new ClassReader(compile(model, dtype).classBytes()), getClass().getClassLoader(), false, new PrintWriter(report));
            assertEquals("", report.toString(), model + " " + dtype);
        }
    }

    @ParameterizedTest
    @MethodSource("samples")
    void stepAllocatesNothing(Path model) throws IOException {
        Trainer t = compile(model, DType.FLOAT32).newTrainer(32, 1);
        Rng rng = new Rng(5);
        for (TensorInfo in : t.inputs()) {
            double[] v = new double[in.sizeAt(t.batch())];
            for (int i = 0; i < v.length; i++) v[i] = rng.nextInt(2); // valid as features and as class labels
            t.input(in.name()).copyFrom(v);
        }
        t.setLearningRate(1e-4);
        for (int i = 0; i < 15_000; i++) t.step(); // until C2 has compiled the Vector API tiles, they box
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(id);
        for (int i = 0; i < 1_000; i++) t.step();
        assertEquals(0, threads.getThreadAllocatedBytes(id) - before, "bytes allocated by 1,000 steps of " + model);
    }
}
