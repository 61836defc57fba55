package dev.gradc.compiler;

import dev.gradc.compiler.ir.Graph;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ops.MatMul;
import dev.gradc.dsl.Model;
import dev.gradc.runtime.Trainer;
import dev.gradc.runtime.internal.CompiledTrainer;
import dev.gradc.runtime.internal.VectorPath;
import java.lang.reflect.InvocationTargetException;
import java.util.Map;
import dev.gradc.compiler.plan.Plan;
import dev.gradc.runtime.internal.Signature;

/**
 * The result of compiling one model: every stage (the elaborated model, the forward graph, the
 * graph with gradients, the graph with the optimizer's updates, the graph after each optimization
 * pass, the graph code was generated from, what the trainer exposes, the plan of its kernels and
 * buffers), the class files (the trainer, and beside it any companion it loads, such as its
 * Vector API kernels), and what the compiler warns about (a model that compiles but may not
 * do what was meant).
 */
public record Compilation(
        Model model,
        Graph forward,
        Graph backward,
        Graph trained,
        java.util.List<dev.gradc.compiler.opt.Passes.Stage> passes,
        Graph optimized,
        Signature signature,
        Plan plan,
        String className,
        Map<String, byte[]> classFiles,
        Compiler.Options options,
        java.util.List<dev.gradc.dsl.Diagnostic> warnings) {

    public Compilation {
        classFiles = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(classFiles));
    }

    /** The trainer's own class file. */
    public byte[] classBytes() {
        return classFiles.get(className);
    }

    /**
     * Defines the classes, once, in a class loader of their own whose parent sees the runtime; returns
     * the trainer's. Every trainer of this compilation shares them: the JIT compiles their code and
     * the Vector API companion warms up once, not once per trainer.
     */
    public Class<? extends CompiledTrainer> load() {
        synchronized (LOADED) {
            return LOADED.computeIfAbsent(classFiles, files -> {
                // The loader gets a copy of the map, so that the loaded class does not keep its key reachable.
                ModelClassLoader loader = new ModelClassLoader(CompiledTrainer.class.getClassLoader(), Map.copyOf(files));
                try {
                    return loader.loadClass(className).asSubclass(CompiledTrainer.class);
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    /**
     * Starts the Vector API companion's warm-up now, where this JVM takes that path (its first trainer
     * would start it otherwise): a caller with other work before its first trainer, reading the data,
     * overlaps the two.
     */
    public void startWarmUp() {
        String companion = className + "$Vector";
        if (!classFiles.containsKey(companion) || !VectorPath.ON) return;
        try {
            Class.forName(companion, true, load().getClassLoader()); // its initializer starts the warm-up
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Multiply-adds of one training step's matrix products at {@code batch}: the bulk of a step's
     * arithmetic, from which the cost of a run is estimated (and benchmarks count GFLOP/s).
     */
    public long stepMultiplyAdds(int batch) {
        long total = 0;
        for (Node n : trained.needed(trained.stepRoots())) {
            if (n.op != MatMul.OP) continue;
            int[] out = n.shape.at(batch), a = n.input(0).shape.at(batch);
            int k = a[a.length - (((MatMul.Transpose) n.attr).a() ? 2 : 1)];
            long products = 1;
            for (int d : out) products *= d;
            total += products * k;
        }
        return total;
    }

    /** The classes of each compilation, by its class files (distinct arrays for every compilation), held while it lives. */
    private static final Map<Map<String, byte[]>, Class<? extends CompiledTrainer>> LOADED = new java.util.WeakHashMap<>();

    /** A new trainer for batches of up to {@code maxBatch}, parameters initialized from {@code seed}. */
    public Trainer newTrainer(int maxBatch, long seed) {
        try {
            return load().getConstructor(int.class, long.class).newInstance(maxBatch, seed);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("generated class " + className + " is malformed", e);
        }
    }

    /** Finds the compiled classes by name, each defined when first asked for (a companion only when used). */
    private static final class ModelClassLoader extends ClassLoader {
        private final Map<String, byte[]> classes;

        ModelClassLoader(ClassLoader parent, Map<String, byte[]> classes) {
            super(parent);
            this.classes = classes;
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] bytes = classes.get(name);
            if (bytes == null) throw new ClassNotFoundException(name);
            return defineClass(name, bytes, 0, bytes.length);
        }
    }
}
