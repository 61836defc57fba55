package dev.gradc.compiler.ir;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * What some nodes of a graph are for. {@code loss} and {@code outputs} come from the model,
 * {@code evalLoss} is the loss as outputs see it (dropout off); {@code grads} from autodiff
 * (parameter name to gradient, after any clipping); {@code updates} from the optimizer (parameter or
 * state name to its new value, written at the end of {@code step()}); {@code accumulate} and
 * {@code applyUpdates} the same for the two entry points of gradient accumulation, and
 * {@code applyGrads} the gradients {@code update()} applies (the accumulated mean, after any clipping),
 * which it leaves in the trainer's gradient views as {@code step()} leaves its own. Each stage returns
 * the roles it adds as a value; none writes another's. {@code minBatch} is the smallest batch a
 * training step accepts (2 with batch normalization over the batch alone: one example has no variance).
 */
public record Roles(
        Node loss,
        Node evalLoss,
        Map<String, Node> outputs,
        Map<String, Node> grads,
        Map<String, Node> updates,
        Map<String, Node> accumulate,
        Map<String, Node> applyUpdates,
        Map<String, Node> applyGrads,
        int minBatch) {

    public Roles {
        outputs = frozen(outputs);
        grads = frozen(grads);
        updates = frozen(updates);
        accumulate = frozen(accumulate);
        applyUpdates = frozen(applyUpdates);
        applyGrads = frozen(applyGrads);
    }

    /** The roles of a forward graph. */
    public static Roles forward(Node loss, Node evalLoss, Map<String, Node> outputs) {
        return new Roles(loss, evalLoss, outputs, Map.of(), Map.of(), Map.of(), Map.of(), Map.of(), 1);
    }

    public Roles withGrads(Map<String, Node> g) {
        return new Roles(loss, evalLoss, outputs, g, updates, accumulate, applyUpdates, applyGrads, minBatch);
    }

    public Roles withUpdates(Map<String, Node> u) {
        return new Roles(loss, evalLoss, outputs, grads, u, accumulate, applyUpdates, applyGrads, minBatch);
    }

    public Roles withAccumulation(Map<String, Node> sums, Map<String, Node> apply, Map<String, Node> appliedGrads) {
        return new Roles(loss, evalLoss, outputs, grads, updates, sums, apply, appliedGrads, minBatch);
    }

    public Roles withMinBatch(int m) {
        return new Roles(loss, evalLoss, outputs, grads, updates, accumulate, applyUpdates, applyGrads, m);
    }

    /** The same roles played by other nodes, as a rewrite maps them. */
    public Roles map(UnaryOperator<Node> now) {
        return new Roles(loss == null ? null : now.apply(loss), evalLoss == null ? null : now.apply(evalLoss),
                map(outputs, now), map(grads, now), map(updates, now), map(accumulate, now), map(applyUpdates, now),
                map(applyGrads, now), minBatch);
    }

    private static Map<String, Node> map(Map<String, Node> m, UnaryOperator<Node> now) {
        Map<String, Node> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, now.apply(v)));
        return out;
    }

    private static Map<String, Node> frozen(Map<String, Node> m) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }
}
