package dev.gradc.compiler.cli;

import dev.gradc.compiler.Compilation;
import dev.gradc.compiler.interp.Interpreter;
import dev.gradc.compiler.ir.Graph;
import dev.gradc.compiler.ir.Node;
import dev.gradc.dsl.Diagnostic;
import dev.gradc.dsl.SourcePos;
import dev.gradc.runtime.DType;
import dev.gradc.runtime.TensorInfo;
import dev.gradc.runtime.Trainer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Finds the model line behind a divergence: replays one training step with the reference
 * interpreter in double precision, from the parameters and optimizer state the step started from,
 * and names the first operation (in the graph's topological order) whose value is not finite. For a
 * float32 trainer a value beyond float32's range counts too: that is where the float32 step overflowed.
 *
 * <p>Uses only {@link Compilation#optimized()}, {@link Graph#nodes()}, {@link Graph#stepRoots()},
 * {@code Node.pos}, {@code Node.op.name} and the interpreter's {@code bind}, {@code run} and
 * {@code value}, so it does not depend on how the back end is built.
 */
final class DivergenceReplay {
    /** The parameters and optimizer state a step starts from, copied into arrays allocated once. */
    static final class Snapshot {
        private final Trainer trainer;
        private final Map<String, double[]> values = new LinkedHashMap<>();

        Snapshot(Trainer trainer) {
            this.trainer = trainer;
            for (TensorInfo p : trainer.params()) values.put(p.name(), new double[trainer.param(p.name()).size()]);
            for (TensorInfo s : trainer.states()) values.put(s.name(), new double[trainer.state(s.name()).size()]);
        }

        /** Copies the trainer's current parameters and state (no allocation). */
        void take() {
            for (TensorInfo p : trainer.params()) trainer.param(p.name()).copyTo(values.get(p.name()));
            for (TensorInfo s : trainer.states()) trainer.state(s.name()).copyTo(values.get(s.name()));
        }
    }

    /** The first non-finite operation of the replayed step, or null if every value stays finite. */
    record Finding(String op, SourcePos pos, double value) {}

    private DivergenceReplay() {}

    /**
     * Replays the step {@code trainer} just ran, whose inputs, hyper-parameters and dropout masks it
     * still holds, from the parameters and state in {@code before}.
     */
    static Finding replay(Compilation c, Trainer trainer, Snapshot before) {
        Graph graph = c.optimized();
        Interpreter interpreter = new Interpreter(graph, trainer.batch());
        for (TensorInfo in : trainer.inputs()) interpreter.bind(in.name(), trainer.input(in.name()).toDoubleArray());
        before.values.forEach(interpreter::bind);
        for (String h : trainer.hyperParameters()) interpreter.bind(h, new double[] {trainer.hyper(h)});
        for (TensorInfo m : trainer.masks()) interpreter.bind(m.name(), trainer.mask(m.name()).toDoubleArray());
        interpreter.run(graph.stepRoots());
        double limit = trainer.dtype() == DType.FLOAT32 ? Float.MAX_VALUE : Double.MAX_VALUE;
        for (Node n : graph.nodes()) {
            double[] v;
            try {
                v = interpreter.value(n);
            } catch (IllegalStateException notNeeded) { // not part of a step (an output, say)
                continue;
            }
            for (double x : v) {
                if (!(Math.abs(x) <= limit)) return new Finding(n.op.name, n.pos, x);
            }
        }
        return null;
    }

    /** The finding as a note at its model line, with the line and a caret where the position is known. */
    static String describe(Finding f, Compilation c, int step) {
        String value = Double.isNaN(f.value()) || Double.isInfinite(f.value()) ? Double.toString(f.value())
                : String.format(Locale.ROOT, "%.3g, beyond float32", f.value());
        String what = String.format(Locale.ROOT, "replaying step %d in double precision, the first non-finite value comes from %s (%s)",
                step, f.op(), value);
        if (f.pos() == null || f.pos().line() < 1) return c.model().source().name() + ": note: " + what + " (no source position)";
        return new Diagnostic(c.model().source(), f.pos(), what).format("note");
    }
}
