package dev.gradc.compiler.ir;

import dev.gradc.compiler.ops.Broadcast;
import dev.gradc.compiler.ops.Elementwise;
import dev.gradc.compiler.ops.Leaf;
import dev.gradc.compiler.ops.MatMul;
import dev.gradc.compiler.ops.Op;
import dev.gradc.compiler.ops.Reshape;
import dev.gradc.compiler.ops.ArgMax;
import dev.gradc.compiler.ops.Concat;
import dev.gradc.compiler.ops.Iota;
import dev.gradc.compiler.ops.Slice;
import dev.gradc.compiler.ops.Transpose;
import dev.gradc.compiler.ops.Reduce;
import dev.gradc.dsl.CompileException;
import dev.gradc.dsl.Source;
import dev.gradc.dsl.SourcePos;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Appends nodes to a graph. Structurally equal nodes are made once (hash-consing), so a helper
 * inlined twice, or a gradient term derived twice, is one node. A few identities ({@code x*1},
 * {@code x+0}, a reshape or broadcast to the same shape) are folded as nodes are made, so that
 * autodiff's output stays readable. New nodes take the position set with {@link #at}; a shape error
 * becomes a positioned {@link CompileException}.
 */
public final class GraphBuilder {
    private final Source source;
    private final String modelName;
    private final List<Node> nodes = new ArrayList<>();
    private final Map<List<Object>, Node> interned = new HashMap<>();
    /** Whether structurally equal nodes are made once; off while a pass other than CSE rewrites a graph. */
    private boolean interning = true;
    private SourcePos pos = SourcePos.UNKNOWN;

    public Node loss;
    /** The loss with dropout off, as outputs see the model. */
    public Node evalLoss;
    public final Map<String, Node> outputs = new LinkedHashMap<>();
    public final Map<String, Node> grads = new LinkedHashMap<>();
    public final Map<String, Node> updates = new LinkedHashMap<>();
    public final Map<String, Node> accumulate = new LinkedHashMap<>();
    public final Map<String, Node> applyUpdates = new LinkedHashMap<>();

    public GraphBuilder(Source source, String modelName) {
        this.source = source;
        this.modelName = modelName;
    }

    /** A builder that makes every node it is asked for, so a pass shows only its own changes. */
    public GraphBuilder withoutInterning() {
        interning = false;
        return this;
    }

    /** A node like {@code old} (op, attribute, position; a leaf keeps its shape) over new inputs. */
    public Node copy(Node old, List<Node> inputs) {
        at(old.pos);
        if (old.inputs.isEmpty()) return make(old.op, old.attr, old.shape);
        return apply(old.op, old.attr, inputs.toArray(Node[]::new));
    }

    public Graph graph() {
        return new Graph(modelName, nodes, loss, outputs, grads, updates, accumulate, applyUpdates, evalLoss);
    }

    public Source source() {
        return source;
    }

    /** Sets the source position for the nodes made next. */
    public GraphBuilder at(SourcePos pos) {
        this.pos = pos;
        return this;
    }

    public SourcePos pos() {
        return pos;
    }

    public Node apply(Op op, Object attr, Node... inputs) {
        if (op instanceof Elementwise) inputs = absorbBroadcasts(op, attr, inputs);
        List<Shape> shapes = new ArrayList<>();
        for (Node in : inputs) shapes.add(in.shape);
        Shape shape;
        try {
            shape = op.shape(shapes, attr);
        } catch (ShapeException e) {
            throw new CompileException(source, pos, e.getMessage());
        }
        return make(op, attr, shape, inputs);
    }

    /** Element-wise ops broadcast their inputs themselves: an explicit broadcast that changes nothing about the result is dropped. */
    private static Node[] absorbBroadcasts(Op op, Object attr, Node[] inputs) {
        Node[] out = inputs.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i].op != Broadcast.OP) continue;
            Node[] without = out.clone();
            without[i] = out[i].input(0);
            List<Shape> before = new ArrayList<>(), after = new ArrayList<>();
            for (int k = 0; k < out.length; k++) {
                before.add(out[k].shape);
                after.add(without[k].shape);
            }
            try {
                if (op.shape(after, attr).equals(op.shape(before, attr))) out = without;
            } catch (ShapeException e) {
                // keep the broadcast
            }
        }
        return out;
    }

    private Node make(Op op, Object attr, Shape shape, Node... inputs) {
        List<Object> key = new ArrayList<>();
        key.add(op);
        key.add(attr);
        key.add(shape);
        for (Node in : inputs) key.add(in.id);
        Node existing = interning ? interned.get(key) : null;
        if (existing != null) return existing;
        Node n = new Node(nodes.size(), op, attr, List.of(inputs), shape, pos);
        nodes.add(n);
        interned.putIfAbsent(key, n);
        return n;
    }

    // Leaves

    public Node input(String name, Shape shape) {
        return make(Leaf.INPUT, name, shape);
    }

    public Node param(String name, Shape shape) {
        return make(Leaf.PARAM, name, shape);
    }

    public Node hyper(String name) {
        return make(Leaf.HYPER, name, Shape.SCALAR);
    }

    public Node constant(double value) {
        return make(Leaf.CONST, value, Shape.SCALAR);
    }

    public Node count(Size size) {
        return size.isConstant() ? constant(size.coef()) : make(Leaf.COUNT, size, Shape.SCALAR);
    }

    // Element-wise

    public Node add(Node a, Node b) {
        if (isConstant(b, 0) && a.shape.equals(resultShape(a, b))) return a;
        if (isConstant(a, 0) && b.shape.equals(resultShape(a, b))) return b;
        return apply(Elementwise.ADD_OP, null, a, b);
    }

    public Node sub(Node a, Node b) {
        if (isConstant(b, 0) && a.shape.equals(resultShape(a, b))) return a;
        return apply(Elementwise.SUB_OP, null, a, b);
    }

    public Node mul(Node a, Node b) {
        if (isConstant(b, 1) && a.shape.equals(resultShape(a, b))) return a;
        if (isConstant(a, 1) && b.shape.equals(resultShape(a, b))) return b;
        return apply(Elementwise.MUL_OP, null, a, b);
    }

    public Node div(Node a, Node b) {
        if (isConstant(b, 1) && a.shape.equals(resultShape(a, b))) return a;
        return apply(Elementwise.DIV_OP, null, a, b);
    }

    public Node neg(Node a) {
        if (a.op == Elementwise.NEG_OP) return a.input(0);
        return apply(Elementwise.NEG_OP, null, a);
    }

    public Node relu(Node a) {
        return apply(Elementwise.RELU_OP, null, a);
    }

    public Node tanh(Node a) {
        return apply(Elementwise.TANH_OP, null, a);
    }

    public Node exp(Node a) {
        return apply(Elementwise.EXP_OP, null, a);
    }

    public Node log(Node a) {
        return apply(Elementwise.LOG_OP, null, a);
    }

    public Node sigmoid(Node a) {
        return apply(Elementwise.SIGMOID_OP, null, a);
    }

    public Node sign(Node a) {
        return apply(Elementwise.SIGN_OP, null, a);
    }

    public Node sin(Node a) {
        return apply(Elementwise.SIN_OP, null, a);
    }

    public Node cos(Node a) {
        return apply(Elementwise.COS_OP, null, a);
    }

    public Node pow(Node a, double exponent) {
        if (exponent == 1) return a;
        return apply(Elementwise.POW_OP, exponent, a);
    }

    /** a^b with a tensor exponent. */
    public Node powt(Node a, Node b) {
        return apply(Elementwise.POWT_OP, null, a, b);
    }

    public Node gt(Node a, Node b) {
        return apply(Elementwise.GT_OP, null, a, b);
    }

    public Node ge(Node a, Node b) {
        return apply(Elementwise.GE_OP, null, a, b);
    }

    public Node lt(Node a, Node b) {
        return apply(Elementwise.LT_OP, null, a, b);
    }

    public Node le(Node a, Node b) {
        return apply(Elementwise.LE_OP, null, a, b);
    }

    public Node where(Node mask, Node a, Node b) {
        return apply(Elementwise.WHERE_OP, null, mask, a, b);
    }

    public Node maximum(Node a, Node b) {
        return apply(Elementwise.MAXIMUM_OP, null, a, b);
    }

    // Structure

    public Node matmul(Node a, Node b, boolean transposeA, boolean transposeB) {
        return apply(MatMul.OP, new MatMul.Transpose(transposeA, transposeB), a, b);
    }

    /** Sum over {@code axes} (non-negative, any order). */
    public Node sum(Node a, List<Integer> axes, boolean keepDims) {
        return reduce(Reduce.SUM, a, axes, keepDims);
    }

    /** Sum, max or min over {@code axes} (non-negative, any order). */
    public Node reduce(Reduce op, Node a, List<Integer> axes, boolean keepDims) {
        if (axes.isEmpty()) return a;
        List<Integer> sorted = axes.stream().distinct().sorted().toList();
        return apply(op, new Reduce.Axes(sorted, keepDims), a);
    }

    /** Output axis i is input axis perm[i]; the identity permutation is no node. */
    public Node transpose(Node a, int[] perm) {
        boolean identity = true;
        for (int i = 0; i < perm.length; i++) identity &= perm[i] == i;
        if (identity) return a;
        List<Integer> p = new ArrayList<>();
        for (int axis : perm) p.add(axis);
        return apply(Transpose.OP, p, a);
    }

    /** Indices [start, end) of one axis. */
    public Node slice(Node a, int axis, int start, int end) {
        if (start == 0 && end == a.shape.dim(axis)) return a;
        return apply(Slice.SLICE, new Slice.Range(axis, start, end, a.shape.dim(axis)), a);
    }

    /** The gradient of a slice: {@code a} placed at the range of a zero tensor of the unsliced shape. */
    public Node unslice(Node a, Slice.Range range) {
        return apply(Slice.UNSLICE, range, a);
    }

    public Node concat(int axis, Node... inputs) {
        return inputs.length == 1 ? inputs[0] : apply(Concat.OP, axis, inputs);
    }

    /** The numbers 0..n-1. */
    public Node iota(int n) {
        return apply(Iota.OP, n);
    }

    /** The same value, with no gradient flowing through it. */
    public Node detach(Node a) {
        return apply(Elementwise.DETACH_OP, null, a);
    }

    public Node argmax(Node a, int axis) {
        return apply(ArgMax.OP, axis, a);
    }

    public Node reshape(Node a, Shape shape) {
        if (a.shape.equals(shape)) return a;
        if (a.op == Reshape.OP) a = a.input(0);
        if (a.shape.equals(shape)) return a;
        return apply(Reshape.OP, shape, a);
    }

    public Node broadcast(Node a, Shape shape) {
        if (a.shape.equals(shape)) return a;
        return apply(Broadcast.OP, shape, a);
    }

    /** Sums a broadcast gradient back to {@code target}, the shape of the value it flowed from. */
    public Node sumTo(Node g, Shape target) {
        if (g.shape.equals(target)) return g;
        int lead = g.shape.rank() - target.rank();
        List<Integer> axes = new ArrayList<>();
        for (int axis = 0; axis < g.shape.rank(); axis++) {
            if (axis < lead || (target.dim(axis - lead) == 1 && g.shape.dim(axis) != 1)) axes.add(axis);
        }
        return reshape(sum(g, axes, true), target);
    }

    private static boolean isConstant(Node n, double value) {
        return n.op == Leaf.CONST && Objects.equals(n.attr, value);
    }

    private static Shape resultShape(Node a, Node b) {
        return Shape.broadcast(a.shape, b.shape);
    }
}
