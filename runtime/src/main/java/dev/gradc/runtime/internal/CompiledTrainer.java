package dev.gradc.runtime.internal;

import dev.gradc.runtime.CheckpointException;
import dev.gradc.runtime.DType;
import dev.gradc.runtime.NpyArray;
import dev.gradc.runtime.Npz;
import dev.gradc.runtime.TensorInfo;
import dev.gradc.runtime.TensorView;
import dev.gradc.runtime.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The base class of generated trainers. The generated subclass allocates its buffers, binds the
 * named ones here, and supplies {@code step()} and the outputs' kernels; everything a host does by
 * name (views, hyper-parameters, checkpoints) lives here, in plain Java.
 *
 * <p>The model's interface comes as a descriptor text, one declaration per line:
 * <pre>
 * model Moons
 * dtype float32
 * input x [batch,2]
 * param w1 [2,16] uniform -1.0 1.0
 * output predict [batch]
 * hyper lr 1.0
 * state w1.momentum [2,16]
 * </pre>
 */
public abstract class CompiledTrainer implements Trainer {
    /** The current batch size; generated kernels read it. */
    protected int batch;
    /** The pool large matrix products are split across, or null for one thread; read by generated code. */
    protected dev.gradc.runtime.internal.Workers workers;
    /** Stops the pool's threads once this trainer is unreachable, if the host never called setThreads(1). */
    private java.lang.ref.Cleaner.Cleanable stopWorkers;
    private static final java.lang.ref.Cleaner CLEANER = java.lang.ref.Cleaner.create();

    private final int maxBatch;
    private String modelName = "?";
    private DType dtype = DType.FLOAT32;
    private final List<TensorInfo> inputs = new ArrayList<>();
    private final List<TensorInfo> params = new ArrayList<>();
    private final List<TensorInfo> outputs = new ArrayList<>();
    private final List<TensorInfo> states = new ArrayList<>();
    private final List<TensorInfo> masks = new ArrayList<>();
    /** The state buffers that accumulate() sums into and update() zeroes. */
    private final List<String> accumulatorNames = new ArrayList<>();
    private Object[] accumulatorBuffers;
    /** Dropout probability of each mask. */
    private final Map<String, Double> dropout = new HashMap<>();
    private final Map<String, TensorView> maskViews = new LinkedHashMap<>();
    /** Draws the dropout masks; seeded from the trainer's seed, apart from the initializers' stream. */
    private Rng maskRng = new Rng(0);
    private Object[] maskBuffers;
    private double[] maskP;
    private int[][] maskShapes;
    private final Map<String, Initializer> initializers = new HashMap<>();
    private final Map<String, double[]> initArgs = new HashMap<>();
    private final Map<String, Double> hyperDefaults = new LinkedHashMap<>();

    private final Map<String, TensorView> inputViews = new HashMap<>();
    private final Map<String, TensorView> paramViews = new LinkedHashMap<>();
    private final Map<String, TensorView> gradViews = new HashMap<>();
    private final Map<String, TensorView> outputViews = new HashMap<>();
    private final Map<String, TensorView> stateViews = new LinkedHashMap<>();
    private final Map<String, Object> hyperBuffers = new LinkedHashMap<>();
    private final Map<String, Integer> outputIndex = new HashMap<>();
    private TensorView lossView, evalLossView;

    protected CompiledTrainer(String descriptor, int maxBatch) {
        if (maxBatch < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + maxBatch);
        this.maxBatch = maxBatch;
        this.batch = maxBatch;
        for (String line : descriptor.split("\n")) declare(line.trim().split(" "));
    }

    private void declare(String[] f) {
        switch (f[0]) {
            case "model": modelName = f[1]; break;
            case "dtype": dtype = f[1].equals("float64") ? DType.FLOAT64 : DType.FLOAT32; break;
            case "input": inputs.add(new TensorInfo(f[1], parseShape(f[2]))); break;
            case "output": outputIndex.put(f[1], outputs.size()); outputs.add(new TensorInfo(f[1], parseShape(f[2]))); break;
            case "hyper": hyperDefaults.put(f[1], Double.parseDouble(f[2])); break;
            case "state": states.add(new TensorInfo(f[1], parseShape(f[2]))); break;
            case "accumulator": accumulatorNames.add(f[1]); break;
            case "mask": masks.add(new TensorInfo(f[1], parseShape(f[2]))); dropout.put(f[1], Double.parseDouble(f[3])); break;
            case "param": {
                params.add(new TensorInfo(f[1], parseShape(f[2])));
                initializers.put(f[1], Initializer.byName(f[3]));
                double[] args = new double[f.length - 4];
                for (int i = 0; i < args.length; i++) args[i] = Double.parseDouble(f[4 + i]);
                initArgs.put(f[1], args);
                break;
            }
            default: break;
        }
    }

    private static int[] parseShape(String text) {
        String body = text.substring(1, text.length() - 1);
        if (body.isEmpty()) return new int[0];
        String[] parts = body.split(",");
        int[] shape = new int[parts.length];
        for (int i = 0; i < parts.length; i++) {
            shape[i] = parts[i].equals("batch") ? TensorInfo.BATCH : Integer.parseInt(parts[i]);
        }
        return shape;
    }

    /** Length of a buffer of {@code coef * maxBatch^batchPower} elements, refusing overflow. */
    protected final int sized(int coef, int batchPower) {
        long n = coef;
        for (int i = 0; i < batchPower; i++) n *= maxBatch;
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(modelName + ": batch size " + maxBatch
                    + " makes a buffer of " + n + " elements, more than a Java array holds");
        }
        return (int) n;
    }

    /** Registers a named buffer: {@code "input x"}, {@code "param w1"}, {@code "grad w1"}, {@code "output predict"}, {@code "hyper lr"}, {@code "state w1.momentum"}, {@code "loss"}. */
    protected final void bind(String key, Object buffer) {
        int space = key.indexOf(' ');
        String role = space < 0 ? key : key.substring(0, space);
        String name = space < 0 ? "" : key.substring(space + 1);
        switch (role) {
            case "input": inputViews.put(name, new TensorView(this, find(inputs, name), buffer)); break;
            case "param": paramViews.put(name, new TensorView(this, find(params, name), buffer)); break;
            case "grad": gradViews.put(name, new TensorView(this, find(params, name), buffer)); break;
            case "output": outputViews.put(name, new TensorView(this, find(outputs, name), buffer)); break;
            case "hyper": hyperBuffers.put(name, buffer); break;
            case "state": stateViews.put(name, new TensorView(this, find(states, name), buffer)); break;
            case "mask": maskViews.put(name, new TensorView(this, find(masks, name), buffer)); break;
            case "loss": lossView = new TensorView(this, new TensorInfo("loss", new int[0]), buffer); break;
            case "evalLoss": evalLossView = new TensorView(this, new TensorInfo("loss", new int[0]), buffer); break;
            default: throw new IllegalArgumentException("unknown buffer role " + key);
        }
    }

    private static TensorInfo find(List<TensorInfo> infos, String name) {
        for (TensorInfo t : infos) if (t.name().equals(name)) return t;
        throw new IllegalArgumentException("undeclared tensor " + name);
    }

    /** Seeds the parameters with their initializers, in declaration order, and sets hyper-parameter defaults. */
    protected final void initialize(long seed) {
        Rng rng = new Rng(seed);
        for (TensorInfo p : params) {
            Object buffer = paramViews.get(p.name()).buffer();
            Initializer init = initializers.get(p.name());
            if (buffer instanceof float[] f) init.fill(f, p.shape(), initArgs.get(p.name()), rng);
            else init.fill((double[]) buffer, p.shape(), initArgs.get(p.name()), rng);
        }
        hyperDefaults.forEach(this::setHyper);
        maskRng = new Rng(seed ^ 0x6A09E667F3BCC909L);
    }

    /** Draws every dropout mask for the current batch: 0 with probability p, else 1/(1-p). Called by step(); allocates nothing. */
    protected final void refreshMasks() {
        if (maskBuffers == null) collectMasks();
        for (int k = 0; k < maskBuffers.length; k++) {
            double p = maskP[k], keep = 1 / (1 - p);
            int n = 1;
            for (int d : maskShapes[k]) n *= d == TensorInfo.BATCH ? batch : d;
            Object buffer = maskBuffers[k];
            if (buffer instanceof float[] f) for (int i = 0; i < n; i++) f[i] = maskRng.nextDouble() < p ? 0 : (float) keep;
            else for (int i = 0; i < n; i++) ((double[]) buffer)[i] = maskRng.nextDouble() < p ? 0 : keep;
        }
    }

    /** The masks as arrays, so that refreshing them needs no iterator or boxing. */
    private void collectMasks() {
        Object[] buffers = new Object[masks.size()];
        double[] p = new double[masks.size()];
        int[][] shapes = new int[masks.size()][];
        for (int k = 0; k < buffers.length; k++) {
            TensorInfo m = masks.get(k);
            buffers[k] = maskViews.get(m.name()).buffer();
            p[k] = dropout.get(m.name());
            shapes[k] = m.shape();
        }
        maskP = p;
        maskShapes = shapes;
        maskBuffers = buffers;
    }

    /** Zeroes the gradient sums after update(); allocates nothing once warmed up. */
    protected final void clearAccumulators() {
        if (accumulatorBuffers == null) {
            Object[] buffers = new Object[accumulatorNames.size()];
            for (int i = 0; i < buffers.length; i++) buffers[i] = stateViews.get(accumulatorNames.get(i)).buffer();
            accumulatorBuffers = buffers;
        }
        for (Object b : accumulatorBuffers) {
            if (b instanceof float[] f) java.util.Arrays.fill(f, 0);
            else java.util.Arrays.fill((double[]) b, 0);
        }
    }

    /** A model without parameters to train has nothing to accumulate: its loss is computed as by step(). */
    @Override
    public void accumulate() {
        step();
    }

    /** A model without parameters to train has nothing to update. */
    @Override
    public void update() {
    }

    @Override public List<TensorInfo> masks() { return List.copyOf(masks); }

    @Override public TensorView mask(String name) { return lookup(maskViews, "dropout mask", name); }

    @Override
    public String kernels() {
        return dtype == DType.FLOAT64 ? "plain Java (float64)" : MatMul.implementation();
    }

    /** Copies a typed setter's values into input {@code index}. */
    protected final void feed(int index, Object values) {
        TensorView view = inputViews.get(inputs.get(index).name());
        if (values instanceof float[] f) view.copyFrom(f);
        else view.copyFrom((double[]) values);
    }

    /** Runs the kernels of the loss with dropout off. */
    protected abstract void runEvaluation();

    @Override
    public double evaluateLoss() {
        double stepLoss = lossView.get(0); // without dropout the two losses share a buffer: keep step()'s
        runEvaluation();
        double loss = evalLossView.get(0);
        lossView.set(0, stepLoss);
        return loss;
    }

    /** Runs the kernels of output {@code index}. */
    protected abstract void runOutput(int index);

    @Override public String modelName() { return modelName; }
    @Override public DType dtype() { return dtype; }
    @Override public int maxBatch() { return maxBatch; }
    @Override public int batch() { return batch; }

    @Override
    public void setBatch(int batch) {
        if (batch < 1 || batch > maxBatch) {
            throw new IllegalArgumentException("batch size must be between 1 and " + maxBatch
                    + " (the size this trainer was built for), got " + batch);
        }
        this.batch = batch;
    }

    @Override public List<TensorInfo> inputs() { return List.copyOf(inputs); }
    @Override public List<TensorInfo> params() { return List.copyOf(params); }
    @Override public List<TensorInfo> outputs() { return List.copyOf(outputs); }
    @Override public List<String> hyperParameters() { return List.copyOf(hyperBuffers.keySet()); }

    @Override public TensorView input(String name) { return lookup(inputViews, "input", name); }
    @Override public TensorView param(String name) { return lookup(paramViews, "parameter", name); }
    @Override public TensorView grad(String name) { return lookup(gradViews, "gradient of parameter", name); }

    @Override public List<TensorInfo> states() { return List.copyOf(states); }

    @Override public TensorView state(String name) { return lookup(stateViews, "optimizer state", name); }

    @Override
    public void resetState() {
        for (TensorView v : stateViews.values()) {
            if (v.buffer() instanceof float[] f) java.util.Arrays.fill(f, 0f);
            else java.util.Arrays.fill((double[]) v.buffer(), 0.0);
        }
    }

    @Override
    public TensorView output(String name) {
        TensorView view = lookup(outputViews, "output", name);
        runOutput(outputIndex.get(name));
        return view;
    }

    private TensorView lookup(Map<String, TensorView> views, String what, String name) {
        TensorView v = views.get(name);
        if (v == null) {
            throw new IllegalArgumentException(modelName + " has no " + what + " '" + name + "'; it has "
                    + (views.isEmpty() ? "none" : String.join(", ", views.keySet())));
        }
        return v;
    }

    @Override
    public double loss() {
        return lossView.get(0);
    }

    @Override
    public double learningRate() {
        return hyper("lr");
    }

    @Override
    public void setThreads(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        if (threads == threads()) return;
        if (stopWorkers != null) stopWorkers.clean(); // closes the current pool, once
        stopWorkers = null;
        workers = threads == 1 ? null : new dev.gradc.runtime.internal.Workers(threads);
        if (workers != null) stopWorkers = CLEANER.register(this, workers::close);
    }

    @Override
    public int threads() {
        return workers == null ? 1 : workers.threads();
    }

    @Override
    public void setLearningRate(double learningRate) {
        setHyper("lr", learningRate);
    }

    @Override
    public double hyper(String name) {
        Object b = hyperBuffer(name);
        return b instanceof float[] f ? f[0] : ((double[]) b)[0];
    }

    @Override
    public void setHyper(String name, double value) {
        Object b = hyperBuffer(name);
        if (b instanceof float[] f) f[0] = (float) value;
        else ((double[]) b)[0] = value;
    }

    private Object hyperBuffer(String name) {
        Object b = hyperBuffers.get(name);
        if (b == null) {
            throw new IllegalArgumentException(modelName + " has no hyper-parameter '" + name + "'; it has "
                    + String.join(", ", hyperBuffers.keySet()));
        }
        return b;
    }

    @Override
    public void saveParams(Path file) throws IOException {
        List<NpyArray> arrays = new ArrayList<>();
        for (TensorInfo p : params) {
            Object copy = paramViews.get(p.name()).buffer();
            copy = copy instanceof float[] f ? f.clone() : ((double[]) copy).clone();
            arrays.add(new NpyArray(p.name(), dtype, p.shape(), copy));
        }
        Npz.write(file, arrays);
    }

    @Override
    public void loadParams(Path file) throws IOException {
        Map<String, NpyArray> found = new LinkedHashMap<>();
        for (NpyArray a : Npz.read(file)) found.put(a.name(), a);
        List<String> problems = new ArrayList<>();
        for (TensorInfo p : params) {
            NpyArray a = found.get(p.name());
            if (a == null) {
                problems.add("missing parameter '" + p.name() + "' " + TensorInfo.format(p.shape()));
                continue;
            }
            if (!java.util.Arrays.equals(a.shape(), p.shape())) {
                problems.add("parameter '" + p.name() + "' has shape " + TensorInfo.format(a.shape())
                        + " in the file, the model declares " + TensorInfo.format(p.shape()));
            }
            if (a.dtype() != dtype) {
                problems.add("parameter '" + p.name() + "' is " + a.dtype().toString().toLowerCase()
                        + " in the file, this trainer is " + dtype.toString().toLowerCase());
            }
        }
        for (String name : found.keySet()) {
            if (params.stream().noneMatch(p -> p.name().equals(name))) {
                problems.add("unexpected array '" + name + "' (" + modelName + " has no such parameter)");
            }
        }
        if (!problems.isEmpty()) {
            throw new CheckpointException(file + " does not fit " + modelName + ":\n  " + String.join("\n  ", problems));
        }
        for (TensorInfo p : params) {
            Object data = found.get(p.name()).data();
            Object buffer = paramViews.get(p.name()).buffer();
            System.arraycopy(data, 0, buffer, 0, p.sizeAt(1));
        }
    }

    @Override
    public String toString() {
        return modelName + " trainer (" + dtype.toString().toLowerCase() + ", batch " + batch + " of " + maxBatch + ")";
    }
}
