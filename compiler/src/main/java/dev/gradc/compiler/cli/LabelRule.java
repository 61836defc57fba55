package dev.gradc.compiler.cli;

import dev.gradc.compiler.Compilation;
import dev.gradc.runtime.TensorInfo;
import java.util.function.DoublePredicate;

/**
 * Which labels a classifier can learn from, judged by its first output: a {@code [batch, classes]}
 * output takes class indices 0 to classes - 1; a {@code [batch]} (or {@code [batch, 1]}) score takes
 * 0/1 or -1/+1, one or the other. A label outside them would train silently on nonsense (a
 * cross-entropy that goes negative), so the CLI refuses it when it loads the data.
 */
final class LabelRule {
    private final int classes; // 1 for a score
    private final String description;

    private LabelRule(int classes, String description) {
        this.classes = classes;
        this.description = description;
    }

    /** The rule for the trainer's first output, or null when it says nothing about labels (regression, other shapes). */
    static LabelRule of(Compilation c, boolean regression) {
        var outputs = c.signature().outputs();
        if (regression || outputs.isEmpty()) return null;
        TensorInfo out = outputs.get(0);
        int[] shape = out.shape();
        if (shape.length == 0 || shape[0] != TensorInfo.BATCH || shape.length > 2) return null;
        String of = c.signature().model() + "'s first output '" + out.name() + "' " + TensorInfo.format(shape);
        if (shape.length == 2 && shape[1] > 1) {
            return new LabelRule(shape[1], "the " + shape[1] + " classes of " + of + " (integers 0 to " + (shape[1] - 1) + ")");
        }
        return new LabelRule(1, "the labels of a score like " + of + " (0/1 or -1/+1, not both)");
    }

    String description() {
        return description;
    }

    /** A check for one pass over a data set's labels; for a score it remembers whether 0 or -1 came first. */
    DoublePredicate check() {
        if (classes > 1) return y -> y >= 0 && y < classes && y == Math.rint(y);
        boolean[] seen = new boolean[2]; // a 0, a -1
        return y -> {
            if (y == 1) return true;
            if (y == 0 && !seen[1]) return seen[0] = true;
            if (y == -1 && !seen[0]) return seen[1] = true;
            return false;
        };
    }

    /** The 0-based index of the first label {@link #check()} refuses, or -1 if all are fine. */
    int firstBad(double[] labels) {
        DoublePredicate ok = check();
        for (int i = 0; i < labels.length; i++) if (!ok.test(labels[i])) return i;
        return -1;
    }
}
