package dev.gradc.compiler;

import dev.gradc.compiler.ir.Graph;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ops.Leaf;
import dev.gradc.runtime.DType;
import dev.gradc.runtime.TensorInfo;
import dev.gradc.runtime.internal.Signature;
import java.util.ArrayList;
import java.util.List;

/** What a trainer compiled from a graph exposes: its leaves and roles, read off the graph alone. */
final class Signatures {
    private Signatures() {}

    static Signature of(Graph g, DType dtype) {
        List<TensorInfo> inputs = new ArrayList<>(), outputs = new ArrayList<>();
        List<Signature.Param> params = new ArrayList<>();
        List<Signature.Hyper> hypers = new ArrayList<>();
        List<Signature.State> states = new ArrayList<>();
        List<Signature.Mask> masks = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (n.op == Leaf.INPUT) {
                inputs.add(tensor(n));
            } else if (n.op == Leaf.PARAM) {
                Leaf.Param p = Leaf.PARAM.attr(n);
                params.add(new Signature.Param(tensor(n), p.init(), p.args()));
            } else if (n.op == Leaf.HYPER) {
                hypers.add(new Signature.Hyper(Leaf.bufferName(n), Leaf.HYPER.attr(n).initial()));
            } else if (n.op == Leaf.STATE) {
                states.add(new Signature.State(tensor(n), g.accumulate().containsKey(Leaf.bufferName(n))));
            } else if (n.op == Leaf.MASK) {
                masks.add(new Signature.Mask(tensor(n), Leaf.MASK.attr(n).p()));
            }
        }
        g.outputs().forEach((name, n) -> outputs.add(new TensorInfo(name, n.shape.dims())));
        return new Signature(g.modelName(), dtype, inputs, params, outputs, hypers, states, masks);
    }

    private static TensorInfo tensor(Node leaf) {
        return new TensorInfo(Leaf.bufferName(leaf), leaf.shape.dims());
    }
}
