package dev.gradc.runtime.internal;

import dev.gradc.runtime.DType;
import dev.gradc.runtime.TensorInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a generated trainer exposes, in declaration order: the model's name and element type,
 * its inputs, parameters (with their initializers), outputs, hyper-parameters (with their initial
 * values), optimizer and accumulation state, and dropout masks. The compiler builds it once from the
 * trained graph; the generated class carries its text form ({@link #format}), which its base class
 * reads back with {@link #parse}: one codec on both sides of the contract. The typed methods' names
 * ({@link #setter}) come from here too.
 *
 * @param model the model's name
 * @param dtype the element type
 * @param inputs the inputs
 * @param params the parameters
 * @param outputs the outputs
 * @param hypers the hyper-parameters
 * @param states the state buffers
 * @param masks the dropout masks
 * @param classIndices the inputs that hold class indices
 * @param minBatch the smallest batch of a training step (2 with batch normalization, else 1)
 */
public record Signature(
        String model,
        DType dtype,
        List<TensorInfo> inputs,
        List<Param> params,
        List<TensorInfo> outputs,
        List<Hyper> hypers,
        List<State> states,
        List<Mask> masks,
        List<ClassIndex> classIndices,
        int minBatch) {

    /**
     * Whether a training step must check its inputs first: labels that must be class indices, or a smallest batch.
     *
     * @return true if it must
     */
    public boolean checksTraining() {
        return !classIndices.isEmpty() || minBatch > 1;
    }

    /**
     * An input that holds class indices, one of {@code 0 .. classes-1} in each element (the labels of oneHot, crossEntropy).
     *
     * @param input the input's name
     * @param classes the number of classes
     */
    public record ClassIndex(String input, int classes) {}

    /**
     * A parameter and how it is initialized: the initializer with its scalar arguments.
     *
     * @param tensor the name and shape
     * @param init the initializer
     * @param args its leading arguments
     */
    public record Param(TensorInfo tensor, Initializer init, List<Double> args) {
        /**
         * Copies the arguments.
         *
         * @param tensor the name and shape
         * @param init the initializer
         * @param args its leading arguments
         */
        public Param {
            args = List.copyOf(args);
        }
    }

    /**
     * A hyper-parameter the host may change between steps, and the value it starts at.
     *
     * @param name the name ({@code lr}, {@code beta1}, ...)
     * @param initial the value declared in the model
     */
    public record Hyper(String name, double initial) {}

    /**
     * A state buffer, every element starting at {@code initial}; an accumulator is one of the sums
     * {@code update()} zeroes.
     *
     * @param tensor the name and shape
     * @param accumulator whether {@code update()} zeroes it
     * @param initial the value of every element at the start
     */
    public record State(TensorInfo tensor, boolean accumulator, double initial) {}

    /**
     * A dropout mask, drawn before every training step with drop probability {@code p}.
     *
     * @param tensor the name and shape
     * @param p the drop probability
     */
    public record Mask(TensorInfo tensor, double p) {}

    /**
     * Copies the lists: a signature never changes.
     *
     * @param model the model's name
     * @param dtype the element type
     * @param inputs the inputs
     * @param params the parameters
     * @param outputs the outputs
     * @param hypers the hyper-parameters
     * @param states the state buffers
     * @param masks the dropout masks
     * @param classIndices the inputs that hold class indices
     * @param minBatch the smallest batch of a training step
     */
    public Signature {
        inputs = List.copyOf(inputs);
        params = List.copyOf(params);
        outputs = List.copyOf(outputs);
        hypers = List.copyOf(hypers);
        states = List.copyOf(states);
        masks = List.copyOf(masks);
        classIndices = List.copyOf(classIndices);
    }

    /**
     * The typed setter of an input: {@code setX} for {@code x}.
     *
     * @param input the input's name
     * @return the method's name
     */
    public static String setter(String input) {
        return "set" + Character.toUpperCase(input.charAt(0)) + input.substring(1);
    }

    /**
     * One declaration per line, e.g. {@code param w1 [2,16] uniform -1.0 1.0}.
     *
     * @return the text {@link #parse} reads
     */
    public String format() {
        StringBuilder out = new StringBuilder();
        out.append("model ").append(model).append('\n');
        out.append("dtype ").append(dtype == DType.FLOAT64 ? "float64" : "float32").append('\n');
        for (TensorInfo t : inputs) line(out, "input", t);
        for (Param p : params) {
            out.append("param ").append(p.tensor().name()).append(' ').append(shape(p.tensor().shape())).append(' ')
                    .append(p.init().functionName);
            for (double a : p.args()) out.append(' ').append(a);
            out.append('\n');
        }
        for (TensorInfo t : outputs) line(out, "output", t);
        for (Hyper h : hypers) out.append("hyper ").append(h.name()).append(' ').append(h.initial()).append('\n');
        for (State s : states) {
            out.append(s.accumulator() ? "accumulator " : "state ").append(s.tensor().name()).append(' ').append(shape(s.tensor().shape()));
            if (s.initial() != 0) out.append(' ').append(s.initial());
            out.append('\n');
        }
        for (Mask m : masks) {
            out.append("mask ").append(m.tensor().name()).append(' ').append(shape(m.tensor().shape())).append(' ')
                    .append(m.p()).append('\n');
        }
        if (minBatch > 1) out.append("minBatch ").append(minBatch).append('\n');
        for (ClassIndex c : classIndices) out.append("classes ").append(c.input()).append(' ').append(c.classes()).append('\n');
        return out.toString();
    }

    private static void line(StringBuilder out, String kind, TensorInfo t) {
        out.append(kind).append(' ').append(t.name()).append(' ').append(shape(t.shape())).append('\n');
    }

    /**
     * The text of {@link #format}.
     *
     * @param text what {@link #format} wrote
     * @return the signature
     * @throws IllegalArgumentException if a line is not one {@link #format} writes
     */
    public static Signature parse(String text) {
        String model = null;
        DType dtype = null;
        List<TensorInfo> inputs = new ArrayList<>(), outputs = new ArrayList<>();
        List<Param> params = new ArrayList<>();
        List<Hyper> hypers = new ArrayList<>();
        List<State> states = new ArrayList<>();
        List<Mask> masks = new ArrayList<>();
        List<ClassIndex> classes = new ArrayList<>();
        int minBatch = 1;
        for (String line : text.split("\n")) {
            if (line.isEmpty()) continue;
            String[] f = line.split(" ");
            switch (f[0]) {
                case "model": model = f[1]; break;
                case "dtype": dtype = f[1].equals("float64") ? DType.FLOAT64 : DType.FLOAT32; break;
                case "input": inputs.add(tensor(f)); break;
                case "output": outputs.add(tensor(f)); break;
                case "hyper": hypers.add(new Hyper(f[1], Double.parseDouble(f[2]))); break;
                case "state": case "accumulator":
                    states.add(new State(tensor(f), f[0].equals("accumulator"), f.length > 3 ? Double.parseDouble(f[3]) : 0));
                    break;
                case "mask": masks.add(new Mask(tensor(f), Double.parseDouble(f[3]))); break;
                case "minBatch": minBatch = Integer.parseInt(f[1]); break;
                case "classes": classes.add(new ClassIndex(f[1], Integer.parseInt(f[2]))); break;
                case "param": {
                    List<Double> args = new ArrayList<>();
                    for (int i = 4; i < f.length; i++) args.add(Double.parseDouble(f[i]));
                    params.add(new Param(tensor(f), Initializer.byName(f[3]), args));
                    break;
                }
                default: throw new IllegalArgumentException("unknown signature line: " + line);
            }
        }
        return new Signature(model, dtype, inputs, params, outputs, hypers, states, masks, classes, minBatch);
    }

    private static TensorInfo tensor(String[] f) {
        return new TensorInfo(f[1], parseShape(f[2]));
    }

    /** A shape without spaces, {@code [batch,2]}, so that a line splits at its spaces. */
    static String shape(int[] dims) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) sb.append(i > 0 ? "," : "").append(dims[i] == TensorInfo.BATCH ? "batch" : Integer.toString(dims[i]));
        return sb.append(']').toString();
    }

    private static int[] parseShape(String text) {
        String body = text.substring(1, text.length() - 1);
        if (body.isEmpty()) return new int[0];
        String[] parts = body.split(",");
        int[] shape = new int[parts.length];
        for (int i = 0; i < parts.length; i++) shape[i] = parts[i].equals("batch") ? TensorInfo.BATCH : Integer.parseInt(parts[i]);
        return shape;
    }
}
