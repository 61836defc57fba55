package dev.gradc.spark;

import dev.gradc.runtime.TensorView;
import dev.gradc.runtime.Trainer;
import org.apache.spark.TaskContext;

/**
 * What a task does with its partition's {@link Block}. Every task starts its trainer from the
 * round's broadcast state and clears the gradient sums, so a trainer reused from an earlier task
 * (or left half-way by a failed attempt) cannot leak into the result, and a retried task returns
 * the same vector.
 *
 * <p>Every result ends with four values: examples, loss times examples, compute nanoseconds
 * (summed over tasks) and the same maximum over tasks (the one value not summed).
 */
final class Worker {
    static final int TAIL = 4;

    private Worker() {}

    /** Vector length of a synchronous round's result. */
    static int syncLength(Layout l) {
        return l.gradSums.total() + l.statistics.total() + TAIL;
    }

    static int averagingLength(Layout l) {
        return l.params.total() + l.optimizer.total() + l.statistics.total() + TAIL;
    }

    static final int EVAL_LENGTH = 1 + TAIL;

    /** Accumulates the gradients of this partition's share of the round's global step. */
    static double[] synchronous(Job job, Round round, Block block) {
        Layout l = job.layout();
        Trainer t = begin(job, round, block, l.params, l.statistics);
        int[] order = job.order(round.epoch(), block.partition, block.rows);
        int from = (int) job.shareStart(round.firstStep(), block.rows), to = (int) job.shareStart(round.firstStep() + 1, block.rows);
        TensorView[] inputs = inputs(t, job);
        long start = System.nanoTime();
        double loss = accumulate(t, inputs, block, order, from, to, job.maxBatch());
        long nanos = System.nanoTime() - start;
        double[] out = new double[syncLength(l)];
        int at = l.addTo(t, l.gradSums, 1, out, 0);
        double examples = t.state(Layout.EXAMPLES).get(0);
        l.addTo(t, l.statistics, examples, out, at);
        tail(out, examples, loss, nanos);
        finish(job, round, block, t);
        return out;
    }

    /** Trains the round's local steps on this partition's shares; returns parameters and state times examples. */
    static double[] averaging(Job job, Round round, Block block) {
        Layout l = job.layout();
        Trainer t = begin(job, round, block, l.params, l.optimizer, l.statistics);
        int[] order = job.order(round.epoch(), block.partition, block.rows);
        TensorView[] inputs = inputs(t, job);
        double loss = 0;
        long examples = 0;
        long start = System.nanoTime();
        for (int k = 0; k < round.steps(); k++) {
            int s = round.firstStep() + k;
            int from = (int) job.shareStart(s, block.rows), to = (int) job.shareStart(s + 1, block.rows);
            if (from == to) continue;
            t.setLearningRate(round.rates()[k]);
            if (to - from <= job.maxBatch()) {
                feed(t, inputs, block, order, from, to);
                t.step();
                loss += t.loss() * (to - from);
            } else {
                loss += accumulate(t, inputs, block, order, from, to, job.maxBatch());
                t.update();
            }
            examples += to - from;
        }
        long nanos = System.nanoTime() - start;
        double[] out = new double[averagingLength(l)];
        int at = l.addTo(t, l.params, examples, out, 0);
        at = l.addTo(t, l.optimizer, examples, out, at);
        l.addTo(t, l.statistics, examples, out, at);
        tail(out, examples, loss, nanos);
        finish(job, round, block, t);
        return out;
    }

    /** The loss and the metric's sum over this partition, in batches of the trainer's maximum. */
    static double[] evaluate(Job job, Round round, Block block) {
        Layout l = job.layout();
        Trainer t = begin(job, round, block, l.params, l.statistics);
        int[] order = new int[block.rows];
        for (int i = 0; i < order.length; i++) order[i] = i;
        TensorView[] inputs = inputs(t, job);
        Job.Evaluation ev = job.evaluation();
        double loss = 0, metric = 0;
        long start = System.nanoTime();
        for (int i = 0; i < block.rows; i += job.maxBatch()) {
            int b = Math.min(job.maxBatch(), block.rows - i);
            feed(t, inputs, block, order, i, i + b);
            loss += t.evaluateLoss() * b;
            if (ev.metric() != Metric.NONE) metric += metric(t, ev, block, i, b);
        }
        long nanos = System.nanoTime() - start;
        double[] out = new double[EVAL_LENGTH];
        out[0] = metric;
        tail(out, block.rows, loss, nanos);
        if (job.reuseTrainers()) job.code().release(t);
        return out;
    }

    /** Correct answers, or summed squared errors, of rows {@code from..from+b} (in stored order). */
    private static double metric(Trainer t, Job.Evaluation ev, Block block, int from, int b) {
        TensorView out = t.evaluatedOutput(ev.output()); // computed by evaluate's evaluateLoss()
        int label = ev.labelInput();
        double sum = 0;
        if (ev.metric() == Metric.ACCURACY) {
            int c = ev.classes();
            for (int i = 0; i < b; i++) {
                double actual = block.value(label, from + i, 0);
                if (c == 1) {
                    if ((out.get(i) > 0) == (actual > 0)) sum++;
                    continue;
                }
                int best = 0;
                for (int k = 1; k < c; k++) if (out.get(i * c + k) > out.get(i * c + best)) best = k;
                if (best == actual) sum++;
            }
        } else {
            int w = block.widths[label];
            for (int i = 0; i < b; i++) {
                for (int j = 0; j < w; j++) {
                    double d = out.get(i * w + j) - block.value(label, from + i, j);
                    sum += d * d;
                }
            }
        }
        return sum;
    }

    /** A trainer holding the round's broadcast values (the given segments) and hyper-parameters, its gradient sums empty. */
    private static Trainer begin(Job job, Round round, Block block, Layout.Segment... segments) {
        Layout l = job.layout();
        Trainer t = acquire(job, round, block.partition);
        l.restore(t, round.values(), segments);
        l.clearAccumulators(t);
        l.setHypers(t, round.hypers());
        return t;
    }

    private static Trainer acquire(Job job, Round round, int partition) {
        Trainer t = job.reuseTrainers() ? job.code().borrow(job.maxBatch(), job.seed())
                : job.code().newTrainer(job.maxBatch(), job.taskSeed(round.epoch(), round.round(), partition));
        if (t.threads() != job.threads()) t.setThreads(job.threads());
        return t;
    }

    private static TensorView[] inputs(Trainer t, Job job) {
        TensorView[] views = new TensorView[job.bindings().length];
        for (int k = 0; k < views.length; k++) views[k] = t.input(job.bindings()[k].input());
        return views;
    }

    /** Accumulates rows {@code order[from..to)} in micro-batches of at most {@code maxBatch}; returns their loss times examples. */
    private static double accumulate(Trainer t, TensorView[] inputs, Block block, int[] order, int from, int to, int maxBatch) {
        double loss = 0;
        for (int i = from; i < to; i += maxBatch) {
            int b = Math.min(maxBatch, to - i);
            feed(t, inputs, block, order, i, i + b);
            t.accumulate();
            loss += t.loss() * b;
        }
        return loss;
    }

    /** Rows {@code order[from..to)} into the trainer's inputs, at batch {@code to - from}: array copies only. */
    static void feed(Trainer t, TensorView[] inputs, Block block, int[] order, int from, int to) {
        t.setBatch(to - from);
        for (int k = 0; k < inputs.length; k++) block.copyRows(k, order, from, to, inputs[k].buffer());
    }

    private static void tail(double[] out, double examples, double loss, long nanos) {
        int n = out.length;
        out[n - 4] = examples;
        out[n - 3] = loss;
        out[n - 2] = nanos;
        out[n - 1] = nanos;
    }

    private static void finish(Job job, Round round, Block block, Trainer t) {
        if (job.hook() != null) {
            TaskContext tc = TaskContext.get();
            job.hook().afterWork(round.epoch(), round.round(), block.partition, tc == null ? 0 : tc.attemptNumber());
        }
        if (job.reuseTrainers()) job.code().release(t);
    }
}
