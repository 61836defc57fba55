package dev.gradc.compiler.emit;

import static org.objectweb.asm.Opcodes.ACC_FINAL;
import static org.objectweb.asm.Opcodes.ACC_PRIVATE;
import static org.objectweb.asm.Opcodes.ACC_PROTECTED;
import static org.objectweb.asm.Opcodes.ACC_PUBLIC;
import static org.objectweb.asm.Opcodes.ACC_STATIC;
import static org.objectweb.asm.Opcodes.ACC_SUPER;
import static org.objectweb.asm.Opcodes.V17;

import dev.gradc.compiler.ir.Graph;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ir.Size;
import dev.gradc.compiler.ops.Leaf;
import dev.gradc.dsl.Model;
import dev.gradc.runtime.internal.CompiledTrainer;
import dev.gradc.runtime.DType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.Type;
import org.objectweb.asm.commons.GeneratorAdapter;
import org.objectweb.asm.commons.Method;

/**
 * Emits one class per model: a subclass of {@link CompiledTrainer} with one primitive array field
 * per buffer (allocated once, in the constructor; optimizer state starts at zero as Java arrays do), one small static method per kernel, and
 * {@code step()}, the outputs and typed convenience methods calling them in schedule order. The
 * {@code .grad} file is the class's SourceFile and kernels carry the model's line numbers.
 */
public final class ClassEmitter {
    /** Calls per step method before it is split, keeping every method far below HotSpot's 8000-byte limit. */
    private static final int CALLS_PER_METHOD = 150;
    private static final Type BASE = Type.getType(CompiledTrainer.class);
    private static final Type STRING = Type.getType(String.class);
    private static final Type OBJECT = Type.getType(Object.class);
    private static final Type WORKERS = Type.getType(dev.gradc.runtime.internal.Workers.class);
    private static final Type TASK = Type.getType(dev.gradc.runtime.internal.Workers.Task.class);
    /** Split loops at most: keeps runPart's switch far below the 8000-byte limit. */
    private static final int MAX_SPLIT_KERNELS = 150;

    private final Model model;
    private final Graph graph;
    private final Schedule schedule;
    /** Whether large element-wise loops may be split across threads (with the other optimizations). */
    private final boolean splitLoops;
    private final Map<String, Double> hypers;
    private final Type self;
    private final Type elem;
    private final Type array;
    private final DType dtype;
    private final ClassWriter cw;
    private int classVersion = V17;
    private String[] interfaces = new String[0];
    /** Kernels whose loops the pool splits, by their id in runPart. */
    private final Map<Node, Integer> splitIds = new java.util.LinkedHashMap<>();

    private ClassEmitter(Model model, Graph graph, Map<String, Double> hypers, String internalName, DType dtype, boolean fusion) {
        this.model = model;
        this.graph = graph;
        this.schedule = new Schedule(graph, fusion);
        this.splitLoops = fusion;
        this.hypers = hypers;
        this.self = Type.getObjectType(internalName);
        this.dtype = dtype;
        this.elem = dtype == DType.FLOAT64 ? Type.DOUBLE_TYPE : Type.FLOAT_TYPE;
        this.array = Type.getType("[" + elem.getDescriptor());
        this.cw = new ClassWriter(Boolean.getBoolean("gradc.noframes") ? ClassWriter.COMPUTE_MAXS : ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                return "java/lang/Object"; // frames here only merge arrays and this; never load classes
            }
        };
    }

    /** The class file of a trainer for {@code graph}; {@code internalName} like {@code com/example/Moons}. */
    public static byte[] emit(Model model, Graph graph, Map<String, Double> hypers, String internalName, DType dtype) {
        return emit(model, graph, hypers, internalName, dtype, V17, new String[0], true);
    }

    /** As above, with a class-file version, interfaces to declare (internal names) and whether to fuse loops. */
    public static byte[] emit(Model model, Graph graph, Map<String, Double> hypers, String internalName, DType dtype,
                              int classVersion, String[] interfaces, boolean fusion) {
        ClassEmitter e = new ClassEmitter(model, graph, hypers, internalName, dtype, fusion);
        e.classVersion = classVersion;
        e.interfaces = interfaces.clone();
        return e.emitClass();
    }

    private byte[] emitClass() {
        java.util.Set<Node> kernels = new java.util.TreeSet<>((x, y) -> Integer.compare(x.id, y.id));
        kernels.addAll(schedule.step);
        kernels.addAll(schedule.accumulate);
        kernels.addAll(schedule.update);
        kernels.addAll(schedule.evaluate);
        schedule.outputs.values().forEach(kernels::addAll);
        for (Node n : kernels) {
            if (splitLoops && Kernel.splits(n) && splitIds.size() < MAX_SPLIT_KERNELS) splitIds.put(n, splitIds.size());
        }
        List<String> declared = new ArrayList<>(List.of(interfaces));
        if (!splitIds.isEmpty()) declared.add(TASK.getInternalName());
        cw.visit(classVersion, ACC_PUBLIC | ACC_FINAL | ACC_SUPER, self.getInternalName(), null, BASE.getInternalName(),
                declared.isEmpty() ? null : declared.toArray(String[]::new));
        cw.visitSource(model.source().fileName(), null);
        for (Schedule.Buffer b : schedule.buffers) {
            cw.visitField(ACC_PRIVATE | ACC_FINAL, b.field(), array.getDescriptor(), null, null).visitEnd();
        }
        constructors();
        for (Node n : kernels) kernel(n);
        if (!splitIds.isEmpty()) runPart();
        step();
        outputs();
        typedMethods();
        cw.visitEnd();
        return cw.toByteArray();
    }

    private String descriptorText() {
        StringBuilder d = new StringBuilder();
        d.append("model ").append(model.name()).append('\n');
        d.append("dtype ").append(dtype == DType.FLOAT64 ? "float64" : "float32").append('\n');
        for (Model.InputDecl in : model.inputs()) {
            d.append("input ").append(in.name()).append(' ').append(shapeText(graph.nodes().stream()
                    .filter(n -> n.op == dev.gradc.compiler.ops.Leaf.INPUT && n.attr.equals(in.name()))
                    .findFirst().map(n -> n.shape.dims()).orElseThrow())).append('\n');
        }
        for (Model.ParamDecl p : model.params()) {
            d.append("param ").append(p.name()).append(' ')
                    .append(shapeText(p.shape().stream().mapToInt(Integer::intValue).toArray()))
                    .append(' ').append(p.init().functionName);
            for (double a : p.initArgs()) d.append(' ').append(a);
            d.append('\n');
        }
        graph.outputs().forEach((name, n) -> d.append("output ").append(name).append(' ').append(shapeText(n.shape.dims())).append('\n'));
        hypers.forEach((name, v) -> d.append("hyper ").append(name).append(' ').append(v).append('\n'));
        for (Node n : graph.nodesOf(Leaf.STATE)) {
            d.append("state ").append(Leaf.bufferName(n)).append(' ').append(shapeText(n.shape.dims())).append('\n');
        }
        for (String name : graph.accumulate().keySet()) d.append("accumulator ").append(name).append('\n');
        for (Node n : graph.nodesOf(Leaf.MASK)) {
            d.append("mask ").append(Leaf.bufferName(n)).append(' ').append(shapeText(n.shape.dims()))
                    .append(' ').append(((Leaf.Mask) n.attr).p()).append('\n');
        }
        return d.toString();
    }

    private static String shapeText(int[] dims) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) sb.append(i > 0 ? "," : "").append(dims[i] < 0 ? "batch" : Integer.toString(dims[i]));
        return sb.append(']').toString();
    }

    private void constructors() {
        // public Model(int maxBatch) { this(maxBatch, 0L); }
        GeneratorAdapter byBatch = method(ACC_PUBLIC, "<init>", "(I)V");
        byBatch.loadThis();
        byBatch.loadArg(0);
        byBatch.push(0L);
        byBatch.invokeConstructor(self, new Method("<init>", "(IJ)V"));
        byBatch.returnValue();
        byBatch.endMethod();

        // public Model(int maxBatch, long seed): allocate and bind every buffer, then initialize.
        GeneratorAdapter g = method(ACC_PUBLIC, "<init>", "(IJ)V");
        g.loadThis();
        g.push(descriptorText());
        g.loadArg(0);
        g.invokeConstructor(BASE, new Method("<init>", "(Ljava/lang/String;I)V"));
        for (Schedule.Buffer b : schedule.buffers) {
            Size size = b.size();
            g.loadThis();
            g.loadThis();
            g.push(Math.toIntExact(size.coef()));
            g.push(size.batchPower());
            g.invokeVirtual(self, new Method("sized", "(II)I"));
            g.newArray(elem);
            g.putField(self, b.field(), array);
        }
        bindings().forEach((key, node) -> {
            g.loadThis();
            g.push(key);
            loadBuffer(g, node);
            g.invokeVirtual(self, new Method("bind", Type.VOID_TYPE, new Type[] {STRING, OBJECT}));
        });
        g.loadThis();
        g.loadArg(1);
        g.invokeVirtual(self, new Method("initialize", "(J)V"));
        g.returnValue();
        g.endMethod();
    }

    /** The named buffers the base class exposes, by their binding keys. */
    private Map<String, Node> bindings() {
        Map<String, Node> keys = new java.util.LinkedHashMap<>();
        for (Node n : graph.nodes()) {
            if (Leaf.isNamedBuffer(n) && !schedule.isInline(n)) keys.put(n.op.name + " " + Leaf.bufferName(n), n);
        }
        graph.grads().forEach((name, n) -> keys.put("grad " + name, n));
        graph.outputs().forEach((name, n) -> keys.put("output " + name, n));
        keys.put("loss", graph.loss());
        keys.put("evalLoss", graph.evalLoss());
        return keys;
    }

    private void loadBuffer(GeneratorAdapter g, Node n) {
        g.loadThis();
        g.getField(self, schedule.storage.get(n).field(), array);
    }

    private String kernelName(Node n) {
        return "k" + n.id + "_" + n.op.name;
    }

    private int arrayArgs(Node n) {
        return 1 + schedule.kernelArgs(n).size();
    }

    private void kernel(Node n) {
        GeneratorAdapter g = method(ACC_PRIVATE | ACC_STATIC, kernelName(n), kernelDescriptor(n));
        line(g, n);
        n.op.emit(new Kernel(n, g, elem, schedule.kernelArgs(n), schedule.fusedInto::containsKey, splitIds.containsKey(n)));
        g.returnValue();
        g.endMethod();
    }

    private String kernelDescriptor(Node n) {
        return Kernel.descriptor(elem, arrayArgs(n), Kernel.usesWorkers(n), splitIds.containsKey(n));
    }

    /** A kernel call: direct, or for a split loop through the pool ({@code Workers.run(workers, this, id)}). */
    private void call(GeneratorAdapter g, Node n) {
        if (splitIds.containsKey(n)) {
            line(g, n);
            g.loadThis();
            g.getField(BASE, "workers", WORKERS);
            g.loadThis();
            g.push(splitIds.get(n));
            g.invokeStatic(WORKERS, new Method("run", Type.VOID_TYPE, new Type[] {WORKERS, TASK, Type.INT_TYPE}));
            return;
        }
        invokeKernel(g, n);
    }

    /** Loads a kernel's buffers and the batch (and the pool, for a product) and calls it. */
    private void invokeKernel(GeneratorAdapter g, Node n) {
        line(g, n);
        loadBuffer(g, n);
        for (Node in : schedule.kernelArgs(n)) loadBuffer(g, in);
        g.loadThis();
        g.getField(BASE, "batch", Type.INT_TYPE);
        if (Kernel.usesWorkers(n)) {
            g.loadThis();
            g.getField(BASE, "workers", Type.getType(dev.gradc.runtime.internal.Workers.class));
        }
        if (splitIds.containsKey(n)) {
            g.loadArg(1); // part
            g.loadArg(2); // parts
        }
        g.invokeStatic(self, new Method(kernelName(n), kernelDescriptor(n)));
    }

    /** {@code runPart(id, part, parts)}: the pool's entry into split loop {@code id}. */
    private void runPart() {
        GeneratorAdapter g = method(ACC_PUBLIC, "runPart", "(III)V");
        List<Node> split = new ArrayList<>(splitIds.keySet());
        Label[] cases = new Label[split.size()];
        for (int i = 0; i < cases.length; i++) cases[i] = new Label();
        Label done = new Label();
        g.loadArg(0);
        g.visitTableSwitchInsn(0, cases.length - 1, done, cases);
        for (int i = 0; i < cases.length; i++) {
            g.mark(cases[i]);
            invokeKernel(g, split.get(i));
            g.goTo(done);
        }
        g.mark(done);
        g.returnValue();
        g.endMethod();
    }

    private static void line(GeneratorAdapter g, Node n) {
        if (n.pos.line() <= 0) return;
        Label here = g.mark();
        g.visitLineNumber(n.pos.line(), here);
    }

    /** {@code step()}: every kernel of the training step in order, split into parts if long. */
    private void step() {
        boolean masks = !graph.nodesOf(Leaf.MASK).isEmpty();
        GeneratorAdapter evaluation = method(ACC_PROTECTED, "runEvaluation", "()V");
        for (Node n : schedule.evaluate) call(evaluation, n);
        evaluation.returnValue();
        evaluation.endMethod();
        entryPoint("step", schedule.step, graph.updates(), masks, null);
        if (graph.accumulate().isEmpty()) return;
        entryPoint("accumulate", schedule.accumulate, graph.accumulate(), masks, null);
        entryPoint("update", schedule.update, graph.applyUpdates(), false, "clearAccumulators");
    }

    /**
     * A public no-argument method running {@code calls} in order (split into parts if long): after
     * drawing dropout masks if asked, before {@code finish} on the base class if given.
     */
    private void entryPoint(String name, List<Node> calls, Map<String, Node> updates, boolean masks, String finish) {
        int parts = Math.max(1, (calls.size() + CALLS_PER_METHOD - 1) / CALLS_PER_METHOD);
        for (int part = 0; part < parts; part++) {
            GeneratorAdapter g = method(ACC_PRIVATE, name + "$" + part, "()V");
            for (Node n : calls.subList(part * CALLS_PER_METHOD, Math.min(calls.size(), (part + 1) * CALLS_PER_METHOD))) {
                call(g, n);
            }
            g.returnValue();
            g.endMethod();
        }
        GeneratorAdapter g = method(ACC_PUBLIC, name, "()V");
        if (masks) {
            g.loadThis();
            g.invokeVirtual(self, new Method("refreshMasks", "()V"));
        }
        for (int part = 0; part < parts; part++) {
            g.loadThis();
            g.invokeVirtual(self, new Method(name + "$" + part, "()V"));
        }
        schedule.copiedUpdates(updates).forEach((value, target) -> {
            // System.arraycopy(value, 0, target, 0, target.length)
            loadBuffer(g, value);
            g.push(0);
            loadBuffer(g, target);
            g.push(0);
            loadBuffer(g, target);
            g.arrayLength();
            g.invokeStatic(Type.getType(System.class), new Method("arraycopy", "(Ljava/lang/Object;ILjava/lang/Object;II)V"));
        });
        if (finish != null) {
            g.loadThis();
            g.invokeVirtual(self, new Method(finish, "()V"));
        }
        g.returnValue();
        g.endMethod();
    }

    /** {@code runOutput(i)} and one {@code output$name()} per output. */
    private void outputs() {
        List<String> names = new ArrayList<>(schedule.outputs.keySet());
        for (String name : names) {
            GeneratorAdapter g = method(ACC_PRIVATE, "output$" + name, "()V");
            for (Node n : schedule.outputs.get(name)) call(g, n);
            g.returnValue();
            g.endMethod();
        }
        GeneratorAdapter g = method(ACC_PROTECTED, "runOutput", "(I)V");
        for (int i = 0; i < names.size(); i++) {
            Label next = new Label();
            g.loadArg(0);
            g.push(i);
            g.ifICmp(GeneratorAdapter.NE, next);
            g.loadThis();
            g.invokeVirtual(self, new Method("output$" + names.get(i), "()V"));
            g.returnValue();
            g.mark(next);
        }
        g.returnValue();
        g.endMethod();
    }

    /** {@code setX(float[])} per input and {@code float[] predict()} per output. */
    private void typedMethods() {
        for (int i = 0; i < model.inputs().size(); i++) {
            String name = model.inputs().get(i).name();
            GeneratorAdapter g = method(ACC_PUBLIC, "set" + Character.toUpperCase(name.charAt(0)) + name.substring(1),
                    Type.getMethodDescriptor(Type.VOID_TYPE, array));
            g.loadThis();
            g.push(i);
            g.loadArg(0);
            g.invokeVirtual(self, new Method("feed", "(ILjava/lang/Object;)V"));
            g.returnValue();
            g.endMethod();
        }
        List<String> names = new ArrayList<>(graph.outputs().keySet());
        for (int i = 0; i < names.size(); i++) {
            GeneratorAdapter g = method(ACC_PUBLIC, names.get(i), Type.getMethodDescriptor(array));
            g.loadThis();
            g.invokeVirtual(self, new Method("output$" + names.get(i), "()V"));
            loadBuffer(g, graph.outputs().get(names.get(i)));
            g.returnValue();
            g.endMethod();
        }
    }

    private GeneratorAdapter method(int access, String name, String descriptor) {
        Method m = new Method(name, descriptor);
        GeneratorAdapter g = new GeneratorAdapter(access, m, cw.visitMethod(access, name, descriptor, null, null));
        g.visitCode();
        return g;
    }
}
