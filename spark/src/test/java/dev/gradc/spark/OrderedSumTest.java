package dev.gradc.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The aggregate's value depends on the partitions' vectors only, not on how Spark happens to combine them. */
class OrderedSumTest {
    @Test
    void anyMergeOrderGivesTheSameBits() {
        Random r = new Random(3);
        for (int parts : new int[] {1, 2, 3, 5, 12, 30, 64}) {
            double[][] leaves = new double[parts][];
            for (int p = 0; p < parts; p++) {
                leaves[p] = new double[6];
                // Magnitudes far apart, so that a different association changes the rounding.
                for (int j = 0; j < 5; j++) leaves[p][j] = r.nextGaussian() * Math.pow(10, r.nextInt(17) - 8);
                leaves[p][5] = r.nextDouble(); // kept as a maximum
            }
            double[] expected = null;
            for (int trial = 0; trial < 40; trial++) {
                double[] got = randomTree(leaves, new Random(trial)).result();
                if (expected == null) expected = got;
                assertArrayEquals(expected, got, parts + " partitions, merge order " + trial);
            }
            assertEquals(Arrays.stream(leaves).mapToDouble(l -> l[5]).max().orElseThrow(), expected[5]);
            if (parts >= 5) {
                // And the test means something: on these leaves a plain sum in another order changes the bits.
                boolean differs = false;
                for (int trial = 0; trial < 40 && !differs; trial++) {
                    List<double[]> shuffled = new ArrayList<>(Arrays.asList(leaves));
                    Collections.shuffle(shuffled, new Random(trial));
                    double[] plain = new double[6];
                    for (double[] l : shuffled) for (int j = 0; j < 5; j++) plain[j] += l[j];
                    differs = !Arrays.equals(Arrays.copyOf(plain, 5), Arrays.copyOf(expected, 5));
                }
                assertTrue(differs, parts + " partitions: every plain order gave the same bits");
            }
        }
    }

    @Test
    void incompleteOrDoubledPartitionsAreRefused() {
        OrderedSum s = new OrderedSum(3, 1).add(0, new double[] {1}).add(2, new double[] {2});
        assertThrows(IllegalStateException.class, s::result);
        assertThrows(IllegalStateException.class, () -> s.add(2, new double[] {3}));
        OrderedSum other = new OrderedSum(3, 1).add(0, new double[] {4});
        assertThrows(IllegalStateException.class, () -> s.merge(other));
        // A reported problem wins over the vectors, the lowest partition's first.
        OrderedSum bad = new OrderedSum(3, 1).addProblem(2, "two").merge(new OrderedSum(3, 1).addProblem(1, "one"));
        assertEquals("one", bad.merge(new OrderedSum(3, 1).add(0, new double[] {1})).problem());
    }

    @Test
    void groupsMatchTreeAggregatesLevel() {
        assertEquals(2, OrderedSum.groupsFor(2));
        assertEquals(4, OrderedSum.groupsFor(4));
        assertEquals(8, OrderedSum.groupsFor(64));
    }

    /** Leaves added to random partial sums, then merged pairwise at random, as tasks and reducers might. */
    private static OrderedSum randomTree(double[][] leaves, Random r) {
        List<OrderedSum> partials = new ArrayList<>();
        List<Integer> order = new ArrayList<>();
        for (int p = 0; p < leaves.length; p++) order.add(p);
        Collections.shuffle(order, r);
        for (int p : order) {
            OrderedSum s = new OrderedSum(leaves.length, 5);
            partials.add(s.add(p, leaves[p].clone()));
        }
        while (partials.size() > 1) {
            OrderedSum a = partials.remove(r.nextInt(partials.size())), b = partials.remove(r.nextInt(partials.size()));
            partials.add(a.merge(b));
        }
        return partials.get(0);
    }
}
