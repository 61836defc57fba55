package dev.gradc.compiler;

import dev.gradc.compiler.ir.Graph;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ops.Elementwise;
import dev.gradc.compiler.ops.Iota;
import dev.gradc.compiler.ops.Leaf;
import dev.gradc.compiler.ops.Reshape;
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
                states.add(new Signature.State(tensor(n), isAccumulator(g, Leaf.bufferName(n)), Leaf.STATE.attr(n).initial()));
            } else if (n.op == Leaf.MASK) {
                masks.add(new Signature.Mask(tensor(n), Leaf.MASK.attr(n).p()));
            }
        }
        g.outputs().forEach((name, n) -> outputs.add(new TensorInfo(name, n.shape.dims())));
        return new Signature(g.modelName(), dtype, inputs, params, outputs, hypers, states, masks, classIndices(g), g.roles().minBatch());
    }

    /**
     * Inputs compared with the class indices {@code 0 .. n-1} (how oneHot, and so crossEntropy,
     * reads labels): the trainer checks they hold class indices before every step. With several
     * comparisons the smallest class count holds for all.
     */
    private static List<Signature.ClassIndex> classIndices(Graph g) {
        java.util.Map<String, Integer> classes = new java.util.LinkedHashMap<>();
        for (Node n : g.needed(g.allRoots())) {
            if (n.op != Elementwise.EQ_OP || n.input(1).op != Iota.OP) continue;
            Node labels = n.input(0);
            while (labels.op == Reshape.OP) labels = labels.input(0);
            if (labels.op == Leaf.INPUT) classes.merge(Leaf.bufferName(labels), Iota.OP.attr(n.input(1)).length(), Math::min);
        }
        List<Signature.ClassIndex> out = new ArrayList<>();
        classes.forEach((input, n) -> out.add(new Signature.ClassIndex(input, n)));
        return out;
    }

    /** A sum of accumulate() that update() consumes and zeroes: written by accumulate(), not by step() (as running statistics are). */
    static boolean isAccumulator(Graph g, String state) {
        return g.accumulate().containsKey(state) && !g.updates().containsKey(state);
    }

    private static TensorInfo tensor(Node leaf) {
        return new TensorInfo(Leaf.bufferName(leaf), leaf.shape.dims());
    }
}
