package dev.gradc.spark;

import dev.gradc.runtime.Trainer;
import java.util.List;

/**
 * What {@link SparkTrainer#fit} did: one entry per epoch, and the driver's trainer, which holds the
 * trained parameters and optimizer state.
 */
public record TrainingResult(List<EpochStats> history, Trainer trainer, Mode mode, int partitions, long examples,
                             int stepsPerEpoch) {
    public TrainingResult {
        history = List.copyOf(history);
    }

    /** The last epoch's statistics. */
    public EpochStats last() {
        return history.get(history.size() - 1);
    }

    /** The test metric after the last epoch (NaN without a test set). */
    public double testMetric() {
        return last().testMetric();
    }
}
