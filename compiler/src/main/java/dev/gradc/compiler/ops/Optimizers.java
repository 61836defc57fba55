package dev.gradc.compiler.ops;

import dev.gradc.compiler.ir.GraphBuilder;
import dev.gradc.compiler.ir.Node;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Optimizers compiled into the step: each names its hyper-parameters (learning rate first; the host
 * may change them between steps) and appends one in-place update per parameter to the graph.
 */
public final class Optimizers {
    private Optimizers() {}

    public record Hyper(String name, double defaultValue) {}

    interface Update {
        /** Appends the updates for every parameter with a gradient. */
        void build(GraphBuilder b, Map<String, Node> hypers, Map<String, Node> params);
    }

    /** {@code required} leading hyper-parameters must be given; the rest default. */
    public record Optimizer(String name, int required, List<Hyper> hypers, Update update) {
        public void build(GraphBuilder b, Map<String, Node> hypers, Map<String, Node> params) {
            update.build(b, hypers, params);
        }
    }

    public static final Map<String, Optimizer> ALL = new LinkedHashMap<>();

    static {
        // Plain gradient descent: p <- p - lr * grad
        ALL.put("sgd", new Optimizer("sgd", 1, List.of(new Hyper("lr", 0.01)), (b, h, params) -> {
            b.grads.forEach((name, grad) -> {
                Node p = params.get(name);
                b.updates.put(name, b.sub(p, b.mul(h.get("lr"), grad)));
            });
        }));
    }
}
