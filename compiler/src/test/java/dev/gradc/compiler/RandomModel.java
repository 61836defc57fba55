package dev.gradc.compiler;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes a random model file from a sequence of choices, Hypothesis-style: every decision takes the
 * next number, and a used-up sequence decides 0, the simplest option (a leaf). QuickTheories shrinks
 * the sequence, which shrinks the model. Values stay in the ops' domains by construction (log and
 * division see {@code t*t + 0.5}, exp sees {@code tanh(t)}); tensors with a batch dimension are
 * inputs, the others parameters.
 */
final class RandomModel {
    static final int BATCH = -1;

    private final List<Integer> choices;
    private int cursor;
    private final List<String> declarations = new ArrayList<>();
    private int params, inputs;

    private RandomModel(List<Integer> choices) {
        this.choices = choices;
    }

    static String source(List<Integer> choices) {
        RandomModel m = new RandomModel(choices);
        String loss = m.lossExpression();
        StringBuilder src = new StringBuilder("class Random {\n");
        for (String d : m.declarations) src.append("    ").append(d).append('\n');
        src.append("    Tensor loss() { return ").append(loss).append("; }\n");
        src.append("    Optimizer opt = sgd(0.0);\n}\n");
        return src.toString();
    }

    private int choose(int n) {
        return cursor < choices.size() ? Math.floorMod(choices.get(cursor++), n) : 0;
    }

    private String lossExpression() {
        int[] shape = randomShape();
        String t = tensor(shape, 3);
        return choose(2) == 0 ? "sum(" + t + ")" : "mean(" + t + ")";
    }

    private int[] randomShape() {
        int rank = choose(3);
        int[] shape = new int[rank];
        for (int i = 0; i < rank; i++) shape[i] = dim();
        return shape;
    }

    private int dim() {
        int[] dims = {2, 3, 1, BATCH};
        return dims[choose(dims.length)];
    }

    private String tensor(int[] shape, int depth) {
        switch (depth <= 0 ? 0 : choose(10)) {
            case 1: return unary(tensor(shape, depth - 1));
            case 2: return binary(shape, depth);
            case 3:
                if (shape.length == 2) {
                    int k = dim();
                    return "matmul(" + tensor(new int[] {shape[0], k}, depth - 1) + ", " + tensor(new int[] {k, shape[1]}, depth - 1) + ")";
                }
                return binary(shape, depth);
            case 4: return reduce(choose(2) == 0 ? "sum" : "logSumExp", shape, depth);
            case 5: return shape.length > 0 && choose(2) == 0 ? "softmax(" + tensor(shape, depth - 1) + ")" : reduce("mean", shape, depth);
            case 6: return reshape(shape, depth);
            case 7: return structural(shape, depth);
            case 8: return "(" + tensor(shape, depth - 1) + " * 0.5 + 0.25)";
            case 9: {
                // batch normalization over [batch, C] or [batch, L, C]; eps 0.5 keeps it smooth for finite differences
                int last = shape.length - 1;
                if (shape.length < 2 || shape[0] != BATCH || shape[last] == BATCH || (shape.length == 3 && shape[1] == BATCH)) return leaf(shape);
                int[] channels = {shape[last]};
                return "batchNorm(" + tensor(shape, depth - 1) + ", " + tensor(channels, depth - 1) + ", " + tensor(channels, depth - 1) + ", 0.1, 0.5)";
            }
            default: return leaf(shape);
        }
    }

    /** transpose, concat or slice producing {@code shape}, where its last axis allows. */
    private String structural(int[] shape, int depth) {
        int last = shape.length - 1;
        if (last < 0 || shape[last] == BATCH) return leaf(shape);
        switch (choose(3)) {
            case 0: {
                if (shape.length != 2) return leaf(shape);
                return "transpose(" + tensor(new int[] {shape[1], shape[0]}, depth - 1) + ")";
            }
            case 1: {
                if (shape[last] < 2) return leaf(shape);
                int[] left = shape.clone(), right = shape.clone();
                left[last] = 1;
                right[last] = shape[last] - 1;
                return "concat(" + tensor(left, depth - 1) + ", " + tensor(right, depth - 1) + ", -1)";
            }
            default: {
                int[] wider = shape.clone();
                wider[last] = shape[last] + 1;
                int start = choose(2);
                return "slice(" + tensor(wider, depth - 1) + ", -1, " + start + ", " + (start + shape[last]) + ")";
            }
        }
    }

    private String unary(String t) {
        switch (choose(17)) {
            case 0: return "relu(" + t + ")";
            case 1: return "tanh(" + t + ")";
            case 2: return "exp(tanh(" + t + "))";
            case 3: return "log(" + t + " * " + t + " + 0.5)";
            case 4: return "-(" + t + ")";
            case 5: return "pow(" + t + ", 2)";
            case 6: return "pow(" + t + " * " + t + " + 0.5, 1.5)";
            case 7: return "sigmoid(" + t + ")";
            case 8: return "softplus(" + t + ")";
            case 9: return "gelu(" + t + ")";
            case 10: return "sin(" + t + ")";
            case 11: return "cos(" + t + ")";
            case 12: return "abs(" + t + ")";
            case 13: return "leakyRelu(" + t + ", 0.1)";
            case 14: return "elu(" + t + ")";
            case 15: return "sqrt(" + t + " * " + t + " + 0.5)";
            default: return "log1p(" + t + " * " + t + ")";
        }
    }

    private String binary(int[] shape, int depth) {
        String a = tensor(shape, depth - 1);
        String b = tensor(broadcastable(shape), depth - 1);
        if (choose(2) == 1) {
            String t = a;
            a = b;
            b = t;
        }
        switch (choose(6)) {
            case 0: return "(" + a + " + " + b + ")";
            case 1: return "(" + a + " - " + b + ")";
            case 2: return "(" + a + " * " + b + ")";
            case 3: return "maximum(" + a + ", " + b + ")";
            case 4: return "minimum(" + a + ", " + b + ")";
            default: return "(" + a + " / (" + b + " * " + b + " + 0.5))";
        }
    }

    /** A shape that broadcasts to {@code shape}: leading dimensions dropped, some set to 1. */
    private int[] broadcastable(int[] shape) {
        int drop = choose(shape.length + 1);
        int[] out = new int[shape.length - drop];
        for (int i = 0; i < out.length; i++) out[i] = choose(3) == 1 ? 1 : shape[i + drop];
        return out;
    }

    private String reduce(String f, int[] shape, int depth) {
        if (choose(2) == 0 && shape.length == 0) return f + "(" + tensor(randomShape(), depth - 1) + ")";
        int axis = choose(shape.length + 1);
        int[] inner = new int[shape.length + 1];
        for (int i = 0, j = 0; i < inner.length; i++) inner[i] = i == axis ? dim() : shape[j++];
        return f + "(" + tensor(inner, depth - 1) + ", " + axis + ")";
    }

    /** Reshape from the same elements laid out as one dimension (after the batch dimensions, if any). */
    private String reshape(int[] shape, int depth) {
        if (shape.length == 0) return leaf(shape);
        int fixed = 1, batches = 0;
        for (int d : shape) {
            if (d == BATCH) batches++;
            else fixed *= d;
        }
        int[] inner = new int[batches + 1];
        java.util.Arrays.fill(inner, BATCH);
        inner[batches] = fixed;
        StringBuilder dims = new StringBuilder();
        for (int d : shape) dims.append(", ").append(d == BATCH ? "batch" : Integer.toString(d));
        return "reshape(" + tensor(inner, depth - 1) + dims + ")";
    }

    private String leaf(int[] shape) {
        boolean batch = false;
        StringBuilder dims = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == BATCH) batch = true;
            dims.append(i > 0 ? ", " : "").append(shape[i] == BATCH ? "batch" : Integer.toString(shape[i]));
        }
        if (batch) {
            String name = "x" + inputs++;
            declarations.add("Input " + name + " = input(" + dims + ");");
            return name;
        }
        String name = "p" + params++;
        declarations.add("Param " + name + " = uniform(-1, 1" + (shape.length > 0 ? ", " : "") + dims + ");");
        return name;
    }
}
