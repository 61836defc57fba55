package dev.gradc.spark;

import java.io.Serializable;

/**
 * What every task of one {@code fit} needs and that does not change between rounds; broadcast once
 * (with the model's class bytes, when it has them).
 */
record Job(ModelCode code, Layout layout, Binding[] bindings, int maxBatch, int threads, long seed, boolean shuffle,
           int stepsPerEpoch, boolean reuseTrainers, Evaluation evaluation, FailureHook hook) implements Serializable {

    /** The metric's inputs: which output, against which input, as what. */
    record Evaluation(Metric metric, String output, int classes, int labelInput) implements Serializable {}

    /** A test's way into a task, to fail one attempt. */
    interface FailureHook extends Serializable {
        /** Called when a training task has done its work, before it returns it. */
        void afterWork(int epoch, int round, int partition, int attempt);
    }

    /** The first row of step {@code step}'s share of a partition of {@code n} rows: every epoch covers each row once. */
    long shareStart(int step, int n) {
        return (long) step * n / stepsPerEpoch;
    }

    /** The order a partition's rows are visited in during an epoch: a seeded shuffle, or as stored. */
    int[] order(int epoch, int partition, int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        if (!shuffle) return order;
        long state = mix(seed ^ mix(((long) epoch << 32) ^ partition ^ 0x5DEECE66DL));
        for (int i = n - 1; i > 0; i--) {
            state += 0x9E3779B97F4A7C15L;
            int j = (int) ((mix(state) >>> 33) % (i + 1));
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /** Seed for a fresh trainer of one task, when dropout masks make a reused trainer's stream matter. */
    long taskSeed(int epoch, int round, int partition) {
        return mix(seed ^ mix(((long) epoch << 40) ^ ((long) round << 16) ^ partition));
    }

    /** SplitMix64's finalizer. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
