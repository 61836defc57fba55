package dev.gradc.spark;

/**
 * What is measured on the test set besides the loss, from the model's metric output (its first
 * output unless {@link SparkTrainer#metricOutput} names another) and the label input.
 */
public enum Metric {
    /**
     * Fraction of examples whose class is right: the largest entry of a {@code [batch, classes]}
     * output, or for a {@code [batch]} score, positive meaning a positive label (0/1 or -1/+1).
     */
    ACCURACY,
    /** Mean squared error between the output and the labels, per element. */
    MSE,
    /** The loss only. */
    NONE
}
