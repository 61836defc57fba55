package dev.gradc.runtime;

import java.util.Locale;

/**
 * Training diverged: a step produced a loss (or, when checked, a parameter) that is NaN or
 * infinite. Thrown by {@link Training#fit} right after that step, before anything is saved, so a
 * checkpoint written earlier stays as it was. The message says the step, the learning rate and
 * what was not finite, ready to show to a user as it is.
 */
public final class DivergenceException extends RuntimeException {
    /** The step that diverged, from 1. */
    private final int step;
    /** Its learning rate. */
    private final double learningRate;
    /** The non-finite value. */
    private final double value;
    /** The parameter that held it, or null for the loss. */
    private final String parameter;
    /** The model position of its operation, or null. */
    private final String position;

    /**
     * @param step the 1-based step that produced the value
     * @param parameter the parameter found non-finite, or null when it was the loss
     * @param position where in the model the first non-finite value came from ({@code file:line:col}), or null if unknown
     * @param learningRate the learning rate of that step
     * @param value the non-finite value
     */
    public DivergenceException(int step, double learningRate, double value, String parameter, String position) {
        super(message(step, learningRate, value, parameter, position), null, false, false);
        this.step = step;
        this.learningRate = learningRate;
        this.value = value;
        this.parameter = parameter;
        this.position = position;
    }

    private static String message(int step, double learningRate, double value, String parameter, String position) {
        String what = parameter == null ? "the loss is " + value : "parameter '" + parameter + "' holds " + value;
        return String.format(Locale.ROOT, "training diverged at step %d (learning rate %.4g): %s%s", step, learningRate, what,
                position == null ? "" : "; first non-finite value at " + position);
    }

    /**
     * The same divergence, with the model position found for it.
     *
     * @param modelPosition {@code file:line:col} of the operation
     * @return a new exception with the position in its message
     */
    public DivergenceException at(String modelPosition) {
        return new DivergenceException(step, learningRate, value, parameter, modelPosition);
    }

    /**
     * The 1-based step whose result was not finite.
     *
     * @return the step, from 1
     */
    public int step() {
        return step;
    }

    /**
     * The learning rate of the step that diverged.
     *
     * @return the rate that step ran with
     */
    public double learningRate() {
        return learningRate;
    }

    /**
     * The non-finite value: the loss, or the first such element of {@link #parameter()}.
     *
     * @return NaN or an infinity
     */
    public double value() {
        return value;
    }

    /**
     * The parameter that holds a non-finite value, or null if the loss was not finite.
     *
     * @return the parameter's name, or null
     */
    public String parameter() {
        return parameter;
    }

    /**
     * {@code file:line:col} of the model operation that first produced a non-finite value, or null if unknown.
     *
     * @return the position, or null
     */
    public String position() {
        return position;
    }
}
