package dev.gradc.compiler;

import dev.gradc.compiler.autodiff.Autodiff;
import dev.gradc.compiler.emit.ClassEmitter;
import dev.gradc.compiler.ir.Graph;
import dev.gradc.compiler.ir.Roles;
import dev.gradc.compiler.ir.Verifier;
import dev.gradc.compiler.opt.Passes;
import dev.gradc.compiler.plan.Plan;
import dev.gradc.compiler.plan.Planner;
import dev.gradc.dsl.Diagnostic;
import dev.gradc.dsl.Model;
import dev.gradc.dsl.ModelParser;
import dev.gradc.dsl.Source;
import dev.gradc.runtime.DType;
import dev.gradc.runtime.internal.Signature;
import java.util.List;

/**
 * The pipeline, top to bottom: parse and elaborate the model, build the forward graph,
 * differentiate it, append the optimizer, optimize, describe what the trainer exposes, plan its
 * kernels and buffers, emit the class. Every stage's result is kept in the {@link Compilation} with
 * a printable form. The CLI, the Maven plugin and tests all come through here.
 */
public final class Compiler {
    private Compiler() {}

    /**
     * How to compile: element type; the Java package of the generated class ("" for none); the
     * Java release its class file targets (17 or later: the runtime needs 17); interfaces it
     * declares besides Trainer (binary names, e.g. a typed interface generated beside it); whether
     * to run the optimization passes; and the back end's switches (fusion, memory planning, loop
     * splitting). Turning optimizations off is for checking them against the plain result.
     */
    public record Options(DType dtype, String packageName, int release, List<String> interfaces, boolean passes,
                          Planner.Options backEnd) {
        public static final Options DEFAULT = new Options(DType.FLOAT32, "", 17, List.of(), true, Planner.Options.ALL);

        public Options {
            if (release < 17) throw new IllegalArgumentException("gradc generates classes for Java 17 or later, not " + release);
            interfaces = List.copyOf(interfaces);
        }

        public Options withDtype(DType d) {
            return new Options(d, packageName, release, interfaces, passes, backEnd);
        }

        public Options withPackage(String p) {
            return new Options(dtype, p, release, interfaces, passes, backEnd);
        }

        public Options withRelease(int r) {
            return new Options(dtype, packageName, r, interfaces, passes, backEnd);
        }

        public Options withInterfaces(List<String> names) {
            return new Options(dtype, packageName, release, names, passes, backEnd);
        }

        public Options withPasses(boolean p) {
            return new Options(dtype, packageName, release, interfaces, p, backEnd);
        }

        public Options withBackEnd(Planner.Options b) {
            return new Options(dtype, packageName, release, interfaces, passes, b);
        }

        /** No passes, no fusion, no memory planning, no split loops: the plain translation. */
        public Options unoptimized() {
            return withPasses(false).withBackEnd(Planner.Options.NONE);
        }
    }

    public static Compilation compile(Source source, Options options) {
        Model model = ModelParser.parse(source);
        Names.check(model);
        ModelToGraph.Forward forward = ModelToGraph.forward(model);
        Graph forwardGraph = forward.graph();
        Roles backward = forward.roles().withGrads(Autodiff.gradients(forward.builder(), forward.roles().loss()));
        Graph backwardGraph = forward.builder().graph(backward);
        Graph trained = forward.builder().graph(ModelToGraph.training(model, forward.builder(), backward));
        List<Passes.Stage> passes = options.passes() ? Passes.run(trained) : List.of();
        Graph optimized = passes.isEmpty() ? trained : Passes.result(passes);
        assert Verifier.verified(forwardGraph, "after building the forward graph") && Verifier.verified(backwardGraph, "after autodiff")
                && Verifier.verified(trained, "after the optimizer") && passes.stream().allMatch(p -> Verifier.verified(p.graph(), "after " + p.pass()));
        Signature signature = Signatures.of(optimized, options.dtype());
        Plan plan = Planner.plan(optimized, options.backEnd());
        String className = options.packageName().isEmpty() ? model.name() : options.packageName() + "." + model.name();
        java.util.Map<String, byte[]> classes = ClassEmitter.emit(plan, signature, classOptions(className, options, source));
        return new Compilation(model, forwardGraph, backwardGraph, trained, passes, optimized, signature, plan, className, classes, options,
                warnings(model, trained));
    }

    /** A parameter the loss does not depend on is trained by nothing: say so where it is declared. */
    private static List<Diagnostic> warnings(Model model, Graph trained) {
        List<Diagnostic> out = new java.util.ArrayList<>();
        for (Model.ParamDecl p : model.params()) {
            if (!trained.grads().containsKey(p.name())) {
                out.add(Diagnostic.warning(model.source(), p.pos(), "parameter '" + p.name() + "' does not affect the loss, "
                        + "so training never changes it (its gradient reads zero)"));
            }
        }
        return out;
    }

    private static ClassEmitter.ClassOptions classOptions(String className, Options options, Source source) {
        List<String> interfaces = options.interfaces().stream().map(i -> i.replace('.', '/')).toList();
        return new ClassEmitter.ClassOptions(className.replace('.', '/'), options.dtype(),
                org.objectweb.asm.Opcodes.V17 + options.release() - 17, interfaces, source.fileName());
    }
}
