package dev.gradc.runtime;

/**
 * A learning-rate schedule: the rate for each step, which the host (or {@link Training}) sets with
 * {@link Trainer#setLearningRate} before calling {@code step()}. The formulas are PyTorch's
 * schedulers' (StepLR, LinearLR, CosineAnnealingLR, linear warm-up), as functions of the step.
 * A host that computes its own rates simply sets them: that is the "host-set" schedule.
 */
@FunctionalInterface
public interface LearningRate {
    /**
     * The rate for step {@code step}, counted from 0.
     *
     * @param step the step, from 0
     * @return the learning rate
     */
    double at(int step);

    /**
     * The same rate at every step.
     *
     * @param lr the rate
     * @return the schedule
     */
    static LearningRate constant(double lr) {
        return step -> lr;
    }

    /**
     * {@code lr * gamma^(step / every)}, as StepLR.
     *
     * @param lr the rate of the first steps
     * @param every steps between decays, at least 1
     * @param gamma the factor of each decay
     * @return the schedule
     * @throws IllegalArgumentException if {@code every} is below 1
     */
    static LearningRate step(double lr, int every, double gamma) {
        if (every < 1) throw new IllegalArgumentException("step schedule: every must be at least 1, got " + every);
        return step -> lr * Math.pow(gamma, step / every);
    }

    /**
     * From {@code lr} at step 0 towards {@code end} at step {@code steps}, then {@code end}: micrograd's {@code 1.0 - 0.9*k/100}.
     *
     * @param lr the rate at step 0
     * @param end the rate at step {@code steps} and after
     * @param steps the length of the ramp
     * @return the schedule
     */
    static LearningRate linear(double lr, double end, int steps) {
        return step -> step >= steps ? end : lr + (end - lr) * step / steps;
    }

    /**
     * {@code end + (lr - end) (1 + cos(pi step / steps)) / 2}, as CosineAnnealingLR without restarts.
     *
     * @param lr the rate at step 0
     * @param end the rate at step {@code steps} and after
     * @param steps the length of the half cosine
     * @return the schedule
     */
    static LearningRate cosine(double lr, double end, int steps) {
        return step -> step >= steps ? end : end + (lr - end) * (1 + Math.cos(Math.PI * step / steps)) / 2;
    }

    /**
     * A linear warm-up over the first {@code steps} steps, from {@code lr/steps} up to the
     * schedule's own rate, then the schedule, which starts counting after the warm-up.
     *
     * @param steps warm-up steps; 0 or less for none
     * @return the schedule with its warm-up (this one when there is none)
     */
    default LearningRate withWarmup(int steps) {
        if (steps <= 0) return this;
        return step -> step < steps ? at(0) * (step + 1) / steps : at(step - steps);
    }
}
