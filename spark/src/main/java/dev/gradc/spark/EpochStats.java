package dev.gradc.spark;

import java.util.Locale;

/**
 * One epoch of a {@link SparkTrainer#fit} run.
 *
 * @param loss the training loss, averaged over the epoch's examples as each step saw them
 * @param testLoss the test set's loss after the epoch (NaN without a test set)
 * @param testMetric the test set's accuracy or mean squared error (NaN without one)
 * @param seconds wall time of the epoch's training rounds, evaluation excluded
 * @param computeSeconds time the tasks spent in the trainers, summed over tasks
 * @param criticalComputeSeconds per round the longest task's time in its trainer, summed over rounds:
 *     what the epoch would take if Spark cost nothing
 * @param evalSeconds wall time of the test evaluation
 */
public record EpochStats(int epoch, int epochs, int steps, int rounds, long examples, double loss, double testLoss,
                         double testMetric, Metric metric, double seconds, double computeSeconds, double criticalComputeSeconds,
                         double evalSeconds) {
    public double examplesPerSecond() {
        return examples / seconds;
    }

    /** Wall time per round beyond its longest task's compute: Spark's fixed cost of a round (scheduling, broadcast, results). */
    public double overheadPerRound() {
        return (seconds - criticalComputeSeconds) / rounds;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "epoch %d/%d  loss %.6f", epoch, epochs, loss));
        if (!Double.isNaN(testLoss)) {
            sb.append(String.format(Locale.ROOT, "  test loss %.6f", testLoss));
            if (metric == Metric.ACCURACY) sb.append(String.format(Locale.ROOT, " accuracy %.2f%%", 100 * testMetric));
            else if (metric == Metric.MSE) sb.append(String.format(Locale.ROOT, " mse %.6g", testMetric));
        }
        sb.append(String.format(Locale.ROOT, "  %d rounds, %.0f examples/s (%.2f s; longest tasks %.2f s, %.1f ms a round beside)",
                rounds, examplesPerSecond(), seconds, criticalComputeSeconds, 1e3 * overheadPerRound()));
        return sb.toString();
    }
}
