package dev.gradc.runtime.internal;

import dev.gradc.runtime.Checkpoint;
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
 * The base class of generated trainers; for generated code only. The generated subclass passes
 * its {@link Signature} (what it exposes) and {@link Storage} (its buffers and which holds what) as
 * text; this class allocates every buffer once, binds the named ones to views, initializes the
 * parameters, and does in plain Java everything a host does by name (views, hyper-parameters,
 * checkpoints). The subclass supplies {@code step()}, the outputs' and the evaluation's kernels,
 * reading its buffers from {@link #floats} or {@link #doubles}.
 */
public abstract class CompiledTrainer extends StepSupport implements Trainer {
    /** The pool large matrix products and loops are split across, or null for one thread; read by generated code. */
    protected Workers workers;
    /** Every buffer of a float32 trainer (null for float64), indexed as the storage says; read by generated code. */
    protected final float[][] floats;
    /** Every buffer of a float64 trainer (null for float32). */
    protected final double[][] doubles;
    /** The generated class's split loops as a pool task: part {@code part} of {@code parts} of loop {@code id}. */
    protected final Workers.Task loopParts = this::runPart;
    /** Stops the pool's threads once this trainer is unreachable, if the host never called setThreads(1). */
    private java.lang.ref.Cleaner.Cleanable stopWorkers;
    private static final java.lang.ref.Cleaner CLEANER = java.lang.ref.Cleaner.create();

    private final Signature signature;
    private final int maxBatch;
    private final String modelName;
    private final DType dtype;
    private final List<TensorInfo> inputs = new ArrayList<>();
    private final List<TensorInfo> params = new ArrayList<>();
    private final List<TensorInfo> outputs = new ArrayList<>();
    private final List<TensorInfo> states = new ArrayList<>();
    private final List<TensorInfo> masks = new ArrayList<>();
    private final Map<String, TensorView> maskViews = new LinkedHashMap<>();

    private final Map<String, TensorView> inputViews = new LinkedHashMap<>(); // declaration order, for messages
    private final Map<String, TensorView> paramViews = new LinkedHashMap<>();
    private final Map<String, TensorView> gradViews = new LinkedHashMap<>();
    private final Map<String, TensorView> outputViews = new LinkedHashMap<>();
    private final Map<String, TensorView> stateViews = new LinkedHashMap<>();
    private final Map<String, Object> hyperBuffers = new LinkedHashMap<>();
    private final Map<String, Integer> outputIndex = new HashMap<>();
    private final TensorView lossView, evalLossView;
    /**
     * Whether the output buffers hold what the last {@link #evaluateLoss()} computed: set by it,
     * cleared by everything else that runs the model (the generated step, accumulate and update
     * clear it themselves) and by a change of batch.
     */
    protected boolean evaluated;

    /**
     * Allocates and binds every buffer for batches of up to {@code maxBatch} and initializes the
     * parameters from {@code seed}. A trainer that would not fit the heap is a
     * {@link dev.gradc.runtime.TrainerTooLargeException} saying how much it needs.
     *
     * @param signatureText the model's {@link Signature}, in its text form
     * @param storageText which buffer each role and name is bound to ({@link Storage})
     * @param maxBatch the largest batch, at least 1
     * @param seed seeds the parameters' initializers
     */
    protected CompiledTrainer(String signatureText, String storageText, int maxBatch, long seed) {
        if (maxBatch < 1) throw new IllegalArgumentException("batch size must be at least 1, got " + maxBatch);
        this.maxBatch = maxBatch;
        this.batch = maxBatch;
        this.signature = Signature.parse(signatureText);
        this.modelName = signature.model();
        this.dtype = signature.dtype();
        Storage storage = Storage.parse(storageText);
        int[] lengths = lengths(storage);
        Object[] buffers;
        try {
            if (dtype == DType.FLOAT64) {
                doubles = new double[lengths.length][];
                for (int i = 0; i < lengths.length; i++) doubles[i] = new double[lengths[i]];
                floats = null;
                buffers = doubles;
            } else {
                floats = new float[lengths.length][];
                for (int i = 0; i < lengths.length; i++) floats[i] = new float[lengths[i]];
                doubles = null;
                buffers = floats;
            }
        } catch (OutOfMemoryError e) {
            throw new dev.gradc.runtime.TrainerTooLargeException(tooLarge(lengths), e);
        }
        inputs.addAll(signature.inputs());
        outputs.addAll(signature.outputs());
        for (Signature.Param p : signature.params()) params.add(p.tensor());
        for (Signature.State st : signature.states()) states.add(st.tensor());
        for (Signature.Mask m : signature.masks()) masks.add(m.tensor());
        for (int i = 0; i < outputs.size(); i++) outputIndex.put(outputs.get(i).name(), i);
        for (TensorInfo t : inputs) inputViews.put(t.name(), view(t, storage, buffers, "input"));
        for (TensorInfo t : params) {
            paramViews.put(t.name(), view(t, storage, buffers, "param"));
            gradViews.put(t.name(), view(t, storage, buffers, "grad"));
        }
        for (TensorInfo t : outputs) outputViews.put(t.name(), view(t, storage, buffers, "output"));
        for (TensorInfo t : states) stateViews.put(t.name(), view(t, storage, buffers, "state"));
        for (TensorInfo t : masks) maskViews.put(t.name(), view(t, storage, buffers, "mask"));
        for (Signature.Hyper h : signature.hypers()) hyperBuffers.put(h.name(), buffers[index(storage, "hyper", h.name())]);
        TensorInfo scalar = new TensorInfo("loss", new int[0]);
        lossView = new TensorView(this, scalar, buffers[index(storage, "loss", "")]);
        int labels = signature.classIndices().size();
        labelBuffers = new Object[labels];
        labelSizes = new int[labels];
        labelClasses = new int[labels];
        labelHasBatch = new boolean[labels];
        for (int k = 0; k < labels; k++) {
            Signature.ClassIndex c = signature.classIndices().get(k);
            TensorView v = inputViews.get(c.input());
            labelBuffers[k] = v.buffer();
            labelSizes[k] = v.info().sizeAt(1);
            labelHasBatch[k] = v.info().hasBatch();
            labelClasses[k] = c.classes();
        }
        evalLossView = new TensorView(this, scalar, buffers[index(storage, "evalLoss", "")]);
        minBatch = signature.minBatch();
        accumulatorBuffers = signature.states().stream().filter(Signature.State::accumulator)
                .map(st -> stateViews.get(st.tensor().name()).buffer()).toArray();
        collectMasks();
        initialize(seed);
        Workers.prepare(); // the kernels' classes set up (and their warm-up started) now, not in the first step
        // What a step calls here runs once now, changing nothing: its classes are resolved before the
        // first step, which must allocate nothing.
        checkClassIndices();
        clearAccumulators();
    }

    /** Every buffer's length at this trainer's maximum batch, refusing what no array or heap holds. */
    private int[] lengths(Storage storage) {
        int[] lengths = new int[storage.buffers().size()];
        long total = 0;
        for (int i = 0; i < lengths.length; i++) {
            Storage.Buffer b = storage.buffers().get(i);
            long n = b.coef();
            for (int p = 0; p < b.batchPower() && n <= Integer.MAX_VALUE; p++) n *= maxBatch;
            if (n > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(modelName + ": batch size " + maxBatch
                        + " makes a buffer of " + n + " elements, more than a Java array holds");
            }
            lengths[i] = (int) n;
            total += n;
        }
        // Beyond the heap's maximum it cannot fit; below it, allocating says (garbage may be collected first).
        if (total * dtype.itemSize() > Runtime.getRuntime().maxMemory()) throw new dev.gradc.runtime.TrainerTooLargeException(tooLarge(lengths), null);
        return lengths;
    }

    private String tooLarge(int[] lengths) {
        long total = 0;
        for (int n : lengths) total += n;
        Runtime rt = Runtime.getRuntime();
        return String.format(java.util.Locale.ROOT, "%s: a trainer for batches of up to %d needs %s of buffers, and this JVM's "
                + "heap has %s free of at most %s; give it more (java -Xmx...) or use a smaller batch",
                modelName, maxBatch, bytes(total * dtype.itemSize()), bytes(rt.maxMemory() - (rt.totalMemory() - rt.freeMemory())),
                bytes(rt.maxMemory()));
    }

    private static String bytes(long n) {
        if (n >= 1L << 30) return String.format(java.util.Locale.ROOT, "%.1f GiB", n / (double) (1L << 30));
        if (n >= 1L << 20) return String.format(java.util.Locale.ROOT, "%.1f MiB", n / (double) (1L << 20));
        return String.format(java.util.Locale.ROOT, "%.1f KiB", n / 1024.0);
    }

    private TensorView view(TensorInfo t, Storage storage, Object[] buffers, String role) {
        return new TensorView(this, t, buffers[index(storage, role, t.name())]);
    }

    private int index(Storage storage, String role, String name) {
        Integer i = storage.bindings().get(Storage.key(role, name));
        if (i == null) throw new IllegalStateException(modelName + ": the generated class binds no buffer to " + Storage.key(role, name));
        return i;
    }

    /**
     * What this trainer exposes, as the compiler described it.
     *
     * @return the signature
     */
    public final Signature signature() {
        return signature;
    }

    /** Seeds the parameters with their initializers, in declaration order, and sets hyper-parameters to their initial values. */
    private void initialize(long seed) {
        Rng rng = new Rng(seed);
        for (Signature.Param p : signature.params()) {
            Object buffer = paramViews.get(p.tensor().name()).buffer();
            double[] args = p.args().stream().mapToDouble(Double::doubleValue).toArray();
            if (buffer instanceof float[] f) p.init().fill(f, p.tensor().shape(), args, rng);
            else p.init().fill((double[]) buffer, p.tensor().shape(), args, rng);
        }
        for (Signature.Hyper h : signature.hypers()) setHyper(h.name(), h.initial());
        resetState();
        maskRng = new Rng(seed ^ 0x6A09E667F3BCC909L);
    }

    /** The masks as arrays, so that refreshing them needs no iterator or boxing. */
    private void collectMasks() {
        Object[] buffers = new Object[masks.size()];
        double[] p = new double[masks.size()];
        int[][] shapes = new int[masks.size()][];
        for (int k = 0; k < buffers.length; k++) {
            Signature.Mask m = signature.masks().get(k);
            buffers[k] = maskViews.get(m.tensor().name()).buffer();
            p[k] = m.p();
            shapes[k] = m.tensor().shape();
        }
        maskP = p;
        maskShapes = shapes;
        maskBuffers = buffers;
    }

    @Override
    final RuntimeException batchTooSmall() {
        return new dev.gradc.runtime.DataException(modelName + ": batch normalization needs more than one value per channel while "
                + "training, and this step's batch is " + batch + " (at least " + minBatch + " examples a step); "
                + "outputs and evaluateLoss() take any batch, as they use the running statistics");
    }

    /**
     * Refuses labels that are not class indices, before a step or evaluation reads them: a label of
     * 7 for 3 classes would make cross-entropy silently wrong.
     */
    @Override
    final RuntimeException notAClassIndex(int k, int i, double label) {
        Signature.ClassIndex c = signature.classIndices().get(k);
        return new dev.gradc.runtime.DataException(String.format(java.util.Locale.ROOT,
                "%s: input '%s' holds %s at row %d (element %d), which is not a class index: expected an integer from 0 to %d (%d classes)",
                modelName, c.input(), label == Math.rint(label) && Math.abs(label) < 1e15 ? Long.toString((long) label) : Double.toString(label),
                i / labelSizes[k], i, c.classes() - 1, c.classes()));
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

    /**
     * Copies a typed setter's values into input {@code index}.
     *
     * @param index the input's place in the signature
     * @param values a {@code float[]}, {@code double[]} or {@code int[]} of the input's size at the current batch
     */
    protected final void feed(int index, Object values) {
        TensorView view = inputViews.get(inputs.get(index).name());
        if (values instanceof float[] f) view.copyFrom(f);
        else if (values instanceof int[] classes) view.copyFrom(classes);
        else view.copyFrom((double[]) values);
    }

    /** Runs the kernels of the loss with dropout off. */
    protected abstract void runEvaluation();

    @Override
    public double evaluateLoss() {
        checkClassIndices();
        double stepLoss = lossView.get(0); // without dropout the two losses share a buffer: keep step()'s
        runEvaluation();
        evaluated = true;
        double loss = evalLossView.get(0);
        lossView.set(0, stepLoss);
        return loss;
    }

    /**
     * Runs the kernels of output {@code index}.
     *
     * @param index the output's place in the signature
     */
    protected abstract void runOutput(int index);

    /**
     * Runs part {@code part} of {@code parts} of split loop {@code id}; a class with split loops overrides it.
     *
     * @param id the split loop
     * @param part which part, from 0
     * @param parts how many parts the loop is split into
     */
    protected void runPart(int id, int part, int parts) {
        throw new IllegalStateException(modelName + " has no split loop " + id);
    }

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
        evaluated = false;
    }

    @Override public List<TensorInfo> inputs() { return List.copyOf(inputs); }
    @Override public List<TensorInfo> params() { return List.copyOf(params); }
    @Override public List<TensorInfo> outputs() { return List.copyOf(outputs); }
    @Override public List<String> hyperParameters() { return List.copyOf(hyperBuffers.keySet()); }

    @Override public TensorView input(String name) { return lookup(inputViews, "input", name); }
    @Override public TensorView param(String name) { return lookup(paramViews, "parameter", name); }
    @Override public TensorView grad(String name) { return lookup(gradViews, "parameter", name); }

    @Override public List<TensorInfo> states() { return List.copyOf(states); }

    @Override public TensorView state(String name) { return lookup(stateViews, "optimizer state", name); }

    /** Every state buffer back to its initial value, as in a new trainer (0, or 1 for a running variance). */
    @Override
    public void resetState() {
        for (Signature.State st : signature.states()) {
            Object b = stateViews.get(st.tensor().name()).buffer();
            if (b instanceof float[] f) java.util.Arrays.fill(f, (float) st.initial());
            else java.util.Arrays.fill((double[]) b, st.initial());
        }
    }

    @Override
    public TensorView output(String name) {
        TensorView view = lookup(outputViews, "output", name);
        evaluated = false;
        runOutput(outputIndex.get(name));
        return view;
    }

    @Override
    public TensorView evaluatedOutput(String name) {
        TensorView view = lookup(outputViews, "output", name);
        if (!evaluated) {
            throw new IllegalStateException("no evaluateLoss() since " + modelName
                    + " last ran otherwise or changed its batch: call evaluateLoss() first, or output(\"" + name + "\")");
        }
        return view;
    }

    private TensorView lookup(Map<String, TensorView> views, String what, String name) {
        if (name == null) throw new NullPointerException("the " + what + " name is null; " + modelName + " has " + names(views));
        TensorView v = views.get(name);
        if (v == null) {
            throw new IllegalArgumentException(modelName + " has no " + what + " '" + name + "'; it has " + names(views));
        }
        return v;
    }

    private static String names(Map<String, ?> named) {
        return named.isEmpty() ? "none" : String.join(", ", named.keySet());
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
        workers = threads == 1 ? null : new Workers(threads);
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
        if (name == null) throw new NullPointerException("the hyper-parameter name is null; " + modelName + " has " + names(hyperBuffers));
        Object b = hyperBuffers.get(name);
        if (b == null) {
            throw new IllegalArgumentException(modelName + " has no hyper-parameter '" + name + "'; it has "
                    + String.join(", ", hyperBuffers.keySet()));
        }
        return b;
    }

    @Override
    public void saveParams(Path file) throws IOException {
        java.util.Objects.requireNonNull(file, "the file to save parameters to is null");
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
        java.util.Objects.requireNonNull(file, "the parameters file is null");
        Map<String, NpyArray> found = new LinkedHashMap<>();
        for (NpyArray a : Npz.read(file)) found.put(a.name(), a);
        List<String> problems = new ArrayList<>();
        check(found, params, "", "parameter", true, problems);
        for (String name : found.keySet()) {
            if (params.stream().noneMatch(p -> p.name().equals(name))) {
                problems.add("unexpected array '" + name + "' (" + modelName + " has no such parameter)");
            }
        }
        if (!problems.isEmpty()) {
            throw new CheckpointException(file + " does not fit " + modelName + ":\n  " + String.join("\n  ", problems));
        }
        copy(found, params, "", paramViews);
    }

    @Override
    public Checkpoint checkpoint() {
        List<NpyArray> out = new ArrayList<>();
        for (TensorInfo p : params) out.add(array(p.name(), p, paramViews.get(p.name())));
        for (TensorInfo st : states) out.add(array("state/" + st.name(), st, stateViews.get(st.name())));
        for (String h : hyperBuffers.keySet()) out.add(NpyArray.of("hyper/" + h, new double[] {hyper(h)}, 1));
        out.add(NpyArray.of("gradc/masks.rng", maskRng.saveState(), 4));
        out.add(NpyArray.of(Checkpoint.MARKER, new double[] {Checkpoint.VERSION}, 1));
        return new Checkpoint(out);
    }

    private NpyArray array(String name, TensorInfo t, TensorView v) {
        Object b = v.buffer();
        int n = t.sizeAt(t.hasBatch() ? maxBatch : 1);
        Object copy = b instanceof float[] f ? java.util.Arrays.copyOf(f, n) : java.util.Arrays.copyOf((double[]) b, n);
        return new NpyArray(name, dtype, t.shapeAt(maxBatch), copy);
    }

    @Override
    public void restore(Checkpoint c) {
        java.util.Objects.requireNonNull(c, "the checkpoint to restore is null");
        Map<String, NpyArray> found = new LinkedHashMap<>();
        for (NpyArray a : c.arrays()) found.put(a.name(), a);
        List<String> problems = new ArrayList<>();
        NpyArray version = found.get(Checkpoint.MARKER);
        if (version == null || version.size() != 1 || version.doubles()[0] != Checkpoint.VERSION) {
            problems.add("no " + Checkpoint.MARKER + " of version " + Checkpoint.VERSION + ": not a checkpoint of this gradc");
        }
        check(found, params, "", "parameter", true, problems);
        List<TensorInfo> stateShapes = new ArrayList<>();
        for (TensorInfo st : states) stateShapes.add(new TensorInfo(st.name(), st.shapeAt(maxBatch)));
        check(found, stateShapes, "state/", "state", false, problems);
        for (String h : hyperBuffers.keySet()) {
            NpyArray a = found.get("hyper/" + h);
            if (a == null || a.size() != 1) problems.add("missing hyper-parameter 'hyper/" + h + "'");
        }
        NpyArray rng = found.get("gradc/masks.rng");
        if (rng == null || rng.size() != 4) problems.add("missing the dropout generator 'gradc/masks.rng'");
        for (String name : found.keySet()) {
            boolean known = name.equals(Checkpoint.MARKER) || name.equals("gradc/masks.rng") || name.startsWith("training/")
                    || params.stream().anyMatch(p -> p.name().equals(name))
                    || (name.startsWith("state/") && stateViews.containsKey(name.substring(6)))
                    || (name.startsWith("hyper/") && hyperBuffers.containsKey(name.substring(6)));
            if (!known) problems.add("unexpected array '" + name + "' (" + modelName + " has nothing of that name)");
        }
        if (!problems.isEmpty()) {
            throw new CheckpointException("the checkpoint does not fit " + modelName + ":\n  " + String.join("\n  ", problems));
        }
        copy(found, params, "", paramViews);
        copy(found, stateShapes, "state/", stateViews);
        for (String h : hyperBuffers.keySet()) setHyper(h, found.get("hyper/" + h).doubles()[0]);
        maskRng.restoreState(rng.doubles());
    }

    /** Adds a line to {@code problems} for each of {@code expected} missing from {@code found} or not fitting. */
    private void check(Map<String, NpyArray> found, List<TensorInfo> expected, String prefix, String kind, boolean finite, List<String> problems) {
        for (TensorInfo p : expected) {
            NpyArray a = found.get(prefix + p.name());
            if (a == null) {
                problems.add("missing " + kind + " '" + prefix + p.name() + "' " + TensorInfo.format(p.shape()));
                continue;
            }
            if (!java.util.Arrays.equals(a.shape(), p.shape())) {
                problems.add(kind + " '" + prefix + p.name() + "' has shape " + TensorInfo.format(a.shape())
                        + " in the file, the model declares " + TensorInfo.format(p.shape()));
            } else if (a.dtype() != dtype) {
                problems.add(kind + " '" + prefix + p.name() + "' is " + a.dtype().toString().toLowerCase()
                        + " in the file, this trainer is " + dtype.toString().toLowerCase());
            } else if (finite) {
                int bad = firstNonFinite(a);
                if (bad >= 0) {
                    problems.add(kind + " '" + prefix + p.name() + "' holds " + (a.data() instanceof float[] f ? f[bad] : ((double[]) a.data())[bad])
                            + " at index " + bad + ": parameters must be finite");
                }
            }
        }
    }

    private static int firstNonFinite(NpyArray a) {
        if (a.data() instanceof float[] f) {
            for (int i = 0; i < f.length; i++) if (!Float.isFinite(f[i])) return i;
        } else {
            double[] d = (double[]) a.data();
            for (int i = 0; i < d.length; i++) if (!Double.isFinite(d[i])) return i;
        }
        return -1;
    }

    private static void copy(Map<String, NpyArray> found, List<TensorInfo> tensors, String prefix, Map<String, TensorView> views) {
        for (TensorInfo t : tensors) {
            Object data = found.get(prefix + t.name()).data();
            Object buffer = views.get(t.name()).buffer();
            System.arraycopy(data, 0, buffer, 0, java.lang.reflect.Array.getLength(data));
        }
    }

    @Override
    public String toString() {
        return modelName + " trainer (" + dtype.toString().toLowerCase() + ", batch " + batch + " of " + maxBatch + ")";
    }
}
