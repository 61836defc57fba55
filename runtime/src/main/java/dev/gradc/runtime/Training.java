package dev.gradc.runtime;

import dev.gradc.runtime.internal.Rng;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * A plain training loop over in-memory data sets: the first input of the model receives the
 * features ({@code [batch, features]}), the second the labels ({@code [batch]}). Mini-batches are
 * drawn in a seeded shuffled order, a new order each epoch; a short last batch is run at its own
 * size. The CLI uses it; hosts may too, or write their own around {@link Trainer#step()}.
 *
 * <p>How well the model does is measured with its first output: for classification a
 * {@code [batch]} score predicts class 1 when positive, a {@code [batch, classes]} output by its
 * largest entry (accuracy); for regression the output is compared with the labels (mean squared
 * error).
 *
 * <p>A run can stop and continue exactly. {@link Result#position()} (or {@link Progress#position()}
 * during the run) is where the loop stands: steps done, the place in the epoch, the shuffled order
 * and the shuffling generator, the history so far. Saved beside the trainer's own state,
 * <pre>{@code
 * Training.Result r = Training.fit(trainer, train, test, config, listener, null);
 * r.position().addTo(trainer.checkpoint()).write(file);
 * // later, in another process:
 * Training.Position at = Training.resume(trainer, Checkpoint.read(file));
 * Training.fit(trainer, train, test, config, listener, at);
 * }</pre>
 * gives the parameters, bit for bit, of one run that never stopped, with the same data and
 * configuration.
 */
public final class Training {
    private Training() {}

    /**
     * What a run does.
     *
     * @param steps optimizer steps; ignored when {@code epochs} is positive
     * @param epochs passes over the training data, each {@code ceil(n / batchSize)} steps; 0 to count steps
     * @param batchSize examples per step (the last batch of an epoch may be shorter)
     * @param rate the learning rate of each step, counted from 0
     * @param seed seed of the shuffling generator
     * @param signedLabels labels 0/1 in the data are fed as -1/+1 (for max-margin losses)
     * @param regression report mean squared error instead of accuracy
     * @param printEvery progress every so many steps (with steps) or epochs (with epochs); 0 for none.
     *     The training set (with steps) and the test set are measured there, and at the last step
     * @param checkParameters after each step, also check that every parameter is finite (costs a pass over them);
     *     the loss is always checked
     */
    public record Config(int steps, int epochs, int batchSize, LearningRate rate, long seed,
                         boolean signedLabels, boolean regression, int printEvery, boolean checkParameters) {
        /**
         * Checks the ranges.
         *
         * @param steps optimizer steps; ignored when {@code epochs} is positive
         * @param epochs passes over the training data; 0 to count steps
         * @param batchSize examples per step
         * @param rate the learning rate of each step
         * @param seed seed of the shuffling generator
         * @param signedLabels labels 0/1 fed as -1/+1
         * @param regression report mean squared error instead of accuracy
         * @param printEvery progress every so many steps or epochs; 0 for none
         * @param checkParameters after each step, also check that every parameter is finite
         * @throws IllegalArgumentException if a count is out of range
         */
        public Config {
            if (epochs < 0) throw new IllegalArgumentException("epochs must be at least 0 (0 counts steps), got " + epochs);
            if (epochs == 0 && steps < 1) throw new IllegalArgumentException("steps must be at least 1, got " + steps);
            if (batchSize < 1) throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
            if (printEvery < 0) throw new IllegalArgumentException("printEvery must be at least 0 (0 for none), got " + printEvery);
            if (rate == null) throw new IllegalArgumentException("rate must not be null");
        }

        /**
         * Without the parameter check.
         *
         * @param steps optimizer steps; ignored when {@code epochs} is positive
         * @param epochs passes over the training data; 0 to count steps
         * @param batchSize examples per step
         * @param rate the learning rate of each step
         * @param seed seed of the shuffling generator
         * @param signedLabels labels 0/1 fed as -1/+1
         * @param regression report mean squared error instead of accuracy
         * @param printEvery progress every so many steps or epochs; 0 for none
         */
        public Config(int steps, int epochs, int batchSize, LearningRate rate, long seed,
                      boolean signedLabels, boolean regression, int printEvery) {
            this(steps, epochs, batchSize, rate, seed, signedLabels, regression, printEvery, false);
        }

        /**
         * Steps of the whole run for {@code n} training examples.
         *
         * @param n training examples
         * @return the number of optimizer steps
         * @throws IllegalArgumentException if there would be more than {@code Integer.MAX_VALUE}
         */
        public int totalSteps(int n) {
            if (epochs == 0) return steps;
            long total = (long) epochs * stepsPerEpoch(n);
            if (total > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(epochs + " epochs of " + stepsPerEpoch(n) + " steps are " + total
                        + " steps, more than " + Integer.MAX_VALUE);
            }
            return (int) total;
        }

        /**
         * Steps of one pass over {@code n} training examples.
         *
         * @param n training examples
         * @return {@code ceil(n / batch)} for the batch {@link #batchFor} decides
         */
        public int stepsPerEpoch(int n) {
            int b = batchFor(batchSize, n);
            return (n + b - 1) / b;
        }
    }

    /**
     * The batch of a training step over {@code examples}: {@code requested}, at most the data set
     * (0 or less: the whole set, as micrograd). The one place this is decided; the CLI builds its
     * trainer for it.
     *
     * @param requested the batch asked for; 0 or less for the whole set
     * @param examples the size of the training set
     * @return the batch of each step, at least 1
     */
    public static int batchFor(int requested, int examples) {
        return Math.max(1, requested > 0 ? Math.min(requested, examples) : examples);
    }

    /**
     * How the model does on a data set.
     *
     * @param loss the model's own loss (dropout off, mean over the batches weighted by size)
     * @param score the accuracy (classification, 0 to 1) or the mean squared error of the first output (regression)
     * @param correct right answers (classification only)
     * @param total examples measured
     * @param regression whether {@code score} is a mean squared error
     */
    public record Score(double loss, double score, int correct, int total, boolean regression) {
        /** {@code accuracy 97.0% (97/100)} or {@code mse 0.012345}. */
        @Override
        public String toString() {
            return regression ? String.format(Locale.ROOT, "mse %.6f", score)
                    : String.format(Locale.ROOT, "accuracy %.1f%% (%d/%d)", 100 * score, correct, total);
        }

        /**
         * With the loss first, as for a held-out set.
         *
         * @return {@code loss 0.123456, accuracy 97.0% (97/100)}
         */
        public String withLoss() {
            return String.format(Locale.ROOT, "loss %.6f, %s", loss, this);
        }

        /**
         * The name of {@link #score}.
         *
         * @return {@code mse} or {@code accuracy}
         */
        public String metric() {
            return regression ? "mse" : "accuracy";
        }
    }

    /**
     * One row of a run's history: per step when a run counts steps (every k-th step, and every
     * progress point, when the run has more than 100,000 steps), per epoch when it counts epochs.
     * A value not measured at that row is NaN (the training set is measured at the progress points
     * of a run that counts steps, and at its end; the test set at the progress points and the end).
     *
     * @param step steps done, counted from 1
     * @param epoch the epoch of that step, counted from 1
     * @param loss the step's batch loss; per epoch, the mean batch loss over the epoch, weighted by batch size
     * @param metric accuracy (0 to 1) or mean squared error on the whole training set, or NaN
     * @param testLoss the loss on the test set, or NaN
     * @param testMetric accuracy or mean squared error on the test set, or NaN
     * @param learningRate the rate of that step (of the epoch's last step)
     * @param seconds wall-clock seconds since the run began, over every part of a resumed run
     */
    public record Record(int step, int epoch, double loss, double metric, double testLoss, double testMetric,
                         double learningRate, double seconds) {
        static final int COLUMNS = 8;

        double[] toArray() {
            return new double[] {step, epoch, loss, metric, testLoss, testMetric, learningRate, seconds};
        }

        static Record of(double[] a, int at) {
            return new Record((int) a[at], (int) a[at + 1], a[at + 2], a[at + 3], a[at + 4], a[at + 5], a[at + 6], a[at + 7]);
        }
    }

    /**
     * What a call of {@code fit} did.
     *
     * @param loss the loss of the last step's batch
     * @param train the whole training set measured at the end; null if the run stopped early
     * @param test the test set measured at the end; null without a test set or if the run stopped early
     * @param steps steps this call ran (on a resumed run, not those before)
     * @param nanos time spent in {@link Trainer#step()} alone by this call
     * @param stopped whether a {@link Listener} stopped the run before its last step
     * @param position where the run stands now, to save with the trainer's checkpoint
     * @param history every record of the run, those before a resume included
     */
    public record Result(double loss, Score train, Score test, int steps, long nanos, boolean stopped, Position position,
                         List<Record> history) {
        /**
         * Copies the history.
         *
         * @param loss the loss of the last step's batch
         * @param train the training set measured at the end, or null
         * @param test the test set measured at the end, or null
         * @param steps steps this call ran
         * @param nanos time spent in {@link Trainer#step()} by this call
         * @param stopped whether a listener stopped the run
         * @param position where the run stands now
         * @param history every record of the run
         */
        public Result {
            history = List.copyOf(history);
        }
    }

    /**
     * Where a run stands between two steps: steps done, the place in the epoch, the shuffled order of
     * the examples and the shuffling generator's state, the running sums of the epoch, the elapsed
     * time and the history. Saved in a checkpoint as arrays named {@code training/...} (which
     * {@link Trainer#restore} leaves alone); {@link #of} reads them back.
     */
    public static final class Position {
        private static final String STEP = "training/step", EXAMPLES = "training/examples", BATCH = "training/batch",
                CURSOR = "training/cursor", ORDER = "training/order", SHUFFLE = "training/shuffle.rng",
                EPOCH = "training/epoch_sums", SECONDS = "training/seconds", HISTORY = "training/history";

        private final int step, examples, batch, cursor;
        private final int[] order;
        private final double[] shuffle;
        private final double epochLoss, epochExamples, epochNanos, seconds;
        private final List<Record> history;

        Position(int step, int examples, int batch, int cursor, int[] order, double[] shuffle, double epochLoss,
                 double epochExamples, double epochNanos, double seconds, List<Record> history) {
            this.step = step;
            this.examples = examples;
            this.batch = batch;
            this.cursor = cursor;
            this.order = order;
            this.shuffle = shuffle;
            this.epochLoss = epochLoss;
            this.epochExamples = epochExamples;
            this.epochNanos = epochNanos;
            this.seconds = seconds;
            this.history = List.copyOf(history);
        }

        /**
         * Steps done.
         *
         * @return the number of steps the run has taken
         */
        public int step() {
            return step;
        }

        /**
         * The size of the training set the run was on.
         *
         * @return examples per epoch
         */
        public int examples() {
            return examples;
        }

        /**
         * The batch of each step.
         *
         * @return examples per step
         */
        public int batch() {
            return batch;
        }

        /**
         * Wall-clock seconds the run has taken so far, over every part of it.
         *
         * @return elapsed seconds
         */
        public double seconds() {
            return seconds;
        }

        /**
         * The run's history up to here.
         *
         * @return records in order
         */
        public List<Record> history() {
            return history;
        }

        /**
         * The position as the checkpoint arrays {@code training/step}, {@code training/examples},
         * {@code training/batch}, {@code training/cursor}, {@code training/order},
         * {@code training/shuffle.rng}, {@code training/epoch_sums}, {@code training/seconds} and
         * {@code training/history} (rows of the eight {@link Record} fields, NaN where not measured);
         * all float64, so NumPy reads them.
         *
         * @return new arrays
         */
        public List<NpyArray> arrays() {
            double[] orderValues = new double[order.length];
            for (int i = 0; i < order.length; i++) orderValues[i] = order[i];
            double[] rows = new double[history.size() * Record.COLUMNS];
            for (int i = 0; i < history.size(); i++) System.arraycopy(history.get(i).toArray(), 0, rows, i * Record.COLUMNS, Record.COLUMNS);
            return List.of(
                    NpyArray.of(STEP, new double[] {step}, 1),
                    NpyArray.of(EXAMPLES, new double[] {examples}, 1),
                    NpyArray.of(BATCH, new double[] {batch}, 1),
                    NpyArray.of(CURSOR, new double[] {cursor}, 1),
                    NpyArray.of(ORDER, orderValues, order.length),
                    NpyArray.of(SHUFFLE, shuffle.clone(), shuffle.length),
                    NpyArray.of(EPOCH, new double[] {epochLoss, epochExamples, epochNanos}, 3),
                    NpyArray.of(SECONDS, new double[] {seconds}, 1),
                    NpyArray.of(HISTORY, rows, history.size(), Record.COLUMNS));
        }

        /**
         * {@code checkpoint} with this position added: what to save to continue the run later.
         *
         * @param checkpoint the trainer's {@link Trainer#checkpoint()}
         * @return a checkpoint holding both
         */
        public Checkpoint addTo(Checkpoint checkpoint) {
            Objects.requireNonNull(checkpoint, "checkpoint");
            return checkpoint.with(arrays());
        }

        /**
         * Whether {@code c} holds a training position (a {@code training/step} array).
         *
         * @param c a checkpoint or parameters file
         * @return true if {@link #of} can read one
         */
        public static boolean isIn(Checkpoint c) {
            return Objects.requireNonNull(c, "checkpoint").get(STEP) != null;
        }

        /**
         * The position saved in {@code c} by {@link #addTo}.
         *
         * @param c a checkpoint
         * @return the position
         * @throws CheckpointException if it holds none, or a damaged one
         */
        public static Position of(Checkpoint c) {
            if (!isIn(c)) {
                throw new CheckpointException(c.isCheckpoint() ? "the checkpoint holds no training position (" + STEP + "): "
                        + "a trainer's own checkpoint, not one a training loop saved" : "not a checkpoint: it holds no " + Checkpoint.MARKER);
            }
            int step = whole(c, STEP), examples = whole(c, EXAMPLES), batch = whole(c, BATCH), cursor = whole(c, CURSOR);
            double[] orderValues = doubles(c, ORDER, examples), shuffle = doubles(c, SHUFFLE, 4), epoch = doubles(c, EPOCH, 3);
            double seconds = doubles(c, SECONDS, 1)[0];
            int[] order = new int[examples];
            boolean[] seen = new boolean[examples];
            for (int i = 0; i < examples; i++) {
                double v = orderValues[i];
                if (!(v >= 0 && v < examples && v == Math.rint(v)) || seen[(int) v]) throw damaged(ORDER, "is not an order of " + examples + " examples");
                seen[(int) v] = true;
                order[i] = (int) v;
            }
            if (batch < 1 || cursor < 0 || cursor > examples || step < 0) throw damaged("training/...", "holds counts out of range");
            NpyArray h = c.get(HISTORY);
            if (h == null || h.rank() != 2 || h.shape()[1] != Record.COLUMNS || h.dtype() != DType.FLOAT64) {
                throw damaged(HISTORY, "is not a float64 array of " + Record.COLUMNS + " columns");
            }
            List<Record> history = new ArrayList<>();
            for (int r = 0; r < h.shape()[0]; r++) history.add(Record.of(h.doubles(), r * Record.COLUMNS));
            return new Position(step, examples, batch, cursor, order, shuffle, epoch[0], epoch[1], epoch[2], seconds, history);
        }

        private static int whole(Checkpoint c, String name) {
            double v = doubles(c, name, 1)[0];
            if (!(v >= 0 && v <= Integer.MAX_VALUE && v == Math.rint(v))) throw damaged(name, "is " + v + ", not a count");
            return (int) v;
        }

        private static double[] doubles(Checkpoint c, String name, int size) {
            NpyArray a = c.get(name);
            if (a == null) throw damaged(name, "is missing");
            if (a.dtype() != DType.FLOAT64 || a.size() != size) throw damaged(name, "should be " + size + " float64 value(s)");
            return a.doubles();
        }

        private static CheckpointException damaged(String name, String what) {
            return new CheckpointException("the checkpoint's training position is damaged: " + name + " " + what);
        }
    }

    /**
     * The state of a running loop, handed to {@link Listener#afterStep} after every step. One object
     * updated in place (reading it allocates nothing, except {@link #position()}); valid only during
     * the call.
     */
    public static final class Progress {
        private Loop loop;
        private int step, stepInEpoch, examplesInEpoch, batch;
        private double batchLoss, epochLoss, learningRate, seconds;
        private boolean endOfEpoch;

        private Progress() {}

        /**
         * Steps done, counted from 1, over every part of a resumed run.
         *
         * @return steps done, counted from 1, over every part of a resumed run
         */
        public int step() {
            return step;
        }

        /**
         * Steps of the whole run.
         *
         * @return steps of the whole run
         */
        public int totalSteps() {
            return loop.total;
        }

        /**
         * The steps this call of {@code fit} began at (0 unless resumed).
         *
         * @return the steps this call of {@code fit} began at (0 unless resumed)
         */
        public int firstStep() {
            return loop.first;
        }

        /**
         * The epoch of this step, counted from 1.
         *
         * @return the epoch of this step, counted from 1
         */
        public int epoch() {
            return (step - 1) / loop.perEpoch + 1;
        }

        /**
         * The epochs of the run, 0 when it counts steps.
         *
         * @return the epochs of the run, 0 when it counts steps
         */
        public int epochs() {
            return loop.c.epochs();
        }

        /**
         * Steps in one epoch.
         *
         * @return steps in one epoch
         */
        public int stepsPerEpoch() {
            return loop.perEpoch;
        }

        /**
         * This step's place in its epoch, counted from 1.
         *
         * @return this step's place in its epoch, counted from 1
         */
        public int stepInEpoch() {
            return stepInEpoch;
        }

        /**
         * Whether this step ended its epoch.
         *
         * @return whether this step ended its epoch
         */
        public boolean endOfEpoch() {
            return endOfEpoch;
        }

        /**
         * Examples of this epoch run so far.
         *
         * @return examples of this epoch run so far
         */
        public int examplesInEpoch() {
            return examplesInEpoch;
        }

        /**
         * The examples of this step.
         *
         * @return the examples of this step
         */
        public int batch() {
            return batch;
        }

        /**
         * The loss of this step's batch.
         *
         * @return the loss of this step's batch
         */
        public double batchLoss() {
            return batchLoss;
        }

        /**
         * The mean batch loss of the epoch so far, weighted by batch size.
         *
         * @return the mean batch loss of the epoch so far, weighted by batch size
         */
        public double epochLoss() {
            return epochLoss;
        }

        /**
         * The learning rate of this step.
         *
         * @return the learning rate of this step
         */
        public double learningRate() {
            return learningRate;
        }

        /**
         * Wall-clock seconds since the run began, over every part of a resumed run.
         *
         * @return wall-clock seconds since the run began, over every part of a resumed run
         */
        public double seconds() {
            return seconds;
        }

        /**
         * The history so far (a copy).
         *
         * @return the history so far (a copy)
         */
        public List<Record> history() {
            return List.copyOf(loop.history);
        }

        /**
         * Where the run stands after this step (a copy: it allocates).
         *
         * @return the position, to save with the trainer's checkpoint
         */
        public Position position() {
            return loop.position(step);
        }
    }

    /** What a run reports to its host, and the host's say in whether it goes on. Every method has a default. */
    public interface Listener {
        /**
         * A line of progress at each progress point ({@link Config#printEvery}).
         *
         * @param text the line, without a line break
         */
        default void line(String text) {}

        /**
         * Just before {@link Trainer#step()}, once the step's inputs and learning rate are set: a host may
         * snapshot the state a step starts from.
         *
         * @param step the step about to run, counted from 1
         */
        default void beforeStep(int step) {}

        /**
         * After every step (and its progress line, if any), at a boundary where the run can stop and
         * continue exactly.
         *
         * @param progress the loop's state, valid during the call
         * @return false to stop the run here ({@link Result#stopped()})
         */
        default boolean afterStep(Progress progress) {
            return true;
        }
    }

    /**
     * Checks that the trainer's first two inputs fit this data.
     *
     * @param t the trainer
     * @param data the data set
     * @throws DataException if they do not, saying what they expect
     */
    public static void checkFits(Trainer t, Dataset data) {
        Objects.requireNonNull(t, "trainer");
        Objects.requireNonNull(data, "data");
        if (t.inputs().size() < 2) {
            throw new DataException(t.modelName() + " has " + t.inputs().size() + " input(s); training on a data set "
                    + "needs two: features [batch, " + data.features() + "] then labels [batch]");
        }
        int[] x = t.inputs().get(0).shape(), y = t.inputs().get(1).shape();
        boolean xFits = x.length == 2 && x[0] == TensorInfo.BATCH && x[1] == data.features();
        boolean yFits = y.length == 1 && y[0] == TensorInfo.BATCH;
        if (!xFits || !yFits) {
            throw new DataException(t.modelName() + ": inputs " + t.inputs().get(0) + " and " + t.inputs().get(1)
                    + " do not fit " + data.name() + " (" + data.features() + " features and one label per example); "
                    + "expected [batch, " + data.features() + "] and [batch]");
        }
        if (t.outputs().isEmpty()) throw new DataException(t.modelName() + " has no output method to measure it with");
    }

    /**
     * Trains {@code t} on {@code train} as {@code c} says.
     *
     * @param t the trainer
     * @param train the training set
     * @param test a held-out set, or null
     * @param c the configuration
     * @param progress receives each progress line
     * @return what the run did
     * @throws DivergenceException right after the first step whose loss (or, with
     *     {@link Config#checkParameters}, a parameter) is not finite; nothing is printed for that step
     */
    public static Result fit(Trainer t, Dataset train, Dataset test, Config c, Consumer<String> progress) {
        return fit(t, train, test, c, progress, step -> { });
    }

    /**
     * As {@link #fit(Trainer, Dataset, Dataset, Config, Consumer)}, calling {@code beforeStep} with
     * each 1-based step number once its inputs and learning rate are set, just before
     * {@link Trainer#step()}: a host may snapshot the state a step starts from.
     *
     * @param t the trainer
     * @param train the training set
     * @param test a held-out set, or null
     * @param c the configuration
     * @param progress receives each progress line
     * @param beforeStep called before each step
     * @return what the run did
     */
    public static Result fit(Trainer t, Dataset train, Dataset test, Config c, Consumer<String> progress, IntConsumer beforeStep) {
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(beforeStep, "beforeStep");
        return fit(t, train, test, c, new Listener() {
            @Override
            public void line(String text) {
                progress.accept(text);
            }

            @Override
            public void beforeStep(int step) {
                beforeStep.accept(step);
            }
        }, null);
    }

    /**
     * Trains {@code t} on {@code train} as {@code c} says, from the start or from where an earlier
     * run stood. To continue exactly, {@code t} must hold that run's trainer checkpoint (see
     * {@link #resume}), and {@code train} and {@code c} must be those of that run; the run goes on
     * up to {@code c}'s last step.
     *
     * @param t the trainer
     * @param train the training set
     * @param test a held-out set, or null
     * @param c the configuration
     * @param listener receives progress and may stop the run
     * @param from where to continue, or null to start
     * @return what the run did
     * @throws DivergenceException right after the first step whose loss (or, with
     *     {@link Config#checkParameters}, a parameter) is not finite
     * @throws CheckpointException if {@code from} is of a run over another number of examples or
     *     another batch size
     */
    public static Result fit(Trainer t, Dataset train, Dataset test, Config c, Listener listener, Position from) {
        Objects.requireNonNull(t, "trainer");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(c, "config");
        Objects.requireNonNull(listener, "listener");
        checkFits(t, train);
        if (test != null) checkFits(t, test);
        return new Loop(t, train, test, c, listener, from).run();
    }

    /**
     * Restores {@code t} from {@code c} and returns the training position saved with it, for
     * {@link #fit(Trainer, Dataset, Dataset, Config, Listener, Position)}. Checks both before changing anything.
     *
     * @param t the trainer, of the model the checkpoint was taken from
     * @param c a checkpoint that {@link Position#addTo} made
     * @return the position to continue from
     * @throws CheckpointException if {@code c} holds no position or does not fit {@code t}
     */
    public static Position resume(Trainer t, Checkpoint c) {
        Objects.requireNonNull(t, "trainer");
        Position at = Position.of(c); // first: a parameters-only file is refused with that reason
        t.restore(c);
        return at;
    }

    /** The most rows a run's history holds per step (more steps: every k-th step). */
    static final int MAX_HISTORY = 100_000;

    /** One run's mutable state. */
    private static final class Loop {
        final Trainer t;
        final Dataset train, test;
        final Config c;
        final Listener listener;
        final int n, f, batch, total, perEpoch, first, historyEvery;
        final int[] order;
        final Rng rng;
        final List<Record> history = new ArrayList<>();
        final double secondsBefore;
        final long start = System.nanoTime();
        int cursor;
        double epochLoss, epochExamples;
        long epochNanos;

        Loop(Trainer t, Dataset train, Dataset test, Config c, Listener listener, Position from) {
            this.t = t;
            this.train = train;
            this.test = test;
            this.c = c;
            this.listener = listener;
            n = train.size();
            f = train.features();
            batch = Math.min(batchFor(c.batchSize(), n), t.maxBatch());
            total = c.totalSteps(n);
            perEpoch = c.stepsPerEpoch(n);
            // A row per step, but at most about MAX_HISTORY of them (and every progress point): a long
            // run's history stays a few megabytes, in memory and in its checkpoints.
            historyEvery = (int) Math.max(1, (total + (long) MAX_HISTORY - 1) / MAX_HISTORY);
            rng = new Rng(c.seed());
            if (from == null) {
                order = new int[n];
                for (int i = 0; i < n; i++) order[i] = i;
                cursor = n; // forces a shuffle before the first batch
                first = 0;
                secondsBefore = 0;
                return;
            }
            if (from.examples != n || from.batch != batch) {
                throw new CheckpointException("the checkpoint is of a run over " + from.examples + " examples in batches of " + from.batch
                        + "; this one has " + n + " examples in batches of " + batch + ": continue it with the same data and batch");
            }
            order = from.order.clone();
            rng.restoreState(from.shuffle);
            cursor = from.cursor;
            first = from.step;
            epochLoss = from.epochLoss;
            epochExamples = from.epochExamples;
            epochNanos = (long) from.epochNanos;
            secondsBefore = from.seconds;
            history.addAll(from.history);
        }

        double seconds() {
            return secondsBefore + (System.nanoTime() - start) / 1e9;
        }

        Position position(int step) {
            return new Position(step, n, batch, cursor, order.clone(), rng.saveState(), epochLoss, epochExamples, epochNanos,
                    seconds(), history);
        }

        Result run() {
            // A float32 trainer's rows are gathered as floats: the same values its input would round to.
            boolean floats = t.dtype() == DType.FLOAT32;
            double[] xs = floats ? null : new double[batch * f], ys = new double[batch];
            float[] fs = floats ? new float[batch * f] : null;
            TensorView x = t.input(t.inputs().get(0).name()), y = t.input(t.inputs().get(1).name());
            List<TensorView> params = c.checkParameters() ? t.params().stream().map(p -> t.param(p.name())).toList() : List.of();
            Progress progress = new Progress();
            progress.loop = this;
            long nanos = 0;
            int step = first;
            Score trainScore = null, testScore = null;
            boolean stopped = false;
            while (step < total) {
                if (cursor >= n) {
                    if (batch < n) shuffle(order, rng);
                    cursor = 0;
                }
                int b = Math.min(batch, n - cursor);
                t.setBatch(b);
                for (int i = 0; i < b; i++) {
                    int row = order[cursor + i];
                    if (floats) train.copyRow(row, fs, i * f);
                    else train.copyRow(row, xs, i * f);
                    ys[i] = label(train.y()[row], c.signedLabels());
                }
                cursor += b;
                if (floats) x.copyFrom(b == batch ? fs : Arrays.copyOf(fs, b * f));
                else x.copyFrom(b == batch ? xs : Arrays.copyOf(xs, b * f));
                y.copyFrom(b == batch ? ys : Arrays.copyOf(ys, b));
                double lr = c.rate().at(step);
                t.setLearningRate(lr);
                listener.beforeStep(step + 1);
                long began = System.nanoTime();
                t.step();
                long took = System.nanoTime() - began;
                nanos += took;
                epochNanos += took;
                double loss = t.loss();
                // One comparison per step: stop before a NaN is printed, measured or saved over a good checkpoint.
                if (!Double.isFinite(loss)) throw new DivergenceException(step + 1, lr, loss, null, null);
                for (TensorView p : params) checkFinite(p, step + 1, lr);
                step++;
                epochLoss += loss * b;
                epochExamples += b;
                boolean last = step == total, endOfEpoch = step % perEpoch == 0;
                progress.step = step;
                progress.stepInEpoch = (step - 1) % perEpoch + 1;
                progress.examplesInEpoch = (int) epochExamples;
                progress.batch = b;
                progress.batchLoss = loss;
                progress.epochLoss = epochLoss / epochExamples;
                progress.learningRate = lr;
                progress.endOfEpoch = endOfEpoch;
                progress.seconds = seconds();
                trainScore = null;
                testScore = null;
                if (c.epochs() > 0) {
                    if (endOfEpoch) {
                        int epoch = step / perEpoch;
                        boolean printed = c.printEvery() > 0 && (epoch % c.printEvery() == 0 || epoch == 1);
                        if (test != null && (printed || last)) testScore = evaluate(t, test, c.signedLabels(), c.regression());
                        if (last) trainScore = evaluate(t, train, c.signedLabels(), c.regression());
                        double mean = epochLoss / epochExamples;
                        history.add(new Record(step, epoch, mean, metric(trainScore), loss(testScore), metric(testScore), lr, seconds()));
                        if (printed) {
                            String line = String.format(Locale.ROOT, "epoch %3d/%d  loss %.6f  lr %.4g", epoch, c.epochs(), mean, lr);
                            if (testScore != null) line += "  test " + testScore.withLoss();
                            listener.line(line + String.format(Locale.ROOT, "  %.2f s in step()", epochNanos / 1e9));
                        }
                    }
                } else {
                    boolean printed = c.printEvery() > 0 && (step % c.printEvery() == 0 || step == 1);
                    if (printed || last) {
                        trainScore = evaluate(t, train, c.signedLabels(), c.regression());
                        if (test != null) testScore = evaluate(t, test, c.signedLabels(), c.regression());
                    }
                    if (printed || last || step % historyEvery == 0) {
                        history.add(new Record(step, (step - 1) / perEpoch + 1, loss, metric(trainScore), loss(testScore),
                                metric(testScore), lr, seconds()));
                    }
                    if (printed) {
                        String line = String.format(Locale.ROOT, "step %4d/%d  loss %.6f  %s  lr %.4f", step, total, loss, brief(trainScore), lr);
                        listener.line(testScore == null ? line : line + "  test " + brief(testScore));
                    }
                }
                if (endOfEpoch) {
                    epochLoss = 0;
                    epochExamples = 0;
                    epochNanos = 0;
                }
                if (!listener.afterStep(progress) && step < total) {
                    stopped = true;
                    break;
                }
            }
            if (!stopped && trainScore == null) { // a resumed run with no step left
                trainScore = evaluate(t, train, c.signedLabels(), c.regression());
                if (test != null) testScore = evaluate(t, test, c.signedLabels(), c.regression());
            }
            return new Result(t.loss(), stopped ? null : trainScore, stopped ? null : testScore, step - first, nanos, stopped,
                    position(step), history);
        }
    }

    private static double metric(Score s) {
        return s == null ? Double.NaN : s.score();
    }

    private static double loss(Score s) {
        return s == null ? Double.NaN : s.loss();
    }

    /** Throws if the parameter holds a NaN or infinity; reads the trainer's own array, allocating nothing. */
    private static void checkFinite(TensorView p, int step, double lr) {
        Object buffer = p.buffer();
        int n = p.size();
        if (buffer instanceof float[] f) {
            for (int i = 0; i < n; i++) if (!Float.isFinite(f[i])) throw new DivergenceException(step, lr, f[i], p.name(), null);
        } else {
            double[] d = (double[]) buffer;
            for (int i = 0; i < n; i++) if (!Double.isFinite(d[i])) throw new DivergenceException(step, lr, d[i], p.name(), null);
        }
    }

    private static String brief(Score s) {
        return s.regression() ? String.format(Locale.ROOT, "mse %.6f", s.score())
                : String.format(Locale.ROOT, "accuracy %5.1f%%", 100 * s.score());
    }

    /**
     * The model's first output on every example of {@code data}, in batches of the trainer's maximum.
     * Changes nothing but the trainer's inputs (its batch is set back).
     *
     * @param t the trainer
     * @param data the examples to measure
     * @param signedLabels labels 0/1 are fed as -1/+1
     * @param regression measure mean squared error instead of accuracy
     * @return the loss and accuracy or mean squared error
     */
    public static Score evaluate(Trainer t, Dataset data, boolean signedLabels, boolean regression) {
        Objects.requireNonNull(t, "trainer");
        Objects.requireNonNull(data, "data");
        String outName = t.outputs().get(0).name();
        int[] outShape = t.outputs().get(0).shape();
        int classes = outShape.length == 2 ? outShape[1] : 1;
        int n = data.size(), f = data.features();
        int saved = t.batch();
        int correct = 0;
        double squaredError = 0;
        double lossSum = 0;
        TensorView x = t.input(t.inputs().get(0).name()), y = t.input(t.inputs().get(1).name());
        for (int start = 0; start < n; start += t.maxBatch()) {
            int b = Math.min(t.maxBatch(), n - start);
            t.setBatch(b);
            double[] ys = new double[b];
            for (int i = 0; i < b; i++) ys[i] = label(data.y()[start + i], signedLabels);
            data.feed(start, b, x);
            y.copyFrom(ys);
            lossSum += t.evaluateLoss() * b;
            TensorView out = t.evaluatedOutput(outName);
            for (int i = 0; i < b; i++) {
                double label = data.y()[start + i];
                if (regression) {
                    double d = out.get(i) - label;
                    squaredError += d * d;
                    continue;
                }
                int predicted;
                if (classes == 1) {
                    predicted = out.get(i) > 0 ? 1 : 0;
                } else {
                    predicted = 0;
                    for (int k = 1; k < classes; k++) if (out.get(i * classes + k) > out.get(i * classes + predicted)) predicted = k;
                }
                int actual = (int) (signedLabels ? (label > 0 ? 1 : 0) : label);
                if (predicted == actual) correct++;
            }
        }
        t.setBatch(saved);
        double loss = lossSum / n;
        return regression ? new Score(loss, squaredError / n, 0, n, true) : new Score(loss, (double) correct / n, correct, n, false);
    }

    private static double label(double y, boolean signed) {
        return signed ? (y > 0 ? 1 : -1) : y;
    }

    private static void shuffle(int[] a, Rng rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
