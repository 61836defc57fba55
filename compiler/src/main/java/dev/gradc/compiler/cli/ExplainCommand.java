package dev.gradc.compiler.cli;

import dev.gradc.compiler.Compilation;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "explain", description = "Print what the compiler derived at each stage: the elaborated model; the forward, backward and trained IR; the IR after each optimization pass that changed it; the kernel and buffer plan.")
final class ExplainCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    enum Stage { model, forward, backward, trained, optimized, signature, plan, all }

    @Parameters(paramLabel = "MODEL.grad", description = "Model file.")
    Path model;

    @Option(names = "--stage", defaultValue = "all", description = "One of: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Stage stage;

    @Option(names = "--float64", description = "Compile in double precision.")
    boolean float64;

    @Option(names = "--batch", defaultValue = "32", description = "The batch size buffer sizes are reported at (default: ${DEFAULT-VALUE}).")
    int batch;

    enum Format { text, dot }

    @Option(names = "--format", defaultValue = "text", description = "text, or dot: the graph of one stage (forward, backward, "
            + "trained, optimized or plan, whose kernels are drawn as clusters) as Graphviz DOT, for `dot -Tpng` (default: ${DEFAULT-VALUE}).")
    Format format;

    @Override
    public Integer call() {
        Compilation c = ModelFiles.compile(model, float64, null);
        if (format == Format.dot) return dot(c);
        if (stage == Stage.model || stage == Stage.all) print("model (elaborated: constants folded, helpers inlined)", dev.gradc.dsl.ExprPrinter.print(c.model()));
        if (stage == Stage.forward || stage == Stage.all) print("forward", c.forward().toString());
        if (stage == Stage.backward || stage == Stage.all) print("backward", c.backward().toString());
        if (stage == Stage.trained || stage == Stage.all) print("trained (with the optimizer's updates)", c.trained().toString());
        if (stage == Stage.optimized || stage == Stage.all) {
            for (dev.gradc.compiler.opt.Passes.Stage pass : c.passes()) {
                if (pass.changed()) print("after " + pass.pass(), pass.graph().toString());
                else spec.commandLine().getOut().println("== after " + pass.pass() + ": unchanged");
            }
        }
        if (stage == Stage.signature || stage == Stage.all) print("signature (what the trainer exposes)", c.signature().format());
        if (stage == Stage.plan || stage == Stage.all) {
            int bytes = float64 ? 8 : 4;
            print("plan", c.plan().toString() + String.format(java.util.Locale.ROOT,
                    "buffers at batch %d: %d arrays, %,d bytes; without memory planning %d arrays, %,d bytes%n", batch,
                    c.plan().buffers().size(), c.plan().bytes(batch, bytes), c.plan().unplanned().size(), c.plan().unplannedBytes(batch, bytes)));
        }
        return 0;
    }

    private int dot(Compilation c) {
        dev.gradc.compiler.ir.Graph g;
        java.util.Map<String, java.util.List<dev.gradc.compiler.ir.Node>> kernels = new java.util.LinkedHashMap<>();
        switch (stage) {
            case forward: g = c.forward(); break;
            case backward: g = c.backward(); break;
            case trained: g = c.trained(); break;
            case optimized: g = c.optimized(); break;
            case plan:
                g = c.optimized();
                for (dev.gradc.compiler.plan.Plan.Kernel k : c.plan().kernels()) {
                    java.util.List<dev.gradc.compiler.ir.Node> nodes = new java.util.ArrayList<>(k.fused());
                    nodes.add(k.root());
                    kernels.put("k" + k.id(), nodes);
                }
                break;
            default:
                throw new Main.UserError("gradc: --format dot draws one graph: give --stage forward, backward, trained, optimized or plan");
        }
        spec.commandLine().getOut().print(dev.gradc.compiler.ir.DotPrinter.print(g, kernels));
        return 0;
    }

    private void print(String title, String text) {
        spec.commandLine().getOut().println("== " + title);
        spec.commandLine().getOut().print(text);
    }
}
