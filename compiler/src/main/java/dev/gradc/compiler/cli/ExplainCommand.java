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

    @Override
    public Integer call() {
        Compilation c = ModelFiles.compile(model, float64, null);
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

    private void print(String title, String text) {
        spec.commandLine().getOut().println("== " + title);
        spec.commandLine().getOut().print(text);
    }
}
