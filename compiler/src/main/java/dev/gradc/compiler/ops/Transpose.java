package dev.gradc.compiler.ops;

import dev.gradc.compiler.ir.Attr;
import dev.gradc.compiler.ir.GraphBuilder;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ir.Shape;
import dev.gradc.compiler.ir.ShapeException;
import dev.gradc.compiler.ir.Size;
import java.util.List;

/** Axes permuted: output axis i is input axis perm[i] (the attribute). Its gradient permutes back. */
public final class Transpose extends Op<Transpose.Perm> {
    public static final Transpose OP = new Transpose();

    private Transpose() {
        super("transpose", Perm.class);
    }

    /** Output axis i is input axis {@code perm.get(i)}. */
    public record Perm(List<Integer> perm) implements Attr {
        public Perm {
            perm = List.copyOf(perm);
        }

        @Override
        public String toString() {
            return perm.toString();
        }
    }

    @Override
    public Shape shape(List<Shape> inputs, Perm attr) {
        Shape in = inputs.get(0);
        List<Integer> perm = attr.perm();
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

    /** Strides for reading the input in the output's index order. */
    static Size[] inputStrides(Node node) {
        Size[] own = node.input(0).shape.strides();
        List<Integer> perm = OP.attr(node).perm();
        Size[] out = new Size[perm.size()];
        for (int i = 0; i < out.length; i++) out[i] = own[perm.get(i)];
        return out;
    }

    @Override
    public List<Node> vjp(GraphBuilder b, Node node, Node grad) {
        List<Integer> perm = attr(node).perm();
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
    public void lower(Lowering l) {
        l.copyStrided(inputStrides(l.node()));
    }

    @Override
    public String attrText(Attr attr) {
        return attr.toString();
    }
}
