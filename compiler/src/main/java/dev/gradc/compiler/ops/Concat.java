package dev.gradc.compiler.ops;

import dev.gradc.compiler.ir.Attr;
import dev.gradc.compiler.ir.GraphBuilder;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ir.Shape;
import dev.gradc.compiler.ir.ShapeException;
import dev.gradc.compiler.ir.Size;
import java.util.ArrayList;
import java.util.List;

/** Tensors joined along one axis (the attribute). Each input's gradient is its slice of the output's. */
public final class Concat extends Op<Attr.Axis> {
    public static final Concat OP = new Concat();

    private Concat() {
        super("concat", Attr.Axis.class);
    }

    @Override
    public Shape shape(List<Shape> inputs, Attr.Axis attr) {
        int axis = attr.axis();
        Shape first = inputs.get(0);
        if (axis < 0 || axis >= first.rank()) throw new ShapeException("concat: axis " + axis + " is out of range for shape " + first);
        int[] dims = first.dims();
        if (dims[axis] == Shape.BATCH) throw new ShapeException("concat: cannot join along the batch dimension of " + first);
        for (Shape s : inputs.subList(1, inputs.size())) {
            boolean fits = s.rank() == first.rank();
            for (int d = 0; fits && d < s.rank(); d++) fits = d == axis ? s.dim(d) != Shape.BATCH : s.dim(d) == first.dim(d);
            if (!fits) throw new ShapeException("concat: shapes " + first + " and " + s + " differ outside axis " + axis);
            dims[axis] += s.dim(axis);
        }
        return Shape.of(dims);
    }

    @Override
    public List<Node> vjp(GraphBuilder b, Node node, Node grad) {
        int axis = attr(node).axis(), start = 0;
        List<Node> grads = new ArrayList<>();
        for (Node in : node.inputs) {
            grads.add(b.slice(grad, axis, start, start + in.shape.dim(axis)));
            start += in.shape.dim(axis);
        }
        return grads;
    }

    @Override
    public void eval(Node node, double[][] in, int batch, double[] out) {
        int axis = attr(node).axis(), start = 0;
        int[] outStrides = Strided.concrete(node.shape.strides(), batch);
        for (int k = 0; k < in.length; k++) {
            Shape s = node.input(k).shape;
            int offset = start * outStrides[axis];
            double[] src = in[k];
            Strided.run(s.at(batch), new int[][] {outStrides, Strided.concrete(s.strides(), batch)}, (o, i) -> out[offset + o] = src[i[0]]);
            start += s.dim(axis);
        }
    }

    @Override
    public void lower(Lowering k) {
        Node node = k.node();
        int axis = attr(node).axis(), start = 0;
        Size[] outStrides = node.shape.strides();
        for (int i = 0; i < node.inputs.size(); i++) {
            Shape s = node.input(i).shape;
            k.copyBlock(i, Slice.sizes(s), outStrides, outStrides[axis].times(Size.of(start)), s.strides(), Size.of(0));
            start += s.dim(axis);
        }
    }
}
