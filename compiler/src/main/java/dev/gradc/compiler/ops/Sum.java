package dev.gradc.compiler.ops;

import dev.gradc.compiler.emit.Kernel;
import dev.gradc.compiler.ir.GraphBuilder;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ir.Shape;
import dev.gradc.compiler.ir.ShapeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Sum over some axes, dropping them or keeping them as size 1. Its gradient broadcasts back. */
public final class Sum extends Op {
    public static final Sum OP = new Sum();

    /** Axes are non-negative and sorted. */
    public record Axes(List<Integer> axes, boolean keepDims) {
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

    private Sum() {
        super("sum");
    }

    @Override
    public Shape shape(List<Shape> inputs, Object attr) {
        Shape in = inputs.get(0);
        Axes a = (Axes) attr;
        for (int axis : a.axes()) {
            if (axis < 0 || axis >= in.rank()) {
                throw new ShapeException("sum: axis " + axis + " is out of range for shape " + in);
            }
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
        // A scalar gradient broadcasts as it is; otherwise the summed axes come back as size 1 first.
        Node kept = grad.shape.rank() == 0 ? grad : b.reshape(grad, keptShape(x.shape, (Axes) node.attr));
        return List.of(b.broadcast(kept, x.shape));
    }

    @Override
    public void eval(Node node, double[][] in, int batch, double[] out) {
        Shape x = node.input(0).shape;
        Shape kept = keptShape(x, (Axes) node.attr);
        int[][] strides = {
            Strided.concrete(kept.broadcastStrides(x), batch), Strided.concrete(x.strides(), batch)
        };
        Arrays.fill(out, 0);
        Strided.run(x.at(batch), strides, (o, i) -> out[o] += in[0][i[0]]);
    }

    @Override
    public void emit(Kernel k) {
        Node node = k.node();
        Shape x = node.input(0).shape;
        k.reduceSum(x, keptShape(x, (Axes) node.attr));
    }
}
