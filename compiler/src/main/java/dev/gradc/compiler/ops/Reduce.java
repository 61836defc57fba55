package dev.gradc.compiler.ops;

import dev.gradc.compiler.ir.Attr;
import dev.gradc.compiler.ir.GraphBuilder;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ir.Shape;
import dev.gradc.compiler.ir.ShapeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Sum, max or min over some axes, dropping them or keeping them as size 1. The gradient of a sum
 * broadcasts back; that of a max or min goes to the elements equal to the result, shared equally
 * among ties.
 */
public final class Reduce extends Op<Reduce.Axes> {
    public static final Reduce SUM = new Reduce("sum", 0);
    public static final Reduce MAX = new Reduce("max", Double.NEGATIVE_INFINITY);
    public static final Reduce MIN = new Reduce("min", Double.POSITIVE_INFINITY);

    /** Axes are non-negative and sorted. */
    public record Axes(List<Integer> axes, boolean keepDims) implements Attr {
        public Axes {
            axes = List.copyOf(axes);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("axes=");
            for (int i = 0; i < axes.size(); i++) sb.append(i > 0 ? "," : "").append(axes.get(i));
            return keepDims ? sb.append(" keepDims").toString() : sb.toString();
        }
    }

    /** The value reducing starts from: 0, -inf or +inf. */
    public final double identity;

    private Reduce(String name, double identity) {
        super(name, Axes.class);
        this.identity = identity;
    }

    public double combine(double acc, double x) {
        return this == SUM ? acc + x : this == MAX ? Math.max(acc, x) : Math.min(acc, x);
    }

    @Override
    public Shape shape(List<Shape> inputs, Axes a) {
        Shape in = inputs.get(0);
        for (int axis : a.axes()) {
            if (axis < 0 || axis >= in.rank()) throw new ShapeException(name + ": axis " + axis + " is out of range for shape " + in);
        }
        List<Integer> dims = new ArrayList<>();
        for (int axis = 0; axis < in.rank(); axis++) {
            if (!a.axes().contains(axis)) dims.add(in.dim(axis));
            else if (a.keepDims()) dims.add(1);
        }
        return Shape.of(dims);
    }

    /** The output's shape with the reduced axes kept as size 1. */
    static Shape keptShape(Shape in, Axes a) {
        int[] dims = in.dims();
        for (int axis : a.axes()) dims[axis] = 1;
        return Shape.of(dims);
    }

    @Override
    public List<Node> vjp(GraphBuilder b, Node node, Node grad) {
        Node x = node.input(0);
        Axes axes = attr(node);
        Shape kept = keptShape(x.shape, axes);
        // A scalar gradient broadcasts as it is; otherwise the reduced axes come back as size 1 first.
        Node g = grad.shape.rank() == 0 ? grad : b.reshape(grad, kept);
        if (this == SUM) return List.of(b.broadcast(g, x.shape));
        Node hit = b.apply(Elementwise.EQ_OP, x, b.reshape(node, kept)); // 1 at the max (or min)
        Node ties = b.sum(hit, axes.axes(), true);
        return List.of(b.mul(hit, b.div(g, ties)));
    }

    @Override
    public void eval(Node node, double[][] in, int batch, double[] out) {
        Shape x = node.input(0).shape;
        Shape kept = keptShape(x, attr(node));
        int[][] strides = {Strided.concrete(kept.broadcastStrides(x), batch), Strided.concrete(x.strides(), batch)};
        Arrays.fill(out, identity);
        Strided.run(x.at(batch), strides, (o, i) -> out[o] = combine(out[o], in[0][i[0]]));
    }

    @Override
    public void lower(Lowering l) {
        l.reduce(this, keptShape(l.node().input(0).shape, attr(l.node())));
    }
}
