package dev.gradc.runtime;

import java.util.Locale;

/**
 * Training diverged: a step produced a loss (or, when checked, a parameter) that is NaN or
 * infinite. Thrown by {@link Training#fit} right after that step, before anything is saved, so a
 * checkpoint written earlier stays as it was. The message says the step, the learning rate and
 * what was not finite, ready to show to a user as it is.
 */
public final class DivergenceException extends RuntimeException {
    private final int step;
    private final double learningRate;
    private final double value;
    private final String parameter;
    private final String position;

    /**
     * @param step the 1-based step that produced the value
     * @param parameter the parameter found non-finite, or null when it was the loss
     * @param position where in the model the first non-finite value came from ({@code file:line:col}), or null if unknown
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

    /** The same divergence, with the model position found for it. */
    public DivergenceException at(String modelPosition) {
        return new DivergenceException(step, learningRate, value, parameter, modelPosition);
    }

    /** The 1-based step whose result was not finite. */
    public int step() {
        return step;
    }

    public double learningRate() {
        return learningRate;
    }

    /** The non-finite value: the loss, or the first such element of {@link #parameter()}. */
    public double value() {
        return value;
    }

    /** The parameter that holds a non-finite value, or null if the loss was not finite. */
    public String parameter() {
        return parameter;
    }

    /** {@code file:line:col} of the model operation that first produced a non-finite value, or null if unknown. */
    public String position() {
        return position;
    }
}
