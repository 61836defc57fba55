package dev.gradc.spark;

import java.io.Serializable;

/**
 * What one round's tasks receive, broadcast by the driver: where the round is ({@code epoch}, its
 * steps {@code firstStep..firstStep+rates.length-1} of the epoch), the driver's parameters and
 * state in the trainer's element type ({@code values}: float[] or double[]), its
 * hyper-parameters, and the learning rate of each step.
 */
record Round(int epoch, int round, int firstStep, Object values, double[] hypers, double[] rates) implements Serializable {
    int steps() {
        return rates.length;
    }
}
