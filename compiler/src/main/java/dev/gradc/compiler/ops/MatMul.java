package dev.gradc.compiler.ops;

import dev.gradc.compiler.ir.Attr;
import dev.gradc.compiler.ir.GraphBuilder;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ir.Shape;
import dev.gradc.compiler.ir.ShapeException;
import java.util.Arrays;
import java.util.List;

/**
 * Matrix product {@code op(A)·op(B)}, where {@code op} transposes an operand's last two axes when
 * its flag is set. The flags let the backward pass use {@code A·Bᵀ} and {@code Aᵀ·B} without
 * materializing a transpose. An operand may carry a leading batch of matrices ({@code [B, m, k]});
 * a 2-D operand is then shared by every matrix of the batch.
 */
public final class MatMul extends Op<MatMul.Transpose> {
    public static final MatMul OP = new MatMul();

    public record Transpose(boolean a, boolean b) implements Attr {
        @Override
        public String toString() {
            return (a ? "T" : "N") + (b ? "T" : "N");
        }
    }

    private MatMul() {
        super("matmul", Transpose.class);
    }

    @Override
    public Shape shape(List<Shape> inputs, Transpose t) {
        Shape a = inputs.get(0), b = inputs.get(1);
        if (a.rank() < 2 || a.rank() > 3 || b.rank() < 2 || b.rank() > 3) {
            throw new ShapeException("matmul: expected matrices (2-D) or batches of them (3-D), got " + a + " and " + b);
        }
        if (a.rank() == 3 && b.rank() == 3 && a.dim(0) != b.dim(0)) {
            throw new ShapeException("matmul: batch sizes differ (" + a + " x " + b + ")");
        }
        int m = rows(a, t.a()), k = cols(a, t.a()), k2 = rows(b, t.b()), n = cols(b, t.b());
        if (k != k2) {
            throw new ShapeException("matmul: inner dimensions differ (" + a + " x " + b + ": " + dim(k) + " vs " + dim(k2) + ")");
        }
        if (a.rank() == 3) return Shape.of(a.dim(0), m, n);
        if (b.rank() == 3) return Shape.of(b.dim(0), m, n);
        return Shape.of(m, n);
    }

    /** Rows of op(x): the second-to-last axis, or the last when transposed. */
    static int rows(Shape x, boolean transposed) {
        return x.dim(x.rank() - (transposed ? 1 : 2));
    }

    static int cols(Shape x, boolean transposed) {
        return x.dim(x.rank() - (transposed ? 2 : 1));
    }

    private static String dim(int d) {
        return d == Shape.BATCH ? "batch" : Integer.toString(d);
    }

    // C = op(A)·op(B):  d op(A) = G·op(B)ᵀ,  d op(B) = op(A)ᵀ·G; a stored transpose flips the product.
    @Override
    public List<Node> vjp(GraphBuilder f, Node node, Node g) {
        Transpose t = attr(node);
        Node a = node.input(0), b = node.input(1);
        Node da = t.a() ? f.matmul(b, g, t.b(), true) : f.matmul(g, b, false, !t.b());
        Node db = t.b() ? f.matmul(g, a, true, t.a()) : f.matmul(a, g, !t.a(), false);
        return List.of(da, db);
    }

    @Override
    public void eval(Node node, double[][] in, int batch, double[] out) {
        Transpose t = attr(node);
        Shape as = node.input(0).shape, bs = node.input(1).shape;
        int[] a = as.at(batch), b = bs.at(batch);
        int m = rows(Shape.of(a), t.a()), k = cols(Shape.of(a), t.a()), n = cols(Shape.of(b), t.b());
        int matrices = node.shape.rank() == 3 ? node.shape.at(batch)[0] : 1;
        double[] x = in[0], y = in[1];
        Arrays.fill(out, 0);
        for (int p = 0; p < matrices; p++) {
            int xo = as.rank() == 3 ? p * m * k : 0, yo = bs.rank() == 3 ? p * k * n : 0, oo = p * m * n;
            for (int i = 0; i < m; i++) {
                for (int q = 0; q < k; q++) {
                    double av = x[xo + (t.a() ? q * m + i : i * k + q)];
                    for (int j = 0; j < n; j++) {
                        out[oo + i * n + j] += av * y[yo + (t.b() ? j * k + q : q * n + j)];
                    }
                }
            }
        }
    }

    @Override
    public void lower(Lowering l) {
        l.matmul(attr(l.node()));
    }
}
