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
 * The index of the largest element along one axis (the first, on ties), as a number. For outputs
 * such as a predicted class: it has no gradient, and a loss may not depend on it.
 */
public final class ArgMax extends Op<Attr.Axis> {
    public static final ArgMax OP = new ArgMax();

    private ArgMax() {
        super("argmax", Attr.Axis.class);
    }

    @Override
    public Shape shape(List<Shape> inputs, Attr.Axis attr) {
        Shape in = inputs.get(0);
        int axis = attr.axis();
        if (axis < 0 || axis >= in.rank()) throw new ShapeException("argmax: axis " + axis + " is out of range for shape " + in);
        List<Integer> dims = new ArrayList<>();
        for (int d = 0; d < in.rank(); d++) if (d != axis) dims.add(in.dim(d));
        return Shape.of(dims);
    }

    @Override
    public List<Node> vjp(GraphBuilder b, Node node, Node grad) {
        return Arrays.asList((Node) null);
    }

    @Override
    public void eval(Node node, double[][] in, int batch, double[] out) {
        int[] dims = node.input(0).shape.at(batch);
        int axis = attr(node).axis();
        int outer = 1, inner = 1, n = dims[axis];
        for (int d = 0; d < axis; d++) outer *= dims[d];
        for (int d = axis + 1; d < dims.length; d++) inner *= dims[d];
        for (int o = 0; o < outer; o++) {
            for (int i = 0; i < inner; i++) {
                double best = Double.NEGATIVE_INFINITY;
                int index = 0;
                for (int k = 0; k < n; k++) {
                    double v = in[0][(o * n + k) * inner + i];
                    if (v > best) {
                        best = v;
                        index = k;
                    }
                }
                out[o * inner + i] = index;
            }
        }
    }

    @Override
    public void lower(Lowering l) {
        l.argmax(attr(l.node()).axis());
    }
}
