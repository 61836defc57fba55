package dev.gradc.compiler.ops;

import dev.gradc.compiler.emit.Kernel;
import dev.gradc.compiler.ir.GraphBuilder;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ir.Shape;
import dev.gradc.compiler.ir.ShapeException;
import java.util.Arrays;
import java.util.List;

/**
 * Matrix product {@code op(A)·op(B)} of 2-D tensors, where {@code op} transposes an operand when its
 * flag is set. The flags let the backward pass use {@code A·Bᵀ} and {@code Aᵀ·B} without
 * materializing a transpose.
 */
public final class MatMul extends Op {
    public static final MatMul OP = new MatMul();

    public record Transpose(boolean a, boolean b) {
        public static final Transpose NONE = new Transpose(false, false);

        @Override
        public String toString() {
            return (a ? "T" : "N") + (b ? "T" : "N");
        }
    }

    private MatMul() {
        super("matmul");
    }

    @Override
    public Shape shape(List<Shape> inputs, Object attr) {
        Shape a = inputs.get(0), b = inputs.get(1);
        if (a.rank() != 2 || b.rank() != 2) {
            throw new ShapeException("matmul: expected two matrices (2-D), got " + a + " and " + b);
        }
        Transpose t = (Transpose) attr;
        int m = a.dim(t.a() ? 1 : 0), k = a.dim(t.a() ? 0 : 1);
        int k2 = b.dim(t.b() ? 1 : 0), n = b.dim(t.b() ? 0 : 1);
        if (k != k2) {
            throw new ShapeException("matmul: inner dimensions differ (" + a + " x " + b + ": "
                    + Shape.of(k).toString().replaceAll("[\\[\\]]", "") + " vs "
                    + Shape.of(k2).toString().replaceAll("[\\[\\]]", "") + ")");
        }
        return Shape.of(m, n);
    }

    // C = op(A)·op(B):  d op(A) = G·op(B)ᵀ,  d op(B) = op(A)ᵀ·G; a stored transpose flips the product.
    @Override
    public List<Node> vjp(GraphBuilder f, Node node, Node g) {
        Transpose t = (Transpose) node.attr;
        Node a = node.input(0), b = node.input(1);
        Node da = t.a() ? f.matmul(b, g, t.b(), true) : f.matmul(g, b, false, !t.b());
        Node db = t.b() ? f.matmul(g, a, true, t.a()) : f.matmul(a, g, !t.a(), false);
        return List.of(da, db);
    }

    @Override
    public void eval(Node node, double[][] in, int batch, double[] out) {
        Transpose t = (Transpose) node.attr;
        int[] a = node.input(0).shape.at(batch), b = node.input(1).shape.at(batch);
        int m = t.a() ? a[1] : a[0], k = t.a() ? a[0] : a[1], n = t.b() ? b[0] : b[1];
        double[] x = in[0], y = in[1];
        Arrays.fill(out, 0);
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                double av = t.a() ? x[p * m + i] : x[i * k + p];
                for (int j = 0; j < n; j++) {
                    out[i * n + j] += av * (t.b() ? y[j * k + p] : y[p * n + j]);
                }
            }
        }
    }

    @Override
    public void emit(Kernel k) {
        k.matmul((Transpose) k.node().attr);
    }
}
