package dev.gradc.spark;

import java.io.Serializable;

/**
 * How the workers' work is combined.
 *
 * <ul>
 *   <li>{@link #SYNCHRONOUS}: one Spark job per global step. The driver broadcasts the parameters,
 *       every partition accumulates the gradients of its share of the global batch, the sums and
 *       example counts are added with {@code treeAggregate}, and the driver applies the optimizer
 *       once: the update of one machine accumulating the whole global batch.
 *   <li>{@link #averaging(int) averaging(H)}: one job per H steps. Every partition trains H local
 *       steps on its own share (its parameters and optimizer state starting from the driver's),
 *       and the driver averages parameters and optimizer state, weighted by the examples each
 *       partition trained on. H times fewer rounds, so the fixed cost of a job and the parameter
 *       traffic are paid H times less often; the result is not one machine's.
 * </ul>
 */
public sealed interface Mode extends Serializable permits Mode.Synchronous, Mode.Averaging {
    Mode SYNCHRONOUS = new Synchronous();

    /** Parameter averaging every {@code everySteps} local steps (at least 1). */
    static Mode averaging(int everySteps) {
        return new Averaging(everySteps);
    }

    /** Global steps per round: 1 when synchronous, H when averaging. */
    int stepsPerRound();

    record Synchronous() implements Mode {
        @Override
        public int stepsPerRound() {
            return 1;
        }

        @Override
        public String toString() {
            return "synchronous";
        }
    }

    record Averaging(int everySteps) implements Mode {
        public Averaging {
            if (everySteps < 1) throw new IllegalArgumentException("averaging: everySteps must be at least 1, got " + everySteps);
        }

        @Override
        public int stepsPerRound() {
            return everySteps;
        }

        @Override
        public String toString() {
            return "averaging every " + everySteps + (everySteps == 1 ? " step" : " steps");
        }
    }
}
