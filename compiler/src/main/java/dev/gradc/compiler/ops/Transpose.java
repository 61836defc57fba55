package dev.gradc.compiler.ops;

import dev.gradc.compiler.emit.Kernel;
import dev.gradc.compiler.ir.GraphBuilder;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ir.Shape;
import dev.gradc.compiler.ir.ShapeException;
import dev.gradc.compiler.ir.Size;
import java.util.List;

/** Axes permuted: output axis i is input axis perm[i] (the attribute). Its gradient permutes back. */
public final class Transpose extends Op {
    public static final Transpose OP = new Transpose();

    private Transpose() {
        super("transpose");
    }

    @Override
    public Shape shape(List<Shape> inputs, Object attr) {
        Shape in = inputs.get(0);
        List<Integer> perm = perm(attr);
        boolean[] seen = new boolean[in.rank()];
        if (perm.size() != in.rank()) throw new ShapeException("transpose: " + perm + " does not permute the axes of " + in);
        int[] dims = new int[in.rank()];
        for (int i = 0; i < dims.length; i++) {
            int axis = perm.get(i);
            if (axis < 0 || axis >= in.rank() || seen[axis]) throw new ShapeException("transpose: " + perm + " does not permute the axes of " + in);
            seen[axis] = true;
            dims[i] = in.dim(axis);
        }
        return Shape.of(dims);
    }

    @SuppressWarnings("unchecked")
    private static List<Integer> perm(Object attr) {
        return (List<Integer>) attr;
    }

    /** Strides for reading the input in the output's index order. */
    static Size[] inputStrides(Node node) {
        Size[] own = node.input(0).shape.strides();
        List<Integer> perm = perm(node.attr);
        Size[] out = new Size[perm.size()];
        for (int i = 0; i < out.length; i++) out[i] = own[perm.get(i)];
        return out;
    }

    @Override
    public List<Node> vjp(GraphBuilder b, Node node, Node grad) {
        List<Integer> perm = perm(node.attr);
        int[] inverse = new int[perm.size()];
        for (int i = 0; i < inverse.length; i++) inverse[perm.get(i)] = i;
        return List.of(b.transpose(grad, inverse));
    }

    @Override
    public void eval(Node node, double[][] in, int batch, double[] out) {
        int[][] strides = {Strided.concrete(node.shape.strides(), batch), Strided.concrete(inputStrides(node), batch)};
        Strided.run(node.shape.at(batch), strides, (o, i) -> out[o] = in[0][i[0]]);
    }

    @Override
    public void emit(Kernel k) {
        k.copyStrided(inputStrides(k.node()));
    }

    @Override
    public String attrText(Object attr) {
        return perm(attr).toString();
    }
}
