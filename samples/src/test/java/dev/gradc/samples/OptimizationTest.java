package dev.gradc.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradc.compiler.Compilation;
import dev.gradc.compiler.Compiler;
import dev.gradc.compiler.interp.Interpreter;
import dev.gradc.dsl.Source;
import dev.gradc.runtime.Trainer;
import dev.gradc.runtime.DType;
import dev.gradc.runtime.internal.Rng;
import dev.gradc.runtime.TensorInfo;
import java.io.DataInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Over every sample and benchmark model: the optimized compilation (passes, fusion, memory
 * planning) trains exactly as the unoptimized one and as the IR interpreter, and no generated
 * method reaches HotSpot's 8,000-byte limit.
 */
class OptimizationTest {
    private static final int BATCH = 4;

    static Stream<Path> models() throws IOException {
        Path root = MoonsSampleTest.SAMPLES.getParent();
        try (Stream<Path> samples = Files.walk(root.resolve("samples"), 2); Stream<Path> bench = Files.list(root.resolve("bench/models"))) {
            List<Path> all = Stream.concat(samples, bench).filter(p -> p.toString().endsWith(".grad")).sorted().toList();
            assertTrue(all.size() >= 8, "models found: " + all);
            return all.stream();
        }
    }

    static Compilation compile(Path model, DType dtype, boolean optimize) throws IOException {
        return Compiler.compile(Source.read(model), optimize ? Compiler.Options.DEFAULT.withDtype(dtype) : Compiler.Options.DEFAULT.withDtype(dtype).unoptimized());
    }

    @ParameterizedTest
    @MethodSource("models")
    void optimizedTrainsAsUnoptimizedAndAsTheInterpreter(Path model) throws IOException {
        Compilation optimized = compile(model, DType.FLOAT64, true), plain = compile(model, DType.FLOAT64, false);
        Trainer fast = optimized.newTrainer(BATCH, 3), slow = plain.newTrainer(BATCH, 3);
        feed(fast, 9);
        feed(slow, 9);
        Interpreter reference = new Interpreter(plain.trained(), BATCH);
        bindings(slow).forEach(reference::bind);
        boolean masks = !plain.trained().nodesOf(dev.gradc.compiler.ops.Leaf.MASK).isEmpty();
        for (int step = 0; step < 3; step++) {
            fast.step();
            slow.step();
            assertClose(slow.loss(), fast.loss(), model + " loss at step " + step);
            for (TensorInfo p : fast.params()) {
                assertClose(slow.param(p.name()).toDoubleArray(), fast.param(p.name()).toDoubleArray(), model + " " + p.name() + " after step " + step);
            }
            if (step == 0 && !masks) { // the interpreter draws no dropout masks
                reference.step();
                assertClose(reference.loss(), fast.loss(), model + " loss vs interpreter");
                for (TensorInfo p : fast.params()) {
                    assertClose(reference.bound(p.name()), fast.param(p.name()).toDoubleArray(), model + " " + p.name() + " vs interpreter");
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void everyGeneratedMethodIsUnder8000BytesOfBytecode(Path model) throws IOException {
        for (DType dtype : DType.values()) {
            for (boolean optimize : new boolean[] {true, false}) {
                Map<String, Integer> sizes = codeSizes(compile(model, dtype, optimize).classBytes());
                assertTrue(sizes.containsKey("step()V") && sizes.values().stream().anyMatch(b -> b > 200), "methods found: " + sizes);
                sizes.forEach((method, bytes) -> assertTrue(bytes < 8000,
                        model + " " + dtype + (optimize ? "" : " unoptimized") + ": " + method + " has " + bytes + " bytes of bytecode"));
            }
        }
    }

    /** Features uniform in [-1, 1); 1-D inputs (labels) 0 or 1, valid as classes, signs' stand-ins and targets. */
    static void feed(Trainer t, long seed) {
        Rng rng = new Rng(seed);
        for (TensorInfo in : t.inputs()) {
            double[] v = new double[in.sizeAt(t.batch())];
            for (int i = 0; i < v.length; i++) v[i] = in.shape().length == 1 ? rng.nextInt(2) : rng.uniform(-1, 1);
            t.input(in.name()).copyFrom(v);
        }
    }

    static Map<String, double[]> bindings(Trainer t) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (TensorInfo in : t.inputs()) out.put(in.name(), t.input(in.name()).toDoubleArray());
        for (TensorInfo p : t.params()) out.put(p.name(), t.param(p.name()).toDoubleArray());
        for (String h : t.hyperParameters()) out.put(h, new double[] {t.hyper(h)});
        return out;
    }

    private static void assertClose(double expected, double actual, String what) {
        assertClose(new double[] {expected}, new double[] {actual}, what);
    }

    /** Equal to 1e-12 relative to the tensor's largest magnitude. */
    private static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        double scale = Double.MIN_NORMAL;
        for (double e : expected) scale = Math.max(scale, Math.abs(e));
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-12 * scale, what + " [" + i + "]");
        }
    }

    /** Bytecode length of every method, read from the class file's Code attributes. */
    static Map<String, Integer> codeSizes(byte[] classFile) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        in.skipBytes(8); // magic, version
        int poolSize = in.readUnsignedShort();
        Map<Integer, String> utf8 = new HashMap<>();
        for (int i = 1; i < poolSize; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8.put(i, in.readUTF());
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipBytes(4);
                case 5, 6 -> { in.skipBytes(8); i++; }
                case 7, 8, 16, 19, 20 -> in.skipBytes(2);
                case 15 -> in.skipBytes(3);
                default -> throw new IOException("unknown constant tag " + tag);
            }
        }
        in.skipBytes(6); // access, this, super
        in.skipBytes(2 * in.readUnsignedShort()); // interfaces
        for (int f = in.readUnsignedShort(); f > 0; f--) { // fields
            in.skipBytes(6);
            skipAttributes(in);
        }
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (int m = in.readUnsignedShort(); m > 0; m--) {
            in.skipBytes(2);
            String name = utf8.get(in.readUnsignedShort()) + utf8.get(in.readUnsignedShort());
            for (int a = in.readUnsignedShort(); a > 0; a--) {
                String attribute = utf8.get(in.readUnsignedShort());
                int length = in.readInt();
                if (attribute.equals("Code")) {
                    in.skipBytes(4);
                    int code = in.readInt();
                    sizes.put(name, code);
                    in.skipBytes(length - 8);
                } else {
                    in.skipBytes(length);
                }
            }
        }
        return sizes;
    }

    private static void skipAttributes(DataInputStream in) throws IOException {
        for (int a = in.readUnsignedShort(); a > 0; a--) {
            in.skipBytes(2);
            in.skipBytes(in.readInt());
        }
    }
}
