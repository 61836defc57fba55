package dev.gradc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradc.runtime.DType;
import dev.gradc.runtime.internal.StepSupport;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.InvokeDynamicInsnNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * The classes a training step runs hold no string constant outside what runs before the first step
 * (static initializers, a generated class's constructor). When a thread first asks for a C2
 * compilation of a method, HotSpot creates every string constant of the method's class on that
 * thread, and for these classes that thread may be a trainer's stepping thread, whose steps must
 * allocate nothing: Workers' thread name cost a step 56 bytes in about one run in ten, and
 * CompiledTrainer's messages 3.7 KB (ZeroAllocationTest, under a JVMTI agent sampling every
 * allocation).
 */
class StepStringsTest {
    private static final String RUNTIME = "dev/gradc/runtime/";
    /** Methods of a generated class that run before its first step (the constructor calls signature$ and storage$) or on its warm-up thread. */
    private static final Set<String> BEFORE_STEPS = Set.of("<init>", "<clinit>", "signature$", "storage$", "round", "ready");
    /** The runtime's texts: what a step calls there only on an error, or what describes the kernels. */
    private static final Set<String> TEXTS = Set.of(RUNTIME + "internal/KernelText");

    private static final String DROPOUT_AND_LABELS = String.join("\n",
            "class DropoutAndLabels {",
            "    Input x = input(batch, 20);",
            "    Input label = input(batch);",
            "    Param w1 = heUniform(20, 64), b1 = zeros(64);",
            "    Param w2 = heUniform(64, 5), b2 = zeros(5);",
            "    Tensor logits() { return matmul(dropout(relu(matmul(x, w1) + b1), 0.3), w2) + b2; }",
            "    Tensor loss() { return crossEntropy(logits(), label); }",
            "    Optimizer optimizer = adam(1e-3);",
            "}");

    @Test
    void aStepCreatesNoStringConstant() throws IOException {
        List<Compilation> compilations = new ArrayList<>();
        for (DType dtype : DType.values()) {
            for (String model : List.of("samples/moons/Moons.grad", "samples/batchnorm/DeepSpiralsBN.grad", "bench/models/W2MnistMlp.grad",
                    "samples/fashion-mnist/FashionMnist.grad")) {
                compilations.add(Compiler.compile(dev.gradc.dsl.Source.read(TestModels.findUp(model)), Compiler.Options.DEFAULT.withDtype(dtype)));
            }
            compilations.add(TestModels.compile(DROPOUT_AND_LABELS, dtype));
        }
        Set<String> reached = new TreeSet<>();
        for (Compilation c : compilations) {
            for (Map.Entry<String, byte[]> file : c.classFiles().entrySet()) {
                ClassNode generated = read(file.getValue());
                assertEquals(List.of(), strings(generated, BEFORE_STEPS), file.getKey() + ": string constants in methods a step runs");
                for (MethodNode m : stepMethods(generated)) reached.addAll(runtimeCallees(generated, m));
            }
        }
        assertTrue(reached.contains(Type.getInternalName(StepSupport.class)), "the generated step checks its labels: " + reached);
        // Every runtime class a step can reach, through any method of the classes it reaches.
        Deque<String> pending = new ArrayDeque<>(reached);
        while (!pending.isEmpty()) {
            ClassNode c = read(pending.pop());
            for (MethodNode m : c.methods) {
                for (String callee : runtimeCallees(c, m)) if (reached.add(callee)) pending.push(callee);
            }
        }
        // The JDK's classes keep their string constants, which a step may still create: the ones it calls
        // are listed, so that a new one is a decision (AtomicReferenceArray was seen to cost a step 104 bytes).
        List<String> found = new ArrayList<>();
        Set<String> jdk = new TreeSet<>();
        for (String name : reached) {
            ClassNode c = read(name);
            found.addAll(strings(c, Set.of("<clinit>")));
            for (MethodNode m : c.methods) {
                if (m.name.equals("<clinit>")) continue;
                for (AbstractInsnNode insn : m.instructions) {
                    if (insn instanceof MethodInsnNode call && !call.owner.startsWith(RUNTIME) && !call.owner.startsWith("[")) jdk.add(call.owner);
                }
            }
        }
        assertEquals(List.of(), found, "string constants outside static initializers in the classes a step reaches, " + reached);
        assertEquals(STEP_JDK, jdk, "the JDK classes the classes a step reaches call");
    }

    /**
     * Arithmetic and copies (Math, Float, System, Arrays), the Vector API, the pool's parking and
     * counting (Workers), the current thread (VectorMatMul.inUse), and the warm-up's allocation counter.
     */
    private static final Set<String> STEP_JDK = new TreeSet<>(List.of("com/sun/management/ThreadMXBean", "java/lang/Float", "java/lang/Math",
            "java/lang/Object", "java/lang/System", "java/lang/Thread", "java/lang/management/ManagementFactory", "java/util/Arrays",
            "java/util/concurrent/atomic/AtomicInteger", "java/util/concurrent/locks/LockSupport", "jdk/incubator/vector/FloatVector",
            "jdk/incubator/vector/IntVector", "jdk/incubator/vector/VectorSpecies"));

    /**
     * The methods of a generated class that its training entry points run: step, accumulate and update
     * (a trainer's own class), its split loops' parts (runPart, which the pool calls), every method of a
     * Vector API companion but its warm-up, and what these call in the same class.
     */
    private static List<MethodNode> stepMethods(ClassNode generated) {
        Map<String, MethodNode> byName = new java.util.HashMap<>();
        for (MethodNode m : generated.methods) byName.put(m.name + m.desc, m);
        boolean companion = generated.name.endsWith("$Vector");
        Deque<MethodNode> pending = new ArrayDeque<>();
        for (MethodNode m : generated.methods) {
            if (companion ? !BEFORE_STEPS.contains(m.name) : Set.of("step", "accumulate", "update", "runPart").contains(m.name)) pending.push(m);
        }
        Set<MethodNode> found = new java.util.LinkedHashSet<>();
        while (!pending.isEmpty()) {
            MethodNode m = pending.pop();
            if (!found.add(m)) continue;
            for (AbstractInsnNode insn : m.instructions) {
                if (insn instanceof MethodInsnNode call && call.owner.equals(generated.name) && byName.containsKey(call.name + call.desc)) {
                    pending.push(byName.get(call.name + call.desc));
                }
            }
        }
        return new ArrayList<>(found);
    }

    /** The runtime classes (but its texts) that method {@code m} of {@code c} calls; a call on a generated class's own inherited method counts for the class that declares it. */
    private static Set<String> runtimeCallees(ClassNode c, MethodNode m) {
        Set<String> out = new TreeSet<>();
        for (AbstractInsnNode insn : m.instructions) {
            if (!(insn instanceof MethodInsnNode call)) continue;
            String owner = call.owner.equals(c.name) && !c.name.startsWith(RUNTIME) ? declaring(c, call.name, call.desc) : call.owner;
            if (owner.startsWith(RUNTIME) && !TEXTS.contains(owner)) out.add(owner);
        }
        return out;
    }

    /** The class that declares {@code name desc}: the generated class itself or one of its runtime superclasses. */
    private static String declaring(ClassNode generated, String name, String desc) {
        for (ClassNode c = generated; ; c = read(c.superName)) {
            for (MethodNode m : c.methods) if (m.name.equals(name) && m.desc.equals(desc)) return c.name;
            if (c.superName == null) throw new AssertionError(generated.name + " calls " + name + desc + ", declared nowhere");
        }
    }

    /** Every string constant of {@code c} outside methods named in {@code allowed}, as "Class.method: text". */
    private static List<String> strings(ClassNode c, Set<String> allowed) {
        List<String> out = new ArrayList<>();
        for (MethodNode m : c.methods) {
            if (allowed.contains(m.name)) continue;
            for (AbstractInsnNode insn : m.instructions) {
                List<Object> constants = new ArrayList<>();
                if (insn instanceof LdcInsnNode ldc) constants.add(ldc.cst);
                if (insn instanceof InvokeDynamicInsnNode indy) constants.addAll(List.of(indy.bsmArgs)); // a concatenation's recipe
                for (Object k : constants) if (k instanceof String s) out.add(c.name + "." + m.name + ": \"" + s + "\"");
            }
        }
        return out;
    }

    private static ClassNode read(byte[] bytes) {
        ClassNode node = new ClassNode();
        new ClassReader(bytes).accept(node, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return node;
    }

    private static ClassNode read(String internalName) {
        try (InputStream in = StepSupport.class.getClassLoader().getResourceAsStream(internalName + ".class")) {
            if (in == null) throw new AssertionError("no class file for " + internalName);
            return read(in.readAllBytes());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
