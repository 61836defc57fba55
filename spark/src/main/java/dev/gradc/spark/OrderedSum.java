package dev.gradc.spark;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * A partial result of {@code treeAggregate} over per-partition vectors whose final value does not
 * depend on the order in which Spark combines them. Floating-point addition is not associative,
 * and Spark merges task results in the order tasks finish, so a plain sum changes in its last bits
 * from run to run and when a task is retried. Here the association is fixed by partition index:
 * the leaves are split into {@code groups} groups ({@code index % groups}, as treeAggregate's
 * intermediate level groups them, so each group collapses where it is combined), each group is
 * the left fold of its leaves in index order, and the total the left fold of the groups in
 * order. Leaves and groups that arrive early wait until their predecessors have come.
 *
 * <p>Elements {@code [0, sumLength)} are added; the rest keep their maximum (exact in any order).
 */
final class OrderedSum implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int leaves;
    private final int groups;
    private final int sumLength;
    /** Leaves not yet folded into their group, by leaf index. */
    private final TreeMap<Integer, double[]> waiting = new TreeMap<>();
    /** Per group present here: how many of its leaves (in index order) are folded, and their fold. */
    private final TreeMap<Integer, Partial> groupFolds = new TreeMap<>();
    /** Complete groups not yet folded into the total, by group index. */
    private final TreeMap<Integer, double[]> completeGroups = new TreeMap<>();
    /** The fold of groups 0..totalGroups-1, or null if group 0 is not complete here. */
    private double[] total;
    private int totalGroups;
    /** The partitions added so far, here or in merged partial results. */
    private final java.util.BitSet seen = new java.util.BitSet();
    /** A task's report of bad data, instead of its vector: the one of the lowest partition, so that it is the same every run. */
    private String problem;
    private int problemLeaf = Integer.MAX_VALUE;

    private static final class Partial implements Serializable {
        private static final long serialVersionUID = 1L;
        int folded;
        double[] value;
    }

    /** An empty partial result (treeAggregate's zero value) for {@code leaves} partitions. */
    OrderedSum(int leaves, int sumLength) {
        if (leaves < 1) throw new IllegalArgumentException("no partitions to aggregate");
        this.leaves = leaves;
        this.groups = groupsFor(leaves);
        this.sumLength = sumLength;
    }

    /**
     * The number of reducers of the one intermediate level {@code treeAggregate(depth = 2)} builds
     * for {@code n} partitions (its own formula), or {@code n} when it builds none. Any value gives
     * the same result; this one lets each reducer collapse its group to one vector.
     */
    static int groupsFor(int n) {
        int scale = Math.max((int) Math.ceil(Math.pow(n, 1.0 / 2)), 2);
        int num = n;
        boolean level = false;
        while (num > scale + Math.ceil((double) num / scale)) {
            num /= scale;
            level = true;
        }
        return level ? num : n;
    }

    /** Adds partition {@code leaf}'s vector (treeAggregate's seqOp); the array is taken over. */
    OrderedSum add(int leaf, double[] value) {
        see(leaf);
        waiting.put(leaf, value);
        settle();
        return this;
    }

    /** Adds partition {@code leaf}'s report that its data cannot be used, in place of its vector. */
    OrderedSum addProblem(int leaf, String what) {
        see(leaf);
        if (leaf < problemLeaf) {
            problem = what;
            problemLeaf = leaf;
        }
        return this;
    }

    /** The lowest partition's report of bad data, or null. */
    String problem() {
        return problem;
    }

    private void see(int leaf) {
        if (leaf < 0 || leaf >= leaves) throw new IllegalArgumentException("leaf " + leaf + " outside 0.." + (leaves - 1));
        if (seen.get(leaf)) throw new IllegalStateException("partition " + leaf + " aggregated twice");
        seen.set(leaf);
    }

    /** Merges another partial result into this one (treeAggregate's combOp). */
    OrderedSum merge(OrderedSum other) {
        if (other.leaves != leaves || other.sumLength != sumLength) throw new IllegalArgumentException("partial sums of different shapes");
        if (seen.intersects(other.seen)) throw new IllegalStateException("partitions aggregated twice: " + other.seen + " and " + seen);
        seen.or(other.seen);
        if (other.problemLeaf < problemLeaf) {
            problem = other.problem;
            problemLeaf = other.problemLeaf;
        }
        waiting.putAll(other.waiting);
        for (Map.Entry<Integer, Partial> e : other.groupFolds.entrySet()) {
            if (groupFolds.put(e.getKey(), e.getValue()) != null) throw new IllegalStateException("group " + e.getKey() + " folded twice");
        }
        completeGroups.putAll(other.completeGroups);
        if (other.total != null) {
            if (total != null) throw new IllegalStateException("the total was started twice");
            total = other.total;
            totalGroups = other.totalGroups;
        }
        settle();
        return this;
    }

    /** The total once every partition has been added (and none reported a problem). */
    double[] result() {
        if (problem != null) throw new IllegalStateException("no total: " + problem);
        if (total == null || totalGroups != groups) {
            throw new IllegalStateException("aggregate incomplete: " + totalGroups + " of " + groups + " groups summed");
        }
        return total;
    }

    private int groupSize(int g) {
        return (leaves - g + groups - 1) / groups;
    }

    /** Folds every leaf and group whose predecessors are all folded. */
    private void settle() {
        boolean progress = true;
        while (progress) {
            progress = false;
            for (var it = waiting.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                int leaf = e.getKey(), g = leaf % groups, rank = leaf / groups;
                Partial p = groupFolds.get(g);
                if (rank == 0 && p == null) {
                    p = new Partial();
                    p.value = e.getValue();
                    p.folded = 1;
                    groupFolds.put(g, p);
                } else if (p != null && p.folded == rank) {
                    combine(p.value, e.getValue());
                    p.folded++;
                } else {
                    continue;
                }
                it.remove();
                progress = true;
            }
            for (var it = groupFolds.entrySet().iterator(); it.hasNext(); ) {
                var e = it.next();
                if (e.getValue().folded == groupSize(e.getKey())) {
                    completeGroups.put(e.getKey(), e.getValue().value);
                    it.remove();
                    progress = true;
                }
            }
            while (completeGroups.containsKey(totalGroups)) {
                double[] v = completeGroups.remove(totalGroups);
                if (totalGroups == 0) total = v;
                else combine(total, v);
                totalGroups++;
                progress = true;
            }
        }
    }

    private void combine(double[] into, double[] x) {
        if (into.length != x.length) throw new IllegalArgumentException("vectors of " + into.length + " and " + x.length + " values");
        for (int i = 0; i < sumLength; i++) into[i] += x[i];
        for (int i = sumLength; i < into.length; i++) into[i] = Math.max(into[i], x[i]);
    }
}
