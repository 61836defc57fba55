package dev.gradc.compiler.emit;

import static org.objectweb.asm.Opcodes.ACC_FINAL;
import static org.objectweb.asm.Opcodes.ACC_PRIVATE;
import static org.objectweb.asm.Opcodes.ACC_PROTECTED;
import static org.objectweb.asm.Opcodes.ACC_PUBLIC;
import static org.objectweb.asm.Opcodes.ACC_STATIC;
import static org.objectweb.asm.Opcodes.ACC_SUPER;

import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ir.Size;
import dev.gradc.compiler.plan.Plan;
import dev.gradc.runtime.DType;
import dev.gradc.runtime.TensorInfo;
import dev.gradc.runtime.internal.CompiledTrainer;
import dev.gradc.runtime.internal.Signature;
import dev.gradc.runtime.internal.Storage;
import dev.gradc.runtime.internal.Workers;
import dev.gradc.runtime.internal.Warmup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Label;
import org.objectweb.asm.Type;
import org.objectweb.asm.commons.GeneratorAdapter;
import org.objectweb.asm.commons.Method;

/**
 * Emits one class per model from its {@link Plan} and {@link Signature}: a subclass of
 * {@link CompiledTrainer}, which allocates the plan's buffers from the storage text the constructor
 * passes it, one small static method per distinct kernel, and the entry points ({@code step()},
 * the outputs...) calling them in the plan's order. Typed methods ({@code setX}, one per output) come
 * from the signature. The {@code .grad} file is the class's SourceFile and calls carry the model's
 * line numbers.
 */
public final class ClassEmitter {
    /** What the class file looks like beyond the plan: its name, element type, version, interfaces, source file. */
    public record ClassOptions(String internalName, DType dtype, int classVersion, List<String> interfaces, String sourceFile) {
        public ClassOptions {
            interfaces = List.copyOf(interfaces);
        }
    }

    /**
     * Bytes of bytecode per entry-point part before a new part starts: every generated method stays
     * far below HotSpot's 8,000-byte limit on compiling a method (and the JVM's 64 KiB).
     */
    private static final int BYTES_PER_PART = 5000;
    /** Characters per string constant: modified UTF-8 takes at most 3 bytes a character, a constant 65,535. */
    private static final int CHARS_PER_CONSTANT = 20000;
    private static final Type BASE = Type.getType(CompiledTrainer.class);
    private static final Type STRING = Type.getType(String.class);
    private static final Type WORKERS = Type.getType(Workers.class);
    private static final Type TASK = Type.getType(Workers.Task.class);

    private final Plan plan;
    private final Signature signature;
    private final ClassOptions options;
    private final Type self;
    private final Type elem;
    private final Type array;
    /** The field holding every buffer: {@code float[][] floats} or {@code double[][] doubles}. */
    private final String buffersField;
    private final Type buffersType;
    private final ClassWriter cw;
    /** Methods whose kernels have a Vector API variant, and the class that holds those. */
    private final Set<String> vectorKernels = new LinkedHashSet<>();
    private final Type vectorClass;

    private ClassEmitter(Plan plan, Signature signature, ClassOptions options) {
        this.plan = plan;
        this.signature = signature;
        this.options = options;
        this.self = Type.getObjectType(options.internalName());
        this.elem = options.dtype() == DType.FLOAT64 ? Type.DOUBLE_TYPE : Type.FLOAT_TYPE;
        this.array = Type.getType("[" + elem.getDescriptor());
        this.buffersField = options.dtype() == DType.FLOAT64 ? "doubles" : "floats";
        this.buffersType = Type.getType("[" + array.getDescriptor());
        this.cw = writer();
        this.vectorClass = Type.getObjectType(options.internalName() + "$Vector");
        for (Plan.Kernel k : plan.methods()) if (KernelEmitter.hasVectorVariant(k, elem)) vectorKernels.add(k.method());
    }

    private static ClassWriter writer() {
        return new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected String getCommonSuperClass(String a, String b) {
                return "java/lang/Object"; // frames here only merge arrays and this; never load classes
            }
        };
    }

    /**
     * {@code Name$Vector}: the Vector API variants of the kernels, public static like the originals;
     * {@code READY}, false until a daemon thread started by its initializer has run them until the
     * JIT compiled them ({@link Warmup}); a round of that warm-up calls each on scratch arrays.
     */
    private byte[] emitVectorClass() {
        ClassWriter vw = writer();
        Type job = Type.getType(Warmup.Job.class);
        vw.visit(options.classVersion(), ACC_PUBLIC | ACC_FINAL | ACC_SUPER, vectorClass.getInternalName(), null,
                "java/lang/Object", new String[] {job.getInternalName()});
        vw.visitSource(options.sourceFile(), null);
        vw.visitField(ACC_PUBLIC | ACC_STATIC | org.objectweb.asm.Opcodes.ACC_VOLATILE, "READY", "Z", null, null).visitEnd();
        vw.visitField(ACC_PRIVATE | ACC_FINAL, "scratch", "[[F", null, null).visitEnd();
        vw.visitField(ACC_PUBLIC | ACC_STATIC | ACC_FINAL, "KERNELS", HANDLES.getDescriptor(), null, null).visitEnd();
        List<Plan.Kernel> kernels = new ArrayList<>();
        for (Plan.Kernel k : plan.methods()) if (vectorKernels.contains(k.method())) kernels.add(k);
        for (Plan.Kernel k : kernels) {
            GeneratorAdapter g = method(vw, ACC_PUBLIC | ACC_STATIC, k.method(), KernelEmitter.descriptor(k, elem));
            line(g, k.root());
            k.root().op.lower(new KernelEmitter(k, g, elem, true));
            g.returnValue();
            g.endMethod();
        }
        // One static method per kernel that calls it through its handle, and the trainer calls these:
        // an invokeExact call site allocates when it is first linked, so the warm-up thread, calling
        // the same methods, links every one before READY lets a trainer in.
        for (int i = 0; i < kernels.size(); i++) {
            Plan.Kernel k = kernels.get(i);
            String descriptor = KernelEmitter.descriptor(k, elem);
            GeneratorAdapter g = method(vw, ACC_PUBLIC | ACC_STATIC, viaHandle(k), descriptor);
            g.getStatic(vectorClass, "KERNELS", HANDLES);
            g.push(i);
            g.arrayLoad(HANDLE);
            g.loadArgs();
            g.invokeVirtual(HANDLE, new Method("invokeExact", descriptor));
            g.returnValue();
            g.endMethod();
        }
        // static { KERNELS = {handles of the kernels}; Warmup.start(new Name$Vector()); }
        GeneratorAdapter clinit = method(vw, ACC_STATIC, "<clinit>", "()V");
        clinit.push(kernels.size());
        clinit.newArray(HANDLE);
        for (int i = 0; i < kernels.size(); i++) {
            clinit.dup();
            clinit.push(i);
            clinit.push(new org.objectweb.asm.Handle(org.objectweb.asm.Opcodes.H_INVOKESTATIC, vectorClass.getInternalName(),
                    kernels.get(i).method(), KernelEmitter.descriptor(kernels.get(i), elem), false));
            clinit.arrayStore(HANDLE);
        }
        clinit.putStatic(vectorClass, "KERNELS", HANDLES);
        clinit.newInstance(vectorClass);
        clinit.dup();
        clinit.invokeConstructor(vectorClass, new Method("<init>", "()V"));
        clinit.invokeStatic(Type.getType(Warmup.class), new Method("start", Type.VOID_TYPE, new Type[] {job}));
        clinit.returnValue();
        clinit.endMethod();
        // Scratch arrays at a small batch, one per argument of each kernel, allocated once (Warmup.scratch).
        List<Integer> sizes = new ArrayList<>(), arguments = new ArrayList<>();
        List<Integer> batches = new ArrayList<>();
        List<int[]> warmUpParts = new ArrayList<>();
        for (Plan.Kernel k : kernels) {
            List<Size> args = new ArrayList<>();
            // A flat kernel's batch is its length: its arrays hold that many elements, or one.
            Function<Node, Size> size = k.flat()
                    ? n -> n.shape.size().equals(Size.ONE) ? Size.ONE : Size.BATCH
                    : n -> n.shape.size();
            args.add(size.apply(k.root()));
            for (Node in : k.reads()) args.add(size.apply(in));
            int batch = 64;
            for (Size s : args) if (s.at(batch) > 1 << 20) batch = 1;
            batches.add(batch);
            warmUpParts.add(k.splits() ? warmUpParts(k, batch) : null);
            for (int a = 0; a < args.size(); a++) {
                sizes.add((int) Math.min(Integer.MAX_VALUE - 8, args.get(a).at(batch)));
                arguments.add(a);
            }
        }
        GeneratorAdapter init = method(vw, ACC_PUBLIC, "<init>", "()V");
        init.loadThis();
        init.invokeConstructor(Type.getType(Object.class), new Method("<init>", "()V"));
        init.loadThis();
        init.push(sizes.size());
        init.newArray(Type.getType("[F"));
        for (int i = 0; i < sizes.size(); i++) {
            init.dup();
            init.push(i);
            init.push(sizes.get(i));
            init.push(arguments.get(i));
            init.invokeStatic(Type.getType(Warmup.class), new Method("scratch", "(II)[F"));
            init.arrayStore(Type.getType("[F"));
        }
        init.putField(vectorClass, "scratch", Type.getType("[[F"));
        init.returnValue();
        init.endMethod();
        // Each kernel twice: at the scratch batch, whole (a large split loop: its first part), and at
        // one row less, the middle third of a split loop (a large one: a part as far into it). A loop
        // the warm-up never entered (the one-element tail after the whole vectors, when the scratch
        // batch fills whole vectors) is compiled as a trap, and the trainer's first tail would send
        // the kernel back to the interpreter, boxing vectors until it recompiles.
        GeneratorAdapter round = method(vw, ACC_PUBLIC, "round", "()V");
        for (int pass = 0; pass < 2; pass++) {
            int next = 0;
            for (int i = 0; i < kernels.size(); i++) {
                Plan.Kernel k = kernels.get(i);
                for (int a = 0; a <= k.reads().size(); a++) {
                    round.loadThis();
                    round.getField(vectorClass, "scratch", Type.getType("[[F"));
                    round.push(next++);
                    round.arrayLoad(Type.getType("[F"));
                }
                round.push(pass == 0 ? batches.get(i) : Math.max(1, batches.get(i) - 1));
                if (k.pool()) round.push((String) null);
                if (k.splits()) {
                    round.push(pass == 0 ? 0 : 1);
                    round.push(warmUpParts.get(i)[pass]);
                }
                round.invokeStatic(vectorClass, new Method(viaHandle(k), KernelEmitter.descriptor(k, elem))); // as the trainer calls it
            }
        }
        round.returnValue();
        round.endMethod();
        GeneratorAdapter ready = method(vw, ACC_PUBLIC, "ready", "()V");
        ready.push(true);
        ready.putStatic(vectorClass, "READY", Type.BOOLEAN_TYPE);
        ready.returnValue();
        ready.endMethod();
        vw.visitEnd();
        return vw.toByteArray();
    }

    /**
     * The parts a warm-up round splits a split kernel's loop into, in its two passes (part 0 of the
     * first count, then part 1 of the second): whole and thirds for a small loop; for a large one P,
     * a power of two leaving about {@link #WARM_UP_ELEMENTS} elements, then 3P, a part as unaligned
     * as the middle third, each no more parts than the outer axis has rows, so that every loop of the
     * kernel still runs. Whole, W4's 1024 x 1024 gradient sums took the warm-up 2.9 of its 3.5
     * CPU-seconds (AMD Zen 1).
     */
    private static int[] warmUpParts(Plan.Kernel k, int batch) {
        long elements = k.root().shape.size().at(batch), rows = k.root().shape.dimSize(0).at(batch);
        long most = Math.min(rows, elements / WARM_UP_ELEMENTS);
        int parts = most <= 1 ? 1 : Integer.highestOneBit((int) Math.min(most, 1 << 30));
        return new int[] {parts, 3L * parts <= rows ? 3 * parts : 3};
    }

    /** About how many elements of a split kernel's loop a warm-up round runs. */
    private static final int WARM_UP_ELEMENTS = 4096;

    /**
     * The class files of a trainer running {@code plan} and exposing {@code signature}, by binary
     * name: the trainer first, then (float32 with vector kernels) its companion {@code Name$Vector}
     * holding the kernels' Vector API variants, loaded only where the JVM has the module.
     */
    public static Map<String, byte[]> emit(Plan plan, Signature signature, ClassOptions options) {
        ClassEmitter e = new ClassEmitter(plan, signature, options);
        Map<String, byte[]> out = new LinkedHashMap<>();
        out.put(options.internalName().replace('/', '.'), e.emitClass());
        if (!e.vectorKernels.isEmpty()) out.put(e.vectorClass.getInternalName().replace('/', '.'), e.emitVectorClass());
        return out;
    }

    private byte[] emitClass() {
        cw.visit(options.classVersion(), ACC_PUBLIC | ACC_FINAL | ACC_SUPER, self.getInternalName(), null, BASE.getInternalName(),
                options.interfaces().isEmpty() ? null : options.interfaces().toArray(String[]::new));
        cw.visitSource(options.sourceFile(), null);
        text("signature$", signature.format());
        text("storage$", new Storage(storage(), plan.bindings()).format());
        constructors();
        for (Plan.Kernel k : plan.methods()) kernel(k);
        for (Plan.EntryPoint e : plan.entryPoints()) entryPoint(e);
        runOutput();
        runPart();
        typedMethods();
        cw.visitEnd();
        return cw.toByteArray();
    }

    private List<Storage.Buffer> storage() {
        List<Storage.Buffer> out = new ArrayList<>();
        for (Plan.Buffer b : plan.buffers()) out.add(new Storage.Buffer(b.size().coef(), b.size().batchPower()));
        return out;
    }

    /** {@code private static String name()} returning {@code text}, split into constants that each fit a class file's limit. */
    private void text(String name, String text) {
        GeneratorAdapter g = method(ACC_PRIVATE | ACC_STATIC, name, "()Ljava/lang/String;");
        if (text.length() <= CHARS_PER_CONSTANT) {
            g.push(text);
        } else {
            Type builder = Type.getType(StringBuilder.class);
            g.newInstance(builder);
            g.dup();
            g.push(text.length());
            g.invokeConstructor(builder, new Method("<init>", "(I)V"));
            for (int start = 0; start < text.length(); start += CHARS_PER_CONSTANT) {
                g.push(text.substring(start, Math.min(text.length(), start + CHARS_PER_CONSTANT)));
                g.invokeVirtual(builder, new Method("append", builder, new Type[] {STRING}));
            }
            g.invokeVirtual(builder, new Method("toString", STRING, new Type[0]));
        }
        g.returnValue();
        g.endMethod();
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

        // public Model(int maxBatch, long seed): the base class allocates, binds and initializes.
        GeneratorAdapter g = method(ACC_PUBLIC, "<init>", "(IJ)V");
        g.loadThis();
        g.invokeStatic(self, new Method("signature$", "()Ljava/lang/String;"));
        g.invokeStatic(self, new Method("storage$", "()Ljava/lang/String;"));
        g.loadArg(0);
        g.loadArg(1);
        g.invokeConstructor(BASE, new Method("<init>", "(Ljava/lang/String;Ljava/lang/String;IJ)V"));
        // Resolve here every class the kernels and entry points name: the first resolution asks this class's
        // loader, in Java code that allocates, and a trainer's first step must allocate nothing.
        for (Class<?> used : List.of(Workers.class, Workers.Task.class, dev.gradc.runtime.internal.MatMul.class,
                dev.gradc.runtime.internal.FloatMath.class, dev.gradc.runtime.internal.Scalars.class, Math.class,
                java.util.Arrays.class, System.class)) {
            g.push(Type.getType(used));
            g.pop();
        }
        if (!vectorKernels.isEmpty()) {
            // Load the Vector API companion now (its initializer starts its warm-up), not in the first step.
            Label none = new Label();
            g.getStatic(Type.getType(dev.gradc.runtime.internal.VectorPath.class), "ON", Type.BOOLEAN_TYPE);
            g.ifZCmp(GeneratorAdapter.EQ, none);
            g.getStatic(vectorClass, "READY", Type.BOOLEAN_TYPE);
            g.pop();
            g.mark(none);
        }
        g.returnValue();
        g.endMethod();
    }

    private void kernel(Plan.Kernel k) {
        GeneratorAdapter g = method(ACC_PRIVATE | ACC_STATIC, k.method(), KernelEmitter.descriptor(k, elem));
        line(g, k.root());
        KernelEmitter emitter = new KernelEmitter(k, g, elem);
        if (k.epilogue() != null) emitter.productWithEpilogue(k.epilogue());
        else k.root().op.lower(emitter);
        g.returnValue();
        g.endMethod();
    }

    /**
     * An entry point: {@code step}, {@code accumulate} and {@code update} public, {@code evaluate}
     * as {@code runEvaluation()}, an output as {@code output$name()}. Its calls run in parts of
     * bounded size, each its own method, then the copies and the base class's bookkeeping.
     */
    private void entryPoint(Plan.EntryPoint e) {
        String name = e.name().equals("evaluate") ? "runEvaluation" : e.name().startsWith("output ")
                ? "output$" + e.name().substring("output ".length()) : e.name();
        List<List<Plan.Call>> parts = parts(e.calls());
        for (int p = 0; p < parts.size(); p++) {
            GeneratorAdapter g = method(ACC_PRIVATE, name + "$" + p, "()V");
            int buffers = loadBuffers(g);
            for (Plan.Call c : parts.get(p)) call(g, buffers, c);
            g.returnValue();
            g.endMethod();
        }
        int access = e.name().equals("evaluate") ? ACC_PROTECTED : e.name().startsWith("output ") ? ACC_PRIVATE : ACC_PUBLIC;
        GeneratorAdapter g = method(access, name, "()V");
        if (access == ACC_PUBLIC) { // step, accumulate, update: the outputs no longer hold an evaluation's values
            g.loadThis();
            g.push(false);
            g.putField(BASE, "evaluated", Type.BOOLEAN_TYPE);
        }
        if (signature.checksTraining() && (e.name().equals("step") || e.name().equals("accumulate"))) {
            g.loadThis();
            g.invokeVirtual(self, new Method("checkTraining", "()V"));
        }
        if (e.drawsMasks()) {
            g.loadThis();
            g.invokeVirtual(self, new Method("refreshMasks", "()V"));
        }
        for (int p = 0; p < parts.size(); p++) {
            g.loadThis();
            g.invokeVirtual(self, new Method(name + "$" + p, "()V"));
        }
        if (!e.copies().isEmpty()) {
            int buffers = loadBuffers(g);
            for (Plan.Copy c : e.copies()) {
                // System.arraycopy(from, 0, to, 0, to.length)
                buffer(g, buffers, c.from());
                g.push(0);
                buffer(g, buffers, c.to());
                g.push(0);
                buffer(g, buffers, c.to());
                g.arrayLength();
                g.invokeStatic(Type.getType(System.class), new Method("arraycopy", "(Ljava/lang/Object;ILjava/lang/Object;II)V"));
            }
        }
        if (e.clearsAccumulators()) {
            g.loadThis();
            g.invokeVirtual(self, new Method("clearAccumulators", "()V"));
        }
        g.returnValue();
        g.endMethod();
    }

    /** Calls in consecutive parts whose bytecode stays under {@link #BYTES_PER_PART}. */
    private static List<List<Plan.Call>> parts(List<Plan.Call> calls) {
        List<List<Plan.Call>> parts = new ArrayList<>();
        List<Plan.Call> part = new ArrayList<>();
        int bytes = 0;
        for (Plan.Call c : calls) {
            int size = 36 + 6 * (1 + c.args().size()); // the buffers (aload, push, aaload each), batch, pool, the two invokes, line
            if (!part.isEmpty() && bytes + size > BYTES_PER_PART) {
                parts.add(part);
                part = new ArrayList<>();
                bytes = 0;
            }
            part.add(c);
            bytes += size;
        }
        if (!part.isEmpty() || parts.isEmpty()) parts.add(part);
        return parts;
    }

    /** Loads {@code this.floats} (or doubles) into a new local; returns it. */
    private int loadBuffers(GeneratorAdapter g) {
        int local = g.newLocal(buffersType);
        g.loadThis();
        g.getField(BASE, buffersField, buffersType);
        g.storeLocal(local);
        return local;
    }

    private void buffer(GeneratorAdapter g, int buffers, int index) {
        g.loadLocal(buffers);
        g.push(index);
        g.arrayLoad(array);
    }

    /** A kernel call: direct, or for a split loop through the pool ({@code Workers.run(workers, loopParts, id)}). */
    private void call(GeneratorAdapter g, int buffers, Plan.Call c) {
        line(g, c.kernel().root());
        if (c.splitId() >= 0) {
            g.loadThis();
            g.getField(BASE, "workers", WORKERS);
            g.loadThis();
            g.getField(BASE, "loopParts", TASK);
            g.push(c.splitId());
            g.invokeStatic(WORKERS, new Method("run", Type.VOID_TYPE, new Type[] {WORKERS, TASK, Type.INT_TYPE}));
            return;
        }
        invoke(g, buffers, c, false);
    }

    /** Loads a call's buffers and the batch (the pool for a product; part and parts for a split loop) and invokes its kernel. */
    private void invoke(GeneratorAdapter g, int buffers, Plan.Call c, boolean part) {
        Plan.Kernel k = c.kernel();
        Method kernel = new Method(k.method(), KernelEmitter.descriptor(k, elem));
        if (!vectorKernels.contains(k.method())) {
            arguments(g, buffers, c, part);
            g.invokeStatic(self, kernel);
            return;
        }
        // if (VectorPath.ON && Name$Vector.READY) the vector variant, else the plain one: the same bits.
        // VectorPath.ON comes first, so that Name$Vector is never loaded without the module. The variant
        // is called through a method handle the JIT cannot see through (by the companion's viaHandle
        // method), so that it stays a compiled method of its own: inlined into a long caller, its
        // vector operations would outgrow the JIT's inlining budget and fall back to boxed vectors.
        Label plainKernel = new Label(), done = new Label();
        g.getStatic(Type.getType(dev.gradc.runtime.internal.VectorPath.class), "ON", Type.BOOLEAN_TYPE);
        g.ifZCmp(GeneratorAdapter.EQ, plainKernel);
        g.getStatic(vectorClass, "READY", Type.BOOLEAN_TYPE);
        g.ifZCmp(GeneratorAdapter.EQ, plainKernel);
        arguments(g, buffers, c, part);
        g.invokeStatic(vectorClass, new Method(viaHandle(k), KernelEmitter.descriptor(k, elem)));
        g.goTo(done);
        g.mark(plainKernel);
        arguments(g, buffers, c, part);
        g.invokeStatic(self, kernel);
        g.mark(done);
    }

    /** The companion's method that calls a vector kernel through its handle. */
    private static String viaHandle(Plan.Kernel k) {
        return k.method() + "$viaHandle";
    }

    private static final Type HANDLE = Type.getType(java.lang.invoke.MethodHandle.class);
    private static final Type HANDLES = Type.getType(java.lang.invoke.MethodHandle[].class);

    /** A call's buffers and the batch (the pool for a product; part and parts for a split loop). */
    private void arguments(GeneratorAdapter g, int buffers, Plan.Call c, boolean part) {
        Plan.Kernel k = c.kernel();
        buffer(g, buffers, c.out());
        for (int a : c.args()) buffer(g, buffers, a);
        if (k.flat()) { // its length in place of the batch: coef * batch^power elements
            Size length = k.root().shape.size();
            g.push(Math.toIntExact(length.coef()));
            for (int i = 0; i < length.batchPower(); i++) {
                g.loadThis();
                g.getField(BASE, "batch", Type.INT_TYPE);
                g.math(GeneratorAdapter.MUL, Type.INT_TYPE);
            }
        } else {
            g.loadThis();
            g.getField(BASE, "batch", Type.INT_TYPE);
        }
        if (k.pool()) {
            g.loadThis();
            g.getField(BASE, "workers", WORKERS);
        }
        if (k.splits()) {
            if (part) {
                g.loadArg(1); // part
                g.loadArg(2); // parts
            } else {
                g.push(0);
                g.push(1);
            }
        }
    }

    /** {@code runOutput(i)}: output i's entry point. */
    private void runOutput() {
        GeneratorAdapter g = method(ACC_PROTECTED, "runOutput", "(I)V");
        List<TensorInfo> outputs = signature.outputs();
        for (int i = 0; i < outputs.size(); i++) {
            Label next = new Label();
            g.loadArg(0);
            g.push(i);
            g.ifICmp(GeneratorAdapter.NE, next);
            g.loadThis();
            g.invokeVirtual(self, new Method("output$" + outputs.get(i).name(), "()V"));
            g.returnValue();
            g.mark(next);
        }
        g.returnValue();
        g.endMethod();
    }

    /** {@code runPart(id, part, parts)}: the pool's entry into split loop {@code id}. */
    private void runPart() {
        List<Plan.Call> split = plan.splitCalls();
        if (split.isEmpty()) return;
        GeneratorAdapter g = method(ACC_PROTECTED, "runPart", "(III)V");
        int buffers = loadBuffers(g);
        Label[] cases = new Label[split.size()];
        for (int i = 0; i < cases.length; i++) cases[i] = new Label();
        Label done = new Label();
        g.loadArg(0);
        g.visitTableSwitchInsn(0, cases.length - 1, done, cases);
        for (int i = 0; i < cases.length; i++) {
            g.mark(cases[i]);
            invoke(g, buffers, split.get(i), true);
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

    /**
     * {@code setX(float[])} per input (and {@code setY(int[])} for class indices) and
     * {@code float[] predict()} per output, named by the signature.
     */
    private void typedMethods() {
        for (int i = 0; i < signature.inputs().size(); i++) {
            String name = signature.inputs().get(i).name();
            setter(i, name, array);
            if (signature.classIndices().stream().anyMatch(c -> c.input().equals(name))) setter(i, name, Type.getType(int[].class));
        }
        for (TensorInfo out : signature.outputs()) {
            GeneratorAdapter g = method(ACC_PUBLIC, out.name(), Type.getMethodDescriptor(array));
            g.loadThis();
            g.invokeVirtual(self, new Method("output$" + out.name(), "()V"));
            int buffers = loadBuffers(g);
            buffer(g, buffers, plan.bindings().get(Storage.key("output", out.name())));
            g.returnValue();
            g.endMethod();
        }
    }

    private void setter(int input, String name, Type values) {
        GeneratorAdapter g = method(ACC_PUBLIC, Signature.setter(name), Type.getMethodDescriptor(Type.VOID_TYPE, values));
        g.loadThis();
        g.push(input);
        g.loadArg(0);
        g.invokeVirtual(self, new Method("feed", "(ILjava/lang/Object;)V"));
        g.returnValue();
        g.endMethod();
    }

    private GeneratorAdapter method(int access, String name, String descriptor) {
        return method(cw, access, name, descriptor);
    }

    private static GeneratorAdapter method(ClassWriter w, int access, String name, String descriptor) {
        Method m = new Method(name, descriptor);
        GeneratorAdapter g = new GeneratorAdapter(access, m, w.visitMethod(access, name, descriptor, null, null));
        g.visitCode();
        return g;
    }
}
