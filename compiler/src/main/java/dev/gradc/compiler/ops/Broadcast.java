package dev.gradc.compiler.ops;

import dev.gradc.compiler.ir.GraphBuilder;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ir.Shape;
import dev.gradc.compiler.ir.ShapeException;
import java.util.List;

/** Repeats a tensor along broadcast dimensions to a target shape. Its gradient sums them back. */
public final class Broadcast extends Op<Shape> {
    public static final Broadcast OP = new Broadcast();

    private Broadcast() {
        super("broadcast", Shape.class);
    }

    @Override
    public Shape shape(List<Shape> inputs, Shape target) {
        if (!target.equals(Shape.broadcast(inputs.get(0), target))) {
            throw new ShapeException("broadcast: shape " + inputs.get(0) + " does not broadcast to " + target);
        }
        return target;
    }

    @Override
    public String attrText(dev.gradc.compiler.ir.Attr attr) {
        return attr.toString();
    }

    @Override
    public List<Node> vjp(GraphBuilder b, Node node, Node grad) {
        return List.of(b.sumTo(grad, node.input(0).shape));
    }

    @Override
    public void eval(Node node, double[][] in, int batch, double[] out) {
        Strided.over(node.shape, batch, node.inputs).forEach((o, i) -> out[o] = in[0][i[0]]);
    }

    @Override
    public void lower(Lowering l) {
        l.pointwise(Scalar.in(0));
    }
}
