package dev.gradc.compiler.ops;

import dev.gradc.compiler.ir.Attr;
import dev.gradc.compiler.ir.GraphBuilder;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ir.Shape;
import dev.gradc.compiler.ir.Size;
import dev.gradc.dsl.Expr;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model language's built-in functions: name, argument count, and how a call becomes IR.
 * Operators arrive here as calls too ({@code a + b} is {@code add}, {@code a > b} is {@code gt}).
 * Semantics live in the ops; this table binds names to them and defines the composites
 * ({@code mean}, {@code softmax}, the losses...) in terms of primitives.
 */
public final class Functions {
    private Functions() {}

    /** What a function sees of its call: argument conversion with positioned errors. */
    public interface Args {
        GraphBuilder builder();
        /** True while building the training step, false for outputs (dropout is off there). */
        boolean training();
        /** A fresh name for a dropout mask: dropout0, dropout1, ... */
        String newMaskName();
        /**
         * The name of the state a call keeps (batch normalization's running statistics): after
         * argument {@code i} when it is a parameter (stable as the model changes), else
         * {@code fallback} and a number in source order. The same parameter twice is an error.
         */
        String stateName(int i, String fallback);
        /** A state buffer the training step and accumulate() set to {@code value} (outside the optimizer). */
        void updateState(String state, Node value);
        /** The smallest batch a training step accepts. */
        void requireBatch(int minimum);
        int count();
        Node tensor(int i);
        /** An int constant, e.g. an axis. */
        int integer(int i);
        /** A number constant, e.g. an exponent. */
        double number(int i);
        /** A dimension: a positive int constant or {@code batch}. */
        int dim(int i);
        /** Reports an error at argument {@code i}. */
        RuntimeException error(int i, String message);
        Expr expr(int i);
    }

    interface Body { Node build(Args a); }

    public record Function(String name, int minArgs, int maxArgs, String signature, Body body) {
        public Node build(Args a) {
            return body.build(a);
        }
    }

    public static final Map<String, Function> ALL = new LinkedHashMap<>();

    private static void define(String name, int minArgs, int maxArgs, String signature, Body body) {
        ALL.put(name, new Function(name, minArgs, maxArgs, signature, body));
    }

    private static void elementwise(Elementwise<Attr.None> op) {
        String params = op.arity == 1 ? "x" : op.arity == 2 ? "a, b" : "mask, a, b";
        define(op.name, op.arity, op.arity, op.name + "(" + params + ")", a -> {
            Node[] in = new Node[op.arity];
            for (int i = 0; i < in.length; i++) in[i] = a.tensor(i);
            return a.builder().apply(op, in);
        });
    }

    static {
        for (Elementwise<Attr.None> op : Elementwise.functions()) elementwise(op);
        define("pow", 2, 2, "pow(x, exponent), the exponent a constant or a tensor", a -> a.expr(1) instanceof Expr.Num
                ? a.builder().pow(a.tensor(0), a.number(1)) : a.builder().powt(a.tensor(0), a.tensor(1)));
        define("leakyRelu", 1, 2, "leakyRelu(x) or leakyRelu(x, slope)", a ->
                a.builder().apply(Elementwise.LEAKY_RELU_OP, new Attr.Real(a.count() > 1 ? a.number(1) : 0.01), a.tensor(0)));
        define("elu", 1, 2, "elu(x) or elu(x, alpha)", a ->
                a.builder().apply(Elementwise.ELU_OP, new Attr.Real(a.count() > 1 ? a.number(1) : 1.0), a.tensor(0)));
        define("clamp", 3, 3, "clamp(x, lo, hi)", a -> {
            if (a.number(1) > a.number(2)) throw a.error(1, "clamp: lo " + a.number(1) + " is above hi " + a.number(2));
            return a.builder().apply(Elementwise.CLAMP_OP, new Elementwise.Bounds(a.number(1), a.number(2)), a.tensor(0));
        });

        // A vector operand is a one-row (or one-column) matrix whose extra axis the result drops again.
        define("matmul", 2, 2, "matmul(a, b): matrices, vectors, or a leading batch of matrices", a -> {
            GraphBuilder b = a.builder();
            Node x = a.tensor(0), y = a.tensor(1);
            boolean rowVector = x.shape.rank() == 1, columnVector = y.shape.rank() == 1;
            if (rowVector) x = b.reshape(x, Shape.of(1, x.shape.dim(0)));
            if (columnVector) y = b.reshape(y, Shape.of(y.shape.dim(0), 1));
            Node product = b.matmul(x, y, false, false);
            if (!rowVector && !columnVector) return product;
            List<Integer> dims = new ArrayList<>();
            for (int i = 0; i < product.shape.rank(); i++) {
                boolean dropped = (rowVector && i == product.shape.rank() - 2) || (columnVector && i == product.shape.rank() - 1);
                if (!dropped) dims.add(product.shape.dim(i));
            }
            return b.reshape(product, Shape.of(dims));
        });
        define("transpose", 1, 9, "transpose(x) or transpose(x, axes...)", a -> {
            Node x = a.tensor(0);
            int[] perm = new int[x.shape.rank()];
            if (a.count() == 1) {
                for (int i = 0; i < perm.length; i++) perm[i] = perm.length - 1 - i;
            } else {
                if (a.count() - 1 != perm.length) throw a.error(1, "transpose: give all " + perm.length + " axes of " + x.shape);
                for (int i = 0; i < perm.length; i++) perm[i] = axis(a, 1 + i, x);
            }
            return a.builder().transpose(x, perm);
        });
        define("reshape", 2, 9, "reshape(x, dims...)", a -> a.builder().reshape(a.tensor(0), dims(a)));
        define("broadcastTo", 2, 9, "broadcastTo(x, dims...)", a -> a.builder().broadcast(a.tensor(0), dims(a)));
        define("concat", 3, 9, "concat(a, b, ..., axis)", a -> {
            Node first = a.tensor(0);
            int axis = axis(a, a.count() - 1, first);
            Node[] parts = new Node[a.count() - 1];
            for (int i = 0; i < parts.length; i++) parts[i] = a.tensor(i);
            return a.builder().concat(axis, parts);
        });
        // slice(x, axis, start, end): indices [start, end) of the axis; negative ones count from its end
        define("slice", 4, 4, "slice(x, axis, start, end)", a -> {
            Node x = a.tensor(0);
            int axis = axis(a, 1, x), size = x.shape.dim(axis);
            if (size == Shape.BATCH) throw a.error(1, "slice: cannot slice the batch dimension of " + x.shape);
            int start = a.integer(2), end = a.integer(3);
            if (start < 0) start += size;
            if (end < 0) end += size;
            if (start < 0 || end > size || start >= end) {
                throw a.error(2, "slice: " + a.integer(2) + ":" + a.integer(3) + " is not a non-empty range of axis " + axis + " of " + x.shape);
            }
            return a.builder().slice(x, axis, start, end);
        });
        // dropout(x, p): x * mask in the training step, the mask 0 with probability p else 1/(1-p); x in outputs
        define("dropout", 2, 2, "dropout(x, p)", a -> {
            Node x = a.tensor(0);
            double p = a.number(1);
            if (!(p >= 0 && p < 1)) throw a.error(1, "dropout: p must be in [0, 1), got " + p);
            if (!a.training() || p == 0) return x;
            return a.builder().mul(x, a.builder().mask(a.newMaskName(), x.shape, p));
        });
        define("oneHot", 2, 2, "oneHot(labels, classes)", a -> {
            int classes = a.integer(1);
            if (classes < 1) throw a.error(1, "oneHot: the number of classes must be a positive int, got " + classes);
            return oneHot(a.builder(), a.tensor(0), classes);
        });

        define("sum", 1, 9, "sum(x), sum(x, axes...), sum(x, axes..., keepDims)", a -> reduce(a, Reduce.SUM));
        define("max", 1, 9, "max(x), max(x, axes...), max(x, axes..., keepDims)", a -> reduce(a, Reduce.MAX));
        define("min", 1, 9, "min(x), min(x, axes...), min(x, axes..., keepDims)", a -> reduce(a, Reduce.MIN));
        // mean = sum / count; the count may involve batch, so it is a node, not a number.
        define("mean", 1, 9, "mean(x), mean(x, axes...), mean(x, axes..., keepDims)", a -> {
            Node x = a.tensor(0);
            return mean(a.builder(), x, axes(a, x), keepDims(a));
        });
        define("logSumExp", 1, 9, "logSumExp(x), logSumExp(x, axes...), logSumExp(x, axes..., keepDims)", a -> {
            Node x = a.tensor(0);
            return logSumExp(a.builder(), x, axes(a, x), keepDims(a));
        });
        define("argmax", 1, 2, "argmax(x) (last axis) or argmax(x, axis)", a -> {
            Node x = a.tensor(0);
            if (x.shape.rank() == 0) throw a.error(0, "argmax: needs at least one axis, got a scalar");
            return a.builder().argmax(x, a.count() > 1 ? axis(a, 1, x) : x.shape.rank() - 1);
        });

        // softmax = e^(x - max) / sum(e^(x - max)), the max held constant: it cancels
        define("softmax", 1, 2, "softmax(x) (last axis) or softmax(x, axis)", a -> {
            GraphBuilder b = a.builder();
            Node x = a.tensor(0);
            List<Integer> axis = List.of(a.count() > 1 ? axis(a, 1, x) : x.shape.rank() - 1);
            Node e = b.exp(b.sub(x, b.detach(b.reduce(Reduce.MAX, x, axis, true))));
            return b.div(e, b.sum(e, axis, true));
        });
        define("logSoftmax", 1, 2, "logSoftmax(x) (last axis) or logSoftmax(x, axis)", a -> {
            Node x = a.tensor(0);
            List<Integer> axis = List.of(a.count() > 1 ? axis(a, 1, x) : x.shape.rank() - 1);
            return a.builder().sub(x, logSumExp(a.builder(), x, axis, true));
        });
        // layerNorm over the last axis: (x - mean) / sqrt(var + eps) * gamma + beta
        define("layerNorm", 3, 4, "layerNorm(x, gamma, beta) or layerNorm(x, gamma, beta, eps)", a -> {
            GraphBuilder b = a.builder();
            Node x = a.tensor(0);
            List<Integer> last = List.of(x.shape.rank() - 1);
            Node centered = b.sub(x, mean(b, x, last, true));
            Node variance = mean(b, b.mul(centered, centered), last, true);
            Node eps = b.constant(a.count() > 3 ? a.number(3) : 1e-5);
            Node normalized = b.div(centered, b.apply(Elementwise.SQRT_OP, b.add(variance, eps)));
            return b.add(b.mul(normalized, a.tensor(1)), a.tensor(2));
        });

        // batchNorm over the batch (and L) axes, as PyTorch's BatchNorm1d: while training, (x - mean) / sqrt(var + eps)
        // with the batch's mean and biased variance, and running = (1 - momentum) * running + momentum * batch statistic
        // (the unbiased variance); outputs and evaluateLoss normalize with the running statistics instead.
        define("batchNorm", 3, 5, "batchNorm(x, gamma, beta), batchNorm(x, gamma, beta, momentum) or batchNorm(x, gamma, beta, momentum, eps)", a -> {
            GraphBuilder b = a.builder();
            Node x = a.tensor(0);
            int rank = x.shape.rank();
            if (rank < 2 || rank > 3 || x.shape.dim(0) != Shape.BATCH || x.shape.dim(rank - 1) == Shape.BATCH) {
                throw a.error(0, "batchNorm: x must be [batch, C] or [batch, L, C], got " + x.shape);
            }
            Shape channels = Shape.of(x.shape.dim(rank - 1));
            Node gamma = a.tensor(1), beta = a.tensor(2);
            if (!gamma.shape.equals(channels)) throw a.error(1, "batchNorm: gamma must be " + channels + ", one per channel of " + x.shape + ", got " + gamma.shape);
            if (!beta.shape.equals(channels)) throw a.error(2, "batchNorm: beta must be " + channels + ", one per channel of " + x.shape + ", got " + beta.shape);
            double momentum = a.count() > 3 ? a.number(3) : 0.1, epsilon = a.count() > 4 ? a.number(4) : 1e-5;
            if (!(momentum >= 0 && momentum <= 1)) throw a.error(3, "batchNorm: momentum must be in [0, 1], got " + momentum);
            if (!(epsilon > 0)) throw a.error(4, "batchNorm: eps must be positive, got " + epsilon);
            String name = a.stateName(1, "batchNorm");
            Node runningMean = b.state(name + ".running_mean", channels), runningVar = b.state(name + ".running_var", channels, 1);
            Node eps = b.constant(epsilon);
            List<Integer> axes = rank == 2 ? List.of(0) : List.of(0, 1);
            if (!a.training()) {
                Node normalized = b.div(b.sub(x, runningMean), b.apply(Elementwise.SQRT_OP, b.add(runningVar, eps)));
                return b.add(b.mul(normalized, gamma), beta);
            }
            Node mean = mean(b, x, axes, true);
            Node centered = b.sub(x, mean);
            Node variance = mean(b, b.mul(centered, centered), axes, true);
            Node normalized = b.div(centered, b.apply(Elementwise.SQRT_OP, b.add(variance, eps)));
            Size n = Size.ONE;
            for (int axis : axes) n = n.times(x.shape.dimSize(axis));
            Node count = b.count(n), keep = b.constant(1 - momentum), rate = b.constant(momentum);
            Node unbiased = b.div(b.mul(variance, count), b.sub(count, b.constant(1)));
            a.updateState(name + ".running_mean", b.add(b.mul(keep, runningMean), b.mul(rate, b.reshape(mean, channels))));
            a.updateState(name + ".running_var", b.add(b.mul(keep, runningVar), b.mul(rate, b.reshape(unbiased, channels))));
            a.requireBatch(rank == 2 ? 2 : (int) Math.ceil(2.0 / x.shape.dim(1)));
            return b.add(b.mul(normalized, gamma), beta);
        });

        // Losses, each a scalar mean over the examples.
        define("mse", 2, 2, "mse(prediction, target)", a -> {
            GraphBuilder b = a.builder();
            Node d = b.sub(a.tensor(0), a.tensor(1));
            return meanAll(b, b.mul(d, d));
        });
        define("l1", 2, 2, "l1(prediction, target)", a -> {
            GraphBuilder b = a.builder();
            return meanAll(b, b.apply(Elementwise.ABS_OP, b.sub(a.tensor(0), a.tensor(1))));
        });
        // huber: 0.5 d^2 where |d| <= delta, else delta (|d| - 0.5 delta)
        define("huber", 2, 3, "huber(prediction, target) or huber(prediction, target, delta)", a -> {
            GraphBuilder b = a.builder();
            double delta = a.count() > 2 ? a.number(2) : 1.0;
            Node d = b.sub(a.tensor(0), a.tensor(1));
            Node abs = b.apply(Elementwise.ABS_OP, d);
            Node quadratic = b.mul(b.constant(0.5), b.mul(d, d));
            Node linear = b.mul(b.constant(delta), b.sub(abs, b.constant(0.5 * delta)));
            return meanAll(b, b.where(b.le(abs, b.constant(delta)), quadratic, linear));
        });
        // micrograd's max-margin loss: mean(relu(1 - label * score)), labels -1/+1
        define("hinge", 2, 2, "hinge(scores, labels)", a -> {
            GraphBuilder b = a.builder();
            return meanAll(b, b.relu(b.sub(b.constant(1), b.mul(a.tensor(1), a.tensor(0)))));
        });
        // softplus(x) - x*y = max(x, 0) - x*y + log(1 + e^-|x|): finite for any logit
        define("binaryCrossEntropyWithLogits", 2, 2, "binaryCrossEntropyWithLogits(logits, targets)", a -> {
            GraphBuilder b = a.builder();
            Node x = a.tensor(0);
            return meanAll(b, b.sub(b.apply(Elementwise.SOFTPLUS_OP, x), b.mul(x, a.tensor(1))));
        });
        // logSumExp(logits) - logits[label], never log(softmax)
        define("crossEntropy", 2, 2, "crossEntropy(logits [batch, classes], labels [batch])", a -> {
            GraphBuilder b = a.builder();
            Node logits = a.tensor(0), labels = a.tensor(1);
            if (logits.shape.rank() != 2) throw a.error(0, "crossEntropy: logits must be [batch, classes], got " + logits.shape);
            if (labels.shape.rank() != 1 || labels.shape.dim(0) != logits.shape.dim(0)) {
                throw a.error(1, "crossEntropy: labels must be one class index per row of the logits, "
                        + Shape.of(logits.shape.dim(0)) + ", got " + labels.shape);
            }
            List<Integer> classes = List.of(1);
            Node picked = b.sum(b.mul(logits, oneHot(b, labels, logits.shape.dim(1))), classes, false);
            return meanAll(b, b.sub(logSumExp(b, logits, classes, false), picked));
        });
    }

    static Node oneHot(GraphBuilder b, Node labels, int classes) {
        int[] dims = new int[labels.shape.rank() + 1];
        System.arraycopy(labels.shape.dims(), 0, dims, 0, labels.shape.rank());
        dims[dims.length - 1] = 1;
        return b.apply(Elementwise.EQ_OP, b.reshape(labels, Shape.of(dims)), b.iota(classes));
    }

    static Node mean(GraphBuilder b, Node x, List<Integer> axes, boolean keepDims) {
        Size count = Size.ONE;
        for (int axis : axes) count = count.times(x.shape.dimSize(axis));
        return b.div(b.sum(x, axes, keepDims), b.count(count));
    }

    static Node meanAll(GraphBuilder b, Node x) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < x.shape.rank(); i++) all.add(i);
        return mean(b, x, all, false);
    }

    // m + log(sum(e^(x - m))) with m the max, held constant: its gradient cancels
    static Node logSumExp(GraphBuilder b, Node x, List<Integer> axes, boolean keepDims) {
        Node m = b.detach(b.reduce(Reduce.MAX, x, axes, true));
        Node lse = b.add(m, b.log(b.sum(b.exp(b.sub(x, m)), axes, true)));
        return keepDims ? lse : b.reshape(lse, b.reduce(Reduce.SUM, x, axes, false).shape);
    }

    private static Node reduce(Args a, Reduce op) {
        Node x = a.tensor(0);
        return a.builder().reduce(op, x, axes(a, x), keepDims(a));
    }

    private static boolean keepDims(Args a) {
        return a.count() > 1 && a.expr(a.count() - 1) instanceof Expr.Bool keep && keep.value();
    }

    /** All axes for {@code f(x)}, else the listed ones (negative counts from the end); a trailing boolean is keepDims. */
    private static List<Integer> axes(Args a, Node x) {
        int last = a.count() - 1;
        if (last >= 1 && a.expr(last) instanceof Expr.Bool) last--;
        List<Integer> axes = new ArrayList<>();
        if (last == 0) {
            for (int i = 0; i < x.shape.rank(); i++) axes.add(i);
            return axes;
        }
        for (int i = 1; i <= last; i++) {
            int axis = axis(a, i, x);
            if (axes.contains(axis)) throw a.error(i, "axis " + axis + " is listed twice");
            axes.add(axis);
        }
        return axes;
    }

    private static int axis(Args a, int i, Node x) {
        int axis = a.integer(i);
        int normalized = axis < 0 ? axis + x.shape.rank() : axis;
        if (normalized < 0 || normalized >= x.shape.rank()) throw a.error(i, "axis " + axis + " is out of range for shape " + x.shape);
        return normalized;
    }

    private static Shape dims(Args a) {
        int[] dims = new int[a.count() - 1];
        for (int i = 1; i < a.count(); i++) dims[i - 1] = a.dim(i);
        return Shape.of(dims);
    }
}
