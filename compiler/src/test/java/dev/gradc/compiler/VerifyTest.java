package dev.gradc.compiler;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradc.runtime.DType;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.util.CheckClassAdapter;

/** Generated classes pass ASM's verifier, are reproducible, and keep every method small for the JIT. */
class VerifyTest {
    static Stream<Arguments> classes() {
        List<Arguments> out = new ArrayList<>();
        for (DType dtype : DType.values()) {
            out.add(Arguments.of("moons " + dtype, TestModels.moons(dtype)));
            DifferentialTest.ops().forEach(a -> {
                String expr = (String) a.get()[0];
                out.add(Arguments.of(expr + " " + dtype, TestModels.compile(DifferentialTest.source(expr), dtype)));
            });
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("classes")
    void passesAsmVerification(String name, Compilation c) {
        for (Map.Entry<String, byte[]> file : c.classFiles().entrySet()) { // the trainer and its Vector API companion
            StringWriter report = new StringWriter();
            CheckClassAdapter.verify(new ClassReader(file.getValue()), VerifyTest.class.getClassLoader(), false, new PrintWriter(report));
            assertEquals("", report.toString(), name + " " + file.getKey());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("classes")
    void everyMethodIsUnderTheJitLimit(String name, Compilation c) {
        List<MethodSize> sizes = methodSizes(c.classBytes());
        assertTrue(sizes.stream().anyMatch(m -> m.name().equals("step") && m.bytes() > 0), name + ": no step() found");
        for (byte[] file : c.classFiles().values()) {
            for (var m : methodSizes(file)) assertTrue(m.bytes() < 8000, name + ": " + m.name() + " has " + m.bytes() + " bytes of bytecode");
        }
    }

    @Test
    void sameInputGivesByteIdenticalClass() {
        for (DType dtype : DType.values()) {
            Compilation a = TestModels.moons(dtype), b = TestModels.moons(dtype);
            assertEquals(a.classFiles().keySet(), b.classFiles().keySet());
            for (String name : a.classFiles().keySet()) assertArrayEquals(a.classFiles().get(name), b.classFiles().get(name), name);
        }
    }

    @Test
    void sourceFileIsTheModelFile() {
        String[] source = new String[1];
        new ClassReader(TestModels.moons(DType.FLOAT32).classBytes()).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public void visitSource(String file, String debug) {
                source[0] = file;
            }
        }, 0);
        assertEquals("Moons.grad", source[0]);
    }

    record MethodSize(String name, int bytes) {}

    /** Each method's code length, read from the Code attributes of the class file. */
    static List<MethodSize> methodSizes(byte[] bytes) {
        ClassReader r = new ClassReader(bytes);
        char[] buf = new char[r.getMaxStringLength()];
        int p = r.header + 6;                          // access, this, super
        p += 2 + 2 * r.readUnsignedShort(p);           // interfaces
        p = skipMembers(r, p);                         // fields
        List<MethodSize> out = new ArrayList<>();
        int methods = r.readUnsignedShort(p);
        p += 2;
        for (int i = 0; i < methods; i++) {
            String name = r.readUTF8(p + 2, buf);
            int attributes = r.readUnsignedShort(p + 6);
            p += 8;
            for (int a = 0; a < attributes; a++) {
                if (r.readUTF8(p, buf).equals("Code")) out.add(new MethodSize(name, r.readInt(p + 10)));
                p += 6 + r.readInt(p + 2);
            }
        }
        return out;
    }

    private static int skipMembers(ClassReader r, int p) {
        int count = r.readUnsignedShort(p);
        p += 2;
        for (int i = 0; i < count; i++) {
            int attributes = r.readUnsignedShort(p + 6);
            p += 8;
            for (int a = 0; a < attributes; a++) p += 6 + r.readInt(p + 2);
        }
        return p;
    }
}
