package dev.gradc.compiler.interp;

import dev.gradc.compiler.ir.Graph;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ops.Leaf;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The reference semantics of the IR: evaluates a graph node by node in double precision with each
 * op's {@code eval}. Emitted bytecode is tested against it.
 */
public final class Interpreter {
    private final Graph graph;
    private final int batch;
    private final Map<String, double[]> bound = new HashMap<>();
    private final double[][] values;

    /** The gradients grad() reads: step()'s, or update()'s once it has run. */
    private java.util.Map<String, Node> applied;

    public Interpreter(Graph graph, int batch) {
        this.graph = graph;
        this.applied = graph.grads();
        this.batch = batch;
        this.values = new double[graph.nodes().size()][];
        // Optimizer state and gradient sums start at zero, as in a new trainer.
        for (Node n : graph.nodesOf(Leaf.STATE)) {
            double[] v = new double[Math.toIntExact(n.shape.size().at(batch))];
            java.util.Arrays.fill(v, Leaf.STATE.attr(n).initial());
            bound.put(Leaf.bufferName(n), v);
        }
    }

    /** Binds an input, parameter, hyper-parameter or optimizer state by name (row-major values, copied). */
    public Interpreter bind(String name, double[] value) {
        bound.put(name, value.clone());
        return this;
    }

    /** Evaluates what the roles need; afterwards {@link #value} reads any evaluated node. */
    public Interpreter run(List<Node> roots) {
        for (Node n : graph.needed(roots)) {
            int size = Math.toIntExact(n.shape.size().at(batch));
            if (Leaf.isNamedBuffer(n)) {
                double[] v = bound.get(Leaf.bufferName(n));
                if (v == null) throw new IllegalStateException(n.op.name + " '" + n.attr + "' is not bound");
                if (v.length != size) {
                    throw new IllegalStateException(n.attr + ": bound " + v.length + " values, shape "
                            + n.shape + " needs " + size);
                }
                values[n.id] = v;
                continue;
            }
            double[][] in = new double[n.inputs.size()][];
            for (int i = 0; i < in.length; i++) in[i] = values[n.input(i).id];
            double[] out = new double[size];
            n.op.eval(n, in, batch, out);
            values[n.id] = out;
        }
        return this;
    }

    /** Runs forward, backward and the optimizer's updates, applying the updates to the bindings. */
    public Interpreter step() {
        run(graph.stepRoots());
        graph.updates().forEach((name, n) -> bound.put(name, values[n.id].clone()));
        applied = graph.grads();
        return this;
    }

    /** accumulate(): forward and backward, the gradients added to the accumulators. */
    public Interpreter accumulate() {
        run(graph.accumulateRoots());
        graph.accumulate().forEach((name, n) -> bound.put(name, values[n.id].clone()));
        return this;
    }

    /** update(): the optimizer's update from the accumulated gradients, then the sums start from zero. */
    public Interpreter update() {
        run(graph.updateRoots());
        graph.applyUpdates().forEach((name, n) -> bound.put(name, values[n.id].clone()));
        applied = graph.applyGrads();
        graph.accumulate().keySet().forEach(name -> {
            if (!graph.updates().containsKey(name)) bound.put(name, new double[bound.get(name).length]); // the sums, not running statistics
        });
        return this;
    }

    public double[] value(Node n) {
        double[] v = values[n.id];
        if (v == null) throw new IllegalStateException(n + " was not evaluated");
        return v;
    }

    public double loss() {
        return value(graph.loss())[0];
    }

    public double[] output(String name) {
        return value(graph.outputs().get(name));
    }

    /** The gradient the last step() or update() applied, as the trainer's gradient view shows it. */
    public double[] grad(String param) {
        return value(applied.get(param));
    }

    public double[] bound(String name) {
        return bound.get(name);
    }
}
