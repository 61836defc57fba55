package dev.gradc.compiler.ops;

import dev.gradc.compiler.ir.Attr;
import dev.gradc.compiler.ir.GraphBuilder;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ir.Shape;
import dev.gradc.compiler.ir.ShapeException;
import dev.gradc.compiler.ir.Size;
import java.util.List;

/**
 * Slicing and its gradient. {@code slice} takes indices [start, end) of one axis; {@code unslice}
 * is the gradient's shape of it: the slice placed back at [start, end) of a zero tensor of the
 * original shape. Each is the other's gradient.
 */
public final class Slice extends Op<Slice.Range> {
    public static final Slice SLICE = new Slice("slice");
    public static final Slice UNSLICE = new Slice("unslice");

    /** {@code full} is the size of the axis in the unsliced tensor. */
    public record Range(int axis, int start, int end, int full) implements Attr {
        @Override
        public String toString() {
            return "axis=" + axis + " " + start + ":" + end + " of " + full;
        }
    }

    private Slice(String name) {
        super(name, Range.class);
    }

    @Override
    public Shape shape(List<Shape> inputs, Range r) {
        Shape in = inputs.get(0);
        if (r.axis() < 0 || r.axis() >= in.rank()) throw new ShapeException(name + ": axis " + r.axis() + " is out of range for shape " + in);
        if (in.dim(r.axis()) == Shape.BATCH) throw new ShapeException(name + ": cannot slice the batch dimension of " + in);
        int[] dims = in.dims();
        if (this == SLICE) {
            if (r.full() != dims[r.axis()] || r.start() < 0 || r.end() > r.full() || r.start() >= r.end()) {
                throw new ShapeException("slice: " + r.start() + ":" + r.end() + " is not a non-empty range of axis "
                        + r.axis() + " of " + in);
            }
            dims[r.axis()] = r.end() - r.start();
        } else {
            dims[r.axis()] = r.full();
        }
        return Shape.of(dims);
    }

    @Override
    public List<Node> vjp(GraphBuilder b, Node node, Node grad) {
        Range r = attr(node);
        return List.of(this == SLICE ? b.unslice(grad, r) : b.slice(grad, r.axis(), r.start(), r.end()));
    }

    static Size[] sizes(Shape s) {
        Size[] out = new Size[s.rank()];
        for (int i = 0; i < out.length; i++) out[i] = s.dimSize(i);
        return out;
    }

    @Override
    public void eval(Node node, double[][] in, int batch, double[] out) {
        Range r = attr(node);
        Shape small = this == SLICE ? node.shape : node.input(0).shape, big = this == SLICE ? node.input(0).shape : node.shape;
        int[] bigStrides = Strided.concrete(big.strides(), batch), smallStrides = Strided.concrete(small.strides(), batch);
        int offset = r.start() * bigStrides[r.axis()];
        java.util.Arrays.fill(out, 0);
        Strided.run(small.at(batch), new int[][] {bigStrides, smallStrides}, (o, i) -> {
            if (this == SLICE) out[i[0]] = in[0][offset + o];
            else out[offset + o] = in[0][i[0]];
        });
    }

    @Override
    public void lower(Lowering k) {
        Node node = k.node();
        Range r = attr(node);
        if (this == SLICE) {
            Shape in = node.input(0).shape;
            k.copyBlock(0, sizes(node.shape), node.shape.strides(), Size.of(0), in.strides(), in.strides()[r.axis()].times(Size.of(r.start())));
        } else {
            Shape in = node.input(0).shape;
            k.fill(0);
            k.copyBlock(0, sizes(in), node.shape.strides(), node.shape.strides()[r.axis()].times(Size.of(r.start())), in.strides(), Size.of(0));
        }
    }
}
