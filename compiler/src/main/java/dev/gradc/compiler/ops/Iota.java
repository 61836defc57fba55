package dev.gradc.compiler.ops;

import dev.gradc.compiler.ir.Attr;
import dev.gradc.compiler.ir.GraphBuilder;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ir.Shape;
import java.util.List;

/** The numbers 0, 1, ..., n-1 (n the attribute): class indices, for oneHot. No inputs, no gradient. */
public final class Iota extends Op<Attr.Length> {
    public static final Iota OP = new Iota();

    private Iota() {
        super("iota", Attr.Length.class);
    }

    @Override
    public Shape shape(List<Shape> inputs, Attr.Length attr) {
        return Shape.of(attr.length());
    }

    @Override
    public List<Node> vjp(GraphBuilder b, Node node, Node grad) {
        return List.of();
    }

    @Override
    public void eval(Node node, double[][] in, int batch, double[] out) {
        for (int i = 0; i < out.length; i++) out[i] = i;
    }

    @Override
    public void lower(Lowering l) {
        l.iota();
    }
}
