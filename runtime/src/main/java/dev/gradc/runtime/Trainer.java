package dev.gradc.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A compiled model: its inputs, parameters and outputs by name and shape, and a training step that
 * runs forward, backward and the optimizer's update without allocating. Every class gradc
 * generates implements it (and adds typed methods such as {@code setX(float[])} and
 * {@code predict()}).
 *
 * <p>Typical use: {@code setBatch(n)}, fill the inputs, {@code step()}, read {@code loss()}. Not
 * thread-safe: one trainer per thread.
 */
public interface Trainer {
    String modelName();

    DType dtype();

    /** The batch size the buffers were sized for, fixed at construction. */
    int maxBatch();

    /** The batch size of the next step or output, at most {@link #maxBatch()}. */
    int batch();

    void setBatch(int batch);

    List<TensorInfo> inputs();

    List<TensorInfo> params();

    List<TensorInfo> outputs();

    /** Names of the optimizer's hyper-parameters, learning rate first. */
    List<String> hyperParameters();

    TensorView input(String name);

    TensorView param(String name);

    /** The gradient the last {@link #step()} computed for a parameter. */
    TensorView grad(String name);

    /**
     * The trainer's state buffers: the optimizer's (momenta, Adam's moments and step count), the
     * gradient sums of {@link #accumulate()}, and batch normalization's running statistics, named
     * like {@code w1.momentum} or {@code g1.running_var}. Zero when the trainer is built (a running
     * variance 1) and updated by every step. They are not parameters: {@link #saveParams} does not
     * write them.
     */
    List<TensorInfo> states();

    /** A view of one optimizer state buffer, by its name in {@link #states()}. */
    TensorView state(String name);

    /** Every state buffer back to its value in a new trainer (0; a running variance 1): say, before fine-tuning loaded parameters. */
    void resetState();

    /** The dropout masks of the last step, named {@code dropout0}, {@code dropout1}, ... in source order. */
    List<TensorInfo> masks();

    /** A view of one dropout mask, by its name in {@link #masks()}. */
    TensorView mask(String name);

    /**
     * Which kernels this trainer's matrix products run on, e.g. {@code Vector API (512-bit float
     * vectors, ...)} or {@code plain Java}: the Vector API needs the JVM started with
     * {@code --add-modules jdk.incubator.vector}.
     */
    String kernels();

    /** Computes an output from the current inputs and parameters. */
    TensorView output(String name);

    /** One training step: forward, loss, backward, optimizer update. Allocates nothing. */
    void step();

    /**
     * Gradient accumulation for hosts that stream data: forward and backward on the current
     * micro-batch, adding its gradients (weighted by its batch size) to running sums, without
     * updating the parameters. Allocates nothing.
     */
    void accumulate();

    /**
     * The optimizer's update from the gradients accumulated since the last update: their
     * example-weighted mean, which for a loss that is a mean over the batch equals the gradient of
     * one batch holding all those examples. Then the sums start again from zero.
     */
    void update();

    /**
     * The loss on the current inputs and parameters, with dropout off, changing nothing: for
     * measuring held-out data.
     */
    double evaluateLoss();

    /** The loss computed by the last {@link #step()} or {@link #accumulate()}. */
    double loss();

    double learningRate();

    /**
     * How many threads large matrix products are split across: 1 (the default) runs everything
     * on the caller; more starts a fixed pool of helper threads that park when idle. Products
     * too small to gain stay on the caller either way. Not to be called while a step runs.
     */
    void setThreads(int threads);

    int threads();

    void setLearningRate(double learningRate);

    double hyper(String name);

    void setHyper(String name, double value);

    /**
     * The whole training state: parameters, every state buffer, hyper-parameters and the dropout
     * generator (see {@link Checkpoint}). Copies; the trainer goes on unchanged.
     */
    Checkpoint checkpoint();

    /**
     * Continues from {@code c}, taken from a trainer of the same model: after it, steps give exactly
     * the bits they would have given there. Names, shapes and dtype must match; on any mismatch
     * (or a non-finite parameter) nothing changes and a {@link CheckpointException} lists them all.
     */
    void restore(Checkpoint c);

    /** {@link #checkpoint()} written as a NumPy {@code .npz} file, replacing {@code file} only once complete. */
    default void saveCheckpoint(Path file) throws IOException {
        checkpoint().write(file);
    }

    /** {@link #restore} from a file {@link #saveCheckpoint} wrote. */
    default void loadCheckpoint(Path file) throws IOException {
        Checkpoint c = Checkpoint.read(file);
        if (!c.isCheckpoint()) {
            throw new CheckpointException(file + " holds " + c.arrays().size() + " arrays but no " + Checkpoint.MARKER
                    + ": it is not a checkpoint (parameters alone load with loadParams)");
        }
        restore(c);
    }

    /** Writes the parameters as a NumPy {@code .npz} file, one array per parameter named as in the model. */
    void saveParams(Path file) throws IOException;

    /**
     * Reads parameters written by {@link #saveParams} or NumPy. Names, shapes and dtype must match
     * exactly; on any mismatch nothing is changed and a {@link CheckpointException} lists them all.
     */
    void loadParams(Path file) throws IOException;
}
