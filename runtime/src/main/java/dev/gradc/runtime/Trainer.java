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
    /**
     * The model's name, as its class declaration in the {@code .grad} file gives it.
     *
     * @return the name
     */
    String modelName();

    /**
     * The element type of every buffer, chosen when the model was compiled.
     *
     * @return float32 or float64
     */
    DType dtype();

    /**
     * The batch size the buffers were sized for, fixed at construction.
     *
     * @return the largest batch {@link #setBatch} accepts
     */
    int maxBatch();

    /**
     * The batch size of the next step or output, at most {@link #maxBatch()}.
     *
     * @return the current batch size (at first {@link #maxBatch()})
     */
    int batch();

    /**
     * Sets the batch size of the next step, evaluation or output; views of batch-sized buffers
     * ({@link #input}, outputs) change size with it.
     *
     * @param batch from 1 to {@link #maxBatch()}
     * @throws IllegalArgumentException if it is outside that range
     */
    void setBatch(int batch);

    /**
     * The model's inputs, in declaration order.
     *
     * @return name and shape of each (-1 for the batch dimension)
     */
    List<TensorInfo> inputs();

    /**
     * The trained parameters, in declaration order.
     *
     * @return name and shape of each
     */
    List<TensorInfo> params();

    /**
     * The model's outputs (its methods other than {@code loss}), in declaration order.
     *
     * @return name and shape of each
     */
    List<TensorInfo> outputs();

    /**
     * Names of the optimizer's hyper-parameters, learning rate first.
     *
     * @return the names, for {@link #hyper} and {@link #setHyper}
     */
    List<String> hyperParameters();

    /**
     * A view of an input buffer, to fill before a step.
     *
     * @param name the input's name in the model
     * @return the view, sized to the current batch
     * @throws IllegalArgumentException if the model has no such input (the message lists those it has)
     * @throws NullPointerException if {@code name} is null
     */
    TensorView input(String name);

    /**
     * A view of a parameter, to read or set.
     *
     * @param name the parameter's name in the model
     * @return the view
     * @throws IllegalArgumentException if the model has no such parameter
     * @throws NullPointerException if {@code name} is null
     */
    TensorView param(String name);

    /**
     * The gradient of the loss for a parameter, as the last optimizer update applied it (after any
     * clipping): by {@link #step()}, that step's gradient; by {@link #update()}, the mean of the
     * gradients accumulated since the previous update. Between {@link #accumulate()} and
     * {@link #update()} it may hold the last micro-batch's own gradient. Zero for a parameter the
     * loss does not depend on, and before the first update.
     *
     * @param name the parameter's name
     * @return the view
     * @throws IllegalArgumentException if the model has no such parameter
     * @throws NullPointerException if {@code name} is null
     */
    TensorView grad(String name);

    /**
     * The trainer's state buffers: the optimizer's (momenta, Adam's moments and step count), the
     * gradient sums of {@link #accumulate()}, and batch normalization's running statistics, named
     * like {@code w1.momentum} or {@code g1.running_var}. Zero when the trainer is built (a running
     * variance 1) and updated by every step. They are not parameters: {@link #saveParams} does not
     * write them.
     *
     * @return name and shape of each state buffer
     */
    List<TensorInfo> states();

    /**
     * A view of one optimizer state buffer, by its name in {@link #states()}.
     *
     * @param name the state's name, e.g. {@code w1.momentum}
     * @return the view
     * @throws IllegalArgumentException if there is no such state
     * @throws NullPointerException if {@code name} is null
     */
    TensorView state(String name);

    /** Every state buffer back to its value in a new trainer (0; a running variance 1): say, before fine-tuning loaded parameters. */
    void resetState();

    /**
     * The dropout masks of the last step, named {@code dropout0}, {@code dropout1}, ... in source order.
     *
     * @return name and shape of each mask
     */
    List<TensorInfo> masks();

    /**
     * A view of one dropout mask, by its name in {@link #masks()}.
     *
     * @param name the mask's name
     * @return the view: 0 where a unit was dropped, else 1/(1-p)
     * @throws IllegalArgumentException if there is no such mask
     * @throws NullPointerException if {@code name} is null
     */
    TensorView mask(String name);

    /**
     * Which kernels this trainer's matrix products run on, e.g. {@code Vector API (512-bit float
     * vectors, ...)} or {@code plain Java}: the Vector API needs the JVM started with
     * {@code --add-modules jdk.incubator.vector}.
     *
     * @return a description of the kernels
     */
    String kernels();

    /**
     * Computes an output from the current inputs and parameters (dropout off), at the current batch.
     *
     * @param name the output's name (the model's method)
     * @return a view of the trainer's output buffer, valid until the next call
     * @throws IllegalArgumentException if the model has no such output
     * @throws NullPointerException if {@code name} is null
     */
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
     * measuring held-out data. The same pass computes every output: {@link #evaluatedOutput} reads
     * them without running the model again.
     *
     * @return the loss of the current batch
     */
    double evaluateLoss();

    /**
     * Output {@code name} as the last {@link #evaluateLoss()} computed it, without running anything:
     * the values {@link #output} would give for the same inputs, parameters and batch, for the
     * price of a look. Valid until the next call that runs the model.
     *
     * @param name the output's name (the model's method)
     * @return a view of the trainer's output buffer
     * @throws IllegalArgumentException if the model has no such output
     * @throws IllegalStateException if nothing was evaluated since the trainer was made or last ran the model otherwise
     * @throws NullPointerException if {@code name} is null
     */
    TensorView evaluatedOutput(String name);

    /**
     * The loss computed by the last {@link #step()} or {@link #accumulate()}.
     *
     * @return the loss, with dropout as the step drew it
     */
    double loss();

    /**
     * The learning rate of the next step: the hyper-parameter {@code lr}.
     *
     * @return the rate
     */
    double learningRate();

    /**
     * How many threads large matrix products are split across: 1 (the default) runs everything
     * on the caller; more starts a fixed pool of helper threads that park when idle. Products
     * too small to gain stay on the caller either way. Not to be called while a step runs.
     *
     * @param threads at least 1
     * @throws IllegalArgumentException if it is less
     */
    void setThreads(int threads);

    /**
     * How many threads matrix products use.
     *
     * @return the count {@link #setThreads} set, 1 by default
     */
    int threads();

    /**
     * Sets the learning rate of the next steps (the hyper-parameter {@code lr}).
     *
     * @param learningRate the rate
     */
    void setLearningRate(double learningRate);

    /**
     * A hyper-parameter's current value.
     *
     * @param name one of {@link #hyperParameters()}
     * @return its value
     * @throws IllegalArgumentException if there is no such hyper-parameter
     * @throws NullPointerException if {@code name} is null
     */
    double hyper(String name);

    /**
     * Sets a hyper-parameter for the next steps.
     *
     * @param name one of {@link #hyperParameters()}
     * @param value its new value
     * @throws IllegalArgumentException if there is no such hyper-parameter
     * @throws NullPointerException if {@code name} is null
     */
    void setHyper(String name, double value);

    /**
     * The whole training state: parameters, every state buffer, hyper-parameters and the dropout
     * generator (see {@link Checkpoint}). Copies; the trainer goes on unchanged.
     *
     * @return the state, detached from the trainer
     */
    Checkpoint checkpoint();

    /**
     * Continues from {@code c}, taken from a trainer of the same model: after it, steps give exactly
     * the bits they would have given there. Names, shapes and dtype must match; on any mismatch
     * (or a non-finite parameter) nothing changes and a {@link CheckpointException} lists them all.
     *
     * @param c a checkpoint of this model
     * @throws CheckpointException if it does not fit
     * @throws NullPointerException if {@code c} is null
     */
    void restore(Checkpoint c);

    /**
     * {@link #checkpoint()} written as a NumPy {@code .npz} file, replacing {@code file} only once complete.
     *
     * @param file where to write
     * @throws IOException if writing fails (the old file, if any, is left as it was)
     */
    default void saveCheckpoint(Path file) throws IOException {
        java.util.Objects.requireNonNull(file, "the checkpoint file is null");
        checkpoint().write(file);
    }

    /**
     * {@link #restore} from a file {@link #saveCheckpoint} wrote.
     *
     * @param file the checkpoint
     * @throws IOException if reading fails
     * @throws CheckpointException if the file is damaged, not a checkpoint, or of another model
     */
    default void loadCheckpoint(Path file) throws IOException {
        java.util.Objects.requireNonNull(file, "the checkpoint file is null");
        Checkpoint c = Checkpoint.read(file);
        if (!c.isCheckpoint()) {
            throw new CheckpointException(file + " holds " + c.arrays().size() + " arrays but no " + Checkpoint.MARKER
                    + ": it is not a checkpoint (parameters alone load with loadParams)");
        }
        restore(c);
    }

    /**
     * Writes the parameters as a NumPy {@code .npz} file, one array per parameter named as in the model.
     *
     * @param file where to write
     * @throws IOException if writing fails
     */
    void saveParams(Path file) throws IOException;

    /**
     * Reads parameters written by {@link #saveParams} or NumPy. Names, shapes and dtype must match
     * exactly; on any mismatch nothing is changed and a {@link CheckpointException} lists them all.
     *
     * @param file a {@code .npz} file
     * @throws IOException if reading fails
     * @throws CheckpointException if the file is damaged or does not fit the model
     */
    void loadParams(Path file) throws IOException;
}
