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
import java.util.List;
import java.util.Map;

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
        return make(old.op, old.attr, shapeOf(old.op, old.attr, inputs), inputs.toArray(Node[]::new));
    }

    /** The nodes made so far, with the roles some of them play. */
    public Graph graph(Roles roles) {
        return new Graph(modelName, nodes, roles);
    }

    /** The nodes made so far, in order. */
    public List<Node> nodes() {
        return java.util.Collections.unmodifiableList(nodes);
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

    /** {@code op} applied to {@code inputs}; an input whose shape the op rejects is a positioned error. */
    public <A extends Attr> Node apply(Op<A> op, A attr, Node... inputs) {
        if (op instanceof Elementwise) inputs = absorbBroadcasts(op, attr, inputs);
        return make(op, attr, shapeOf(op, attr, List.of(inputs)), inputs);
    }

    /** An op without an attribute applied to {@code inputs}. */
    public Node apply(Op<Attr.None> op, Node... inputs) {
        return apply(op, Attr.NONE, inputs);
    }

    private Shape shapeOf(Op<?> op, Attr attr, List<Node> inputs) {
        List<Shape> shapes = new ArrayList<>();
        for (Node in : inputs) shapes.add(in.shape);
        try {
            return op.shapeOf(shapes, attr);
        } catch (ShapeException e) {
            throw new CompileException(source, pos, e.getMessage());
        }
    }

    /** Element-wise ops broadcast their inputs themselves: an explicit broadcast that changes nothing about the result is dropped. */
    private static <A extends Attr> Node[] absorbBroadcasts(Op<A> op, A attr, Node[] inputs) {
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
                if (op.shapeOf(after, attr).equals(op.shapeOf(before, attr))) out = without;
            } catch (ShapeException e) {
                // keep the broadcast
            }
        }
        return out;
    }

    private Node make(Op<?> op, Attr attr, Shape shape, Node... inputs) {
        checkSize(shape);
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

    /** A tensor must fit a Java array: an error at the position of what declared or computed it. */
    private void checkSize(Shape shape) {
        Size size;
        try {
            size = shape.size();
        } catch (ArithmeticException e) {
            throw new CompileException(source, pos, "a tensor of shape " + shape + " has more elements than a long counts; "
                    + "a tensor holds at most " + String.format(java.util.Locale.ROOT, "%,d", Shape.MAX_ELEMENTS));
        }
        if (size.coef() > Shape.MAX_ELEMENTS) {
            throw new CompileException(source, pos, String.format(java.util.Locale.ROOT,
                    "a tensor of shape %s has %,d elements%s; a tensor holds at most %,d", shape, size.coef(),
                    size.batchPower() > 0 ? " per example" : "", Shape.MAX_ELEMENTS));
        }
    }

    // Leaves

    public Node input(String name, Shape shape) {
        return make(Leaf.INPUT, new Leaf.Named(name), shape);
    }

    public Node param(Leaf.Param param, Shape shape) {
        return make(Leaf.PARAM, param, shape);
    }

    /** A hyper-parameter the host may change between steps, with its initial value. */
    public Node hyper(String name, double initial) {
        return make(Leaf.HYPER, new Leaf.Hyper(name, initial), Shape.SCALAR);
    }

    public Node constant(double value) {
        return make(Leaf.CONST, new Attr.Real(value), Shape.SCALAR);
    }

    public Node count(Size size) {
        return size.isConstant() ? constant(size.coef()) : make(Leaf.COUNT, new Leaf.Count(size), Shape.SCALAR);
    }

    /** A zero-initialized state buffer the step updates (optimizer state, gradient sums). */
    public Node state(String name, Shape shape) {
        return state(name, shape, 0);
    }

    /** A state buffer whose elements start at {@code initial}. */
    public Node state(String name, Shape shape, double initial) {
        return make(Leaf.STATE, new Leaf.State(name, shape, initial), shape);
    }

    /** A dropout mask, drawn by the trainer before every training step. */
    public Node mask(String name, Shape shape, double p) {
        return make(Leaf.MASK, new Leaf.Mask(name, shape, p), shape);
    }

    // Element-wise

    public Node add(Node a, Node b) {
        if (isConstant(b, 0) && a.shape.equals(resultShape(a, b))) return a;
        if (isConstant(a, 0) && b.shape.equals(resultShape(a, b))) return b;
        return apply(Elementwise.ADD_OP, a, b);
    }

    public Node sub(Node a, Node b) {
        if (isConstant(b, 0) && a.shape.equals(resultShape(a, b))) return a;
        return apply(Elementwise.SUB_OP, a, b);
    }

    public Node mul(Node a, Node b) {
        if (isConstant(b, 1) && a.shape.equals(resultShape(a, b))) return a;
        if (isConstant(a, 1) && b.shape.equals(resultShape(a, b))) return b;
        return apply(Elementwise.MUL_OP, a, b);
    }

    public Node div(Node a, Node b) {
        if (isConstant(b, 1) && a.shape.equals(resultShape(a, b))) return a;
        return apply(Elementwise.DIV_OP, a, b);
    }

    public Node neg(Node a) {
        if (a.op == Elementwise.NEG_OP) return a.input(0);
        return apply(Elementwise.NEG_OP, a);
    }

    public Node relu(Node a) {
        return apply(Elementwise.RELU_OP, a);
    }

    public Node tanh(Node a) {
        return apply(Elementwise.TANH_OP, a);
    }

    public Node exp(Node a) {
        return apply(Elementwise.EXP_OP, a);
    }

    public Node log(Node a) {
        return apply(Elementwise.LOG_OP, a);
    }

    public Node sigmoid(Node a) {
        return apply(Elementwise.SIGMOID_OP, a);
    }

    public Node sign(Node a) {
        return apply(Elementwise.SIGN_OP, a);
    }

    public Node sin(Node a) {
        return apply(Elementwise.SIN_OP, a);
    }

    public Node cos(Node a) {
        return apply(Elementwise.COS_OP, a);
    }

    public Node pow(Node a, double exponent) {
        if (exponent == 1) return a;
        return apply(Elementwise.POW_OP, new Attr.Real(exponent), a);
    }

    /** a^b with a tensor exponent. */
    public Node powt(Node a, Node b) {
        return apply(Elementwise.POWT_OP, a, b);
    }

    public Node gt(Node a, Node b) {
        return apply(Elementwise.GT_OP, a, b);
    }

    public Node ge(Node a, Node b) {
        return apply(Elementwise.GE_OP, a, b);
    }

    public Node lt(Node a, Node b) {
        return apply(Elementwise.LT_OP, a, b);
    }

    public Node le(Node a, Node b) {
        return apply(Elementwise.LE_OP, a, b);
    }

    public Node where(Node mask, Node a, Node b) {
        return apply(Elementwise.WHERE_OP, mask, a, b);
    }

    public Node maximum(Node a, Node b) {
        return apply(Elementwise.MAXIMUM_OP, a, b);
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
        return apply(Transpose.OP, new Transpose.Perm(p), a);
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
        return inputs.length == 1 ? inputs[0] : apply(Concat.OP, new Attr.Axis(axis), inputs);
    }

    /** The numbers 0..n-1. */
    public Node iota(int n) {
        return apply(Iota.OP, new Attr.Length(n));
    }

    /** The same value, with no gradient flowing through it. */
    public Node detach(Node a) {
        return apply(Elementwise.DETACH_OP, a);
    }

    public Node argmax(Node a, int axis) {
        return apply(ArgMax.OP, new Attr.Axis(axis), a);
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
        return n.op == Leaf.CONST && Leaf.CONST.attr(n).value() == value;
    }

    private static Shape resultShape(Node a, Node b) {
        return Shape.broadcast(a.shape, b.shape);
    }
}
