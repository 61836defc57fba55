package dev.gradc.compiler;

import dev.gradc.compiler.autodiff.Autodiff;
import dev.gradc.compiler.emit.ClassEmitter;
import dev.gradc.compiler.ir.Graph;
import dev.gradc.compiler.ir.GraphBuilder;
import dev.gradc.compiler.opt.Passes;
import dev.gradc.dsl.CompileException;
import dev.gradc.dsl.Model;
import dev.gradc.dsl.ModelParser;
import dev.gradc.dsl.Source;
import dev.gradc.runtime.DType;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pipeline, top to bottom: parse and elaborate the model, build the forward graph,
 * differentiate it, append the optimizer, emit the class. Every stage's result is kept in the
 * {@link Compilation} with a printable form. The CLI, the Maven plugin and tests all come through here.
 */
public final class Compiler {
    private Compiler() {}

    /**
     * How to compile: element type; the Java package of the generated class ("" for none); the
     * Java release its class file targets (17 or later: the runtime needs 17); and interfaces it
     * declares besides Trainer (binary names, e.g. a typed interface generated beside it); and
     * whether to run the optimization passes (off only to check them against the plain graph).
     */
    public record Options(DType dtype, String packageName, int release, java.util.List<String> interfaces, boolean optimize) {
        public static final Options DEFAULT = new Options(DType.FLOAT32, "", 17, java.util.List.of(), true);

        public Options {
            if (release < 17) throw new IllegalArgumentException("gradc generates classes for Java 17 or later, not " + release);
            interfaces = java.util.List.copyOf(interfaces);
        }

        public Options withDtype(DType d) {
            return new Options(d, packageName, release, interfaces, optimize);
        }

        public Options withPackage(String p) {
            return new Options(dtype, p, release, interfaces, optimize);
        }

        public Options withRelease(int r) {
            return new Options(dtype, packageName, r, interfaces, optimize);
        }

        public Options withInterfaces(java.util.List<String> names) {
            return new Options(dtype, packageName, release, names, optimize);
        }

        public Options withOptimize(boolean o) {
            return new Options(dtype, packageName, release, interfaces, o);
        }
    }

    /** Method names of the generated class that an output may not take. */
    private static final Set<String> RESERVED = Set.of("step", "loss", "batch", "setBatch", "maxBatch", "input",
            "param", "grad", "output", "inputs", "params", "outputs", "dtype", "modelName", "learningRate",
            "setLearningRate", "hyper", "setHyper", "hyperParameters", "state", "states", "resetState", "saveParams", "loadParams", "toString",
            "hashCode", "getClass", "notify", "notifyAll", "wait", "clone", "finalize", "sized", "bind",
            "initialize", "feed", "runOutput", "accumulate", "update", "mask", "masks",
            "refreshMasks", "clearAccumulators", "evaluateLoss", "runEvaluation");

    public static Compilation compile(Source source, Options options) {
        Model model = ModelParser.parse(source);
        checkOutputNames(model);
        GraphBuilder builder = ModelToGraph.forward(model);
        Graph forward = builder.graph();
        Autodiff.differentiate(builder);
        Graph backward = builder.graph();
        Map<String, dev.gradc.compiler.ir.Node> rawGradients = new java.util.LinkedHashMap<>(builder.grads);
        Map<String, Double> hypers = ModelToGraph.addOptimizer(model, builder);
        ModelToGraph.addAccumulation(model, builder, rawGradients);
        Graph trained = builder.graph();
        List<Passes.Stage> passes = options.optimize() ? Passes.run(trained) : List.of();
        Graph optimized = passes.isEmpty() ? trained : Passes.result(passes);
        String className = options.packageName().isEmpty() ? model.name() : options.packageName() + "." + model.name();
        String[] interfaces = options.interfaces().stream().map(i -> i.replace('.', '/')).toArray(String[]::new);
        byte[] bytes = ClassEmitter.emit(model, optimized, hypers, className.replace('.', '/'), options.dtype(),
                org.objectweb.asm.Opcodes.V17 + options.release() - 17, interfaces, options.optimize());
        return new Compilation(model, forward, backward, trained, passes, optimized, hypers, className, bytes, options);
    }

    private static void checkOutputNames(Model model) {
        for (Model.OutputDecl out : model.outputs()) {
            if (RESERVED.contains(out.name())) {
                throw new CompileException(model.source(), out.pos(), "output method '" + out.name()
                        + "' clashes with a method every trainer has; rename it");
            }
        }
    }
}
