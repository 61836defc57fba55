package dev.gradc.runtime.internal;

import dev.gradc.runtime.TensorInfo;

/**
 * What a generated trainer's step calls on the trainer besides its kernels: the checks before a
 * training step, the dropout masks, the zeroing of gradient sums. A class of its own because it holds
 * no string constant: the first thread to ask for a C2 compilation of a method creates every string
 * constant of the method's class ({@link KernelText}), and for these methods that thread is the
 * trainer's stepping thread. The messages are {@link CompiledTrainer}'s, reached only on an error.
 * For generated code only, through {@link CompiledTrainer}.
 */
public abstract class StepSupport {
    /** The current batch size; generated kernels read it. */
    protected int batch;
    /** The fewest examples a training step takes: 2 with batch normalization, else 1. */
    int minBatch = 1;
    /** The class-index inputs as arrays: buffer, elements per example (or in all), classes, whether per example. */
    Object[] labelBuffers = {};
    int[] labelSizes = {}, labelClasses = {};
    boolean[] labelHasBatch = {};
    /** The dropout masks as arrays: buffer, drop probability, shape (batch as {@link TensorInfo#BATCH}). */
    Object[] maskBuffers = {};
    double[] maskP = {};
    int[][] maskShapes = {};
    /** Draws the dropout masks; seeded from the trainer's seed, apart from the initializers' stream. */
    Rng maskRng = new Rng(0);
    /** The state buffers that accumulate() sums into and update() zeroes. */
    Object[] accumulatorBuffers = {};

    StepSupport() {}

    /** What a training step checks first: its batch (batch normalization needs two examples) and its labels. */
    protected final void checkTraining() {
        if (batch < minBatch) throw batchTooSmall();
        checkClassIndices();
    }

    /** Throws if a class-index input holds a value that is not a class of its model (before a step reads it). */
    protected final void checkClassIndices() {
        for (int k = 0; k < labelBuffers.length; k++) {
            int n = labelSizes[k] * (labelHasBatch[k] ? batch : 1), classes = labelClasses[k];
            Object buffer = labelBuffers[k];
            for (int i = 0; i < n; i++) {
                double label = buffer instanceof float[] f ? f[i] : ((double[]) buffer)[i];
                if (!(label >= 0 && label < classes && label == Math.rint(label))) throw notAClassIndex(k, i, label);
            }
        }
    }

    /** Draws every dropout mask for the current batch: 0 with probability p, else 1/(1-p). */
    protected final void refreshMasks() {
        for (int k = 0; k < maskBuffers.length; k++) {
            double p = maskP[k], keep = 1 / (1 - p);
            int n = 1;
            for (int d : maskShapes[k]) n *= d == TensorInfo.BATCH ? batch : d;
            Object buffer = maskBuffers[k];
            if (buffer instanceof float[] f) for (int i = 0; i < n; i++) f[i] = maskRng.nextDouble() < p ? 0 : (float) keep;
            else for (int i = 0; i < n; i++) ((double[]) buffer)[i] = maskRng.nextDouble() < p ? 0 : keep;
        }
    }

    /** Zeroes the gradient sums after update(). */
    protected final void clearAccumulators() {
        for (Object b : accumulatorBuffers) {
            if (b instanceof float[] f) java.util.Arrays.fill(f, 0);
            else java.util.Arrays.fill((double[]) b, 0);
        }
    }

    /** The error for a training step on fewer than {@link #minBatch} examples. */
    abstract RuntimeException batchTooSmall();

    /** The error for element {@code i} of class-index input {@code k} holding {@code label}. */
    abstract RuntimeException notAClassIndex(int k, int i, double label);
}
