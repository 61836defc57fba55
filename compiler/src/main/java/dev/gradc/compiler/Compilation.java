package dev.gradc.compiler;

import dev.gradc.compiler.ir.Graph;
import dev.gradc.dsl.Model;
import dev.gradc.runtime.Trainer;
import dev.gradc.runtime.internal.CompiledTrainer;
import java.lang.reflect.InvocationTargetException;
import dev.gradc.compiler.plan.Plan;
import dev.gradc.runtime.internal.Signature;

/**
 * The result of compiling one model: every stage (the elaborated model, the forward graph, the
 * graph with gradients, the graph with the optimizer's updates, the graph after each optimization
 * pass, the graph code was generated from, what the trainer exposes, the plan of its kernels and
 * buffers), the class file, and what the compiler warns about (a model that compiles but may not
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
        byte[] classBytes,
        Compiler.Options options,
        java.util.List<dev.gradc.dsl.Diagnostic> warnings) {

    /** Defines the class in a fresh class loader whose parent sees the runtime. */
    public Class<? extends CompiledTrainer> load() {
        ClassLoader parent = CompiledTrainer.class.getClassLoader();
        Class<?> c = new ModelClassLoader(parent).define(className, classBytes);
        return c.asSubclass(CompiledTrainer.class);
    }

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

    private static final class ModelClassLoader extends ClassLoader {
        ModelClassLoader(ClassLoader parent) {
            super(parent);
        }

        Class<?> define(String name, byte[] bytes) {
            return defineClass(name, bytes, 0, bytes.length);
        }
    }
}
