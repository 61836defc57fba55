package dev.gradc.compiler.ops;

import dev.gradc.compiler.ir.GraphBuilder;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ir.Shape;
import dev.gradc.compiler.ir.Size;
import dev.gradc.dsl.Expr;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model language's built-in functions: name, argument count, and how a call becomes IR.
 * Operators arrive here as calls too ({@code a + b} is {@code add}). Semantics live in the ops;
 * this table only binds names to them (and defines the few composites, such as {@code mean}).
 */
public final class Functions {
    private Functions() {}

    /** What a function sees of its call: argument conversion with positioned errors. */
    public interface Args {
        GraphBuilder builder();
        int count();
        Node tensor(int i);
        /** An int constant, e.g. an axis. */
        int integer(int i);
        /** A number constant, e.g. an exponent. */
        double number(int i);
        /** A dimension: a positive int constant or {@code batch}. */
        int dim(int i);
        /** Reports an error at argument {@code i}. */
        RuntimeException error(int i, String message);
        Expr expr(int i);
    }

    interface Body { Node build(Args a); }

    public record Function(String name, int minArgs, int maxArgs, String signature, Body body) {
        public Node build(Args a) {
            return body.build(a);
        }
    }

    public static final Map<String, Function> ALL = new LinkedHashMap<>();

    private static void define(String name, int minArgs, int maxArgs, String signature, Body body) {
        ALL.put(name, new Function(name, minArgs, maxArgs, signature, body));
    }

    static {
        define("add", 2, 2, "add(a, b)", a -> a.builder().add(a.tensor(0), a.tensor(1)));
        define("sub", 2, 2, "sub(a, b)", a -> a.builder().sub(a.tensor(0), a.tensor(1)));
        define("mul", 2, 2, "mul(a, b)", a -> a.builder().mul(a.tensor(0), a.tensor(1)));
        define("div", 2, 2, "div(a, b)", a -> a.builder().div(a.tensor(0), a.tensor(1)));
        define("neg", 1, 1, "neg(x)", a -> a.builder().neg(a.tensor(0)));
        define("relu", 1, 1, "relu(x)", a -> a.builder().relu(a.tensor(0)));
        define("tanh", 1, 1, "tanh(x)", a -> a.builder().tanh(a.tensor(0)));
        define("exp", 1, 1, "exp(x)", a -> a.builder().exp(a.tensor(0)));
        define("log", 1, 1, "log(x)", a -> a.builder().log(a.tensor(0)));
        define("pow", 2, 2, "pow(x, exponent) with a constant exponent", a -> a.builder().pow(a.tensor(0), a.number(1)));
        define("matmul", 2, 2, "matmul(a, b)", a -> a.builder().matmul(a.tensor(0), a.tensor(1), false, false));
        define("sum", 1, 2, "sum(x) or sum(x, axis)", a -> {
            Node x = a.tensor(0);
            return a.builder().sum(x, axes(a, x), false);
        });
        // mean = sum / count; the count may involve batch, so it is a node, not a number.
        define("mean", 1, 2, "mean(x) or mean(x, axis)", a -> {
            Node x = a.tensor(0);
            List<Integer> axes = axes(a, x);
            Size count = Size.ONE;
            for (int axis : axes) count = count.times(x.shape.dimSize(axis));
            GraphBuilder b = a.builder();
            return b.div(b.sum(x, axes, false), b.count(count));
        });
        define("reshape", 2, 9, "reshape(x, dims...)", a -> {
            int[] dims = new int[a.count() - 1];
            for (int i = 1; i < a.count(); i++) dims[i - 1] = a.dim(i);
            return a.builder().reshape(a.tensor(0), Shape.of(dims));
        });
    }

    /** All axes for {@code f(x)}, one (negative counts from the end) for {@code f(x, axis)}. */
    private static List<Integer> axes(Args a, Node x) {
        List<Integer> axes = new ArrayList<>();
        if (a.count() == 1) {
            for (int i = 0; i < x.shape.rank(); i++) axes.add(i);
            return axes;
        }
        int axis = a.integer(1);
        int normalized = axis < 0 ? axis + x.shape.rank() : axis;
        if (normalized < 0 || normalized >= x.shape.rank()) {
            throw a.error(1, "axis " + axis + " is out of range for shape " + x.shape);
        }
        axes.add(normalized);
        return axes;
    }
}
