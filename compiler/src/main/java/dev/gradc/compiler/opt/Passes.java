package dev.gradc.compiler.opt;

import dev.gradc.compiler.ir.Graph;
import dev.gradc.compiler.ir.GraphBuilder;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ops.Elementwise;
import dev.gradc.compiler.ops.Leaf;
import dev.gradc.compiler.ops.MatMul;
import dev.gradc.compiler.ops.Reshape;
import dev.gradc.compiler.ops.Transpose;
import java.util.ArrayList;
import java.util.List;

/**
 * The optimization passes, run on the trained graph before code generation. Each is one function
 * from graph to graph that rewrites node by node ({@link Rewrite}); {@link #run} applies them in
 * order and keeps every stage, so {@code gradc explain} can print the IR after each pass that
 * changed it. None changes a result: every rewrite is an exact identity. (Element-wise fusion and
 * buffer planning work on the schedule, at code generation.)
 */
public final class Passes {
    /** The graph after one pass, and whether the pass changed it. */
    public record Stage(String pass, Graph graph, boolean changed) {}

    private Passes() {}

    public static List<Stage> run(Graph trained) {
        List<Stage> stages = new ArrayList<>();
        Graph g = eliminateDeadCode(trained);
        stages.add(new Stage("dce", g, g.nodes().size() != trained.nodes().size()));
        g = record(stages, "fold", g, foldConstants(g));
        g = record(stages, "simplify", g, simplify(g));
        record(stages, "cse", g, eliminateCommonSubexpressions(g));
        return stages;
    }

    /** The graph the last pass produced. */
    public static Graph result(List<Stage> stages) {
        return stages.get(stages.size() - 1).graph();
    }

    /** Keeps a pass's result with the nodes it left unused dropped, so stages print with dense ids and compare node by node. */
    private static Graph record(List<Stage> stages, String name, Graph before, Graph after) {
        Graph compact = eliminateDeadCode(after);
        stages.add(new Stage(name, compact, !compact.sameAs(before)));
        return compact;
    }

    /**
     * Dead-code elimination: only what a root (loss, output, gradient, update) needs survives, so
     * unused gradients are never computed. (The printed IR already leaves out dead nodes: here
     * the pass shows as renumbering.)
     */
    public static Graph eliminateDeadCode(Graph g) {
        return Rewrite.rebuild(g, false, (b, old, in) -> b.copy(old, in));
    }

    /** Constant folding: an element-wise op whose inputs are all constants becomes the constant it computes. */
    public static Graph foldConstants(Graph g) {
        return Rewrite.rebuild(g, false, (b, old, in) -> {
            if (old.op instanceof Elementwise && !in.isEmpty() && in.stream().allMatch(n -> n.op == Leaf.CONST)) {
                double[][] values = new double[in.size()][];
                for (int i = 0; i < values.length; i++) values[i] = new double[] {Leaf.CONST.attr(in.get(i)).value()};
                double[] out = new double[1];
                old.op.eval(old, values, 1, out);
                return b.at(old.pos).constant(out[0]);
            }
            return b.copy(old, in);
        });
    }

    /**
     * Algebraic simplification, exact identities only: {@code x+0}, {@code 0+x}, {@code x-0},
     * {@code x*1}, {@code 1*x}, {@code x/1} and {@code -(-x)} become {@code x} where that keeps the
     * shape; a reshape of a reshape is one reshape, a reshape to the same shape nothing; a
     * transpose of a matrix feeding a product becomes the product's transpose flag, so it is never
     * materialized.
     */
    public static Graph simplify(Graph g) {
        return Rewrite.rebuild(g, false, (b, old, in) -> {
            if (old.op == Elementwise.ADD_OP) {
                if (isConst(in.get(1), 0) && in.get(0).shape.equals(old.shape)) return in.get(0);
                if (isConst(in.get(0), 0) && in.get(1).shape.equals(old.shape)) return in.get(1);
            } else if (old.op == Elementwise.SUB_OP || old.op == Elementwise.DIV_OP) {
                double unit = old.op == Elementwise.SUB_OP ? 0 : 1;
                if (isConst(in.get(1), unit) && in.get(0).shape.equals(old.shape)) return in.get(0);
            } else if (old.op == Elementwise.MUL_OP) {
                if (isConst(in.get(1), 1) && in.get(0).shape.equals(old.shape)) return in.get(0);
                if (isConst(in.get(0), 1) && in.get(1).shape.equals(old.shape)) return in.get(1);
            } else if (old.op == Elementwise.NEG_OP && in.get(0).op == Elementwise.NEG_OP) {
                return in.get(0).input(0);
            } else if (old.op == Reshape.OP) {
                Node x = in.get(0).op == Reshape.OP ? in.get(0).input(0) : in.get(0);
                if (x.shape.equals(old.shape)) return x;
                return b.at(old.pos).reshape(x, old.shape);
            } else if (old.op == MatMul.OP) {
                MatMul.Transpose t = MatMul.OP.attr(old);
                Node a = in.get(0), c = in.get(1);
                boolean ta = t.a(), tb = t.b();
                if (isMatrixTranspose(a)) { a = a.input(0); ta = !ta; }
                if (isMatrixTranspose(c)) { c = c.input(0); tb = !tb; }
                if (a != in.get(0) || c != in.get(1)) return b.at(old.pos).matmul(a, c, ta, tb);
            }
            return b.copy(old, in);
        });
    }

    /** Common-subexpression elimination: structurally equal nodes (op, attribute, inputs) become one. */
    public static Graph eliminateCommonSubexpressions(Graph g) {
        return Rewrite.rebuild(g, true, (b, old, in) -> b.copy(old, in));
    }

    private static boolean isConst(Node n, double value) {
        return n.op == Leaf.CONST && Leaf.CONST.attr(n).value() == value;
    }

    /** A transpose of a 2-D matrix: what a product's flag can stand for. */
    private static boolean isMatrixTranspose(Node n) {
        return n.op == Transpose.OP && n.shape.rank() == 2 && Transpose.OP.attr(n).perm().equals(List.of(1, 0));
    }
}
