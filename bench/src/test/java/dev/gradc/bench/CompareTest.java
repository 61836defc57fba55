package dev.gradc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** bench/compare's options, targets, JSON and the end-to-end output it reads (no timing here). */
class CompareTest {
    @Test
    void options() {
        Compare.Options d = Compare.Options.parse();
        assertEquals(Set.of("pytorch"), d.peers());
        assertFalse(d.e2e() || d.avx2() || d.json());
        assertEquals(Set.of("pytorch", "dl4j"), Compare.Options.parse("--peer", "all").peers());
        assertEquals(Set.of("dl4j"), Compare.Options.parse("--peer", "dl4j").peers());
        assertTrue(Compare.Options.parse("--no-peer").peers().isEmpty());
        Compare.Options e = Compare.Options.parse("--e2e", "--runs", "3", "--json", "--coretype", "Cooperlake");
        assertTrue(e.e2e() && e.json());
        assertEquals(3, e.runs());
        assertEquals("Cooperlake", e.coreType());
        assertThrows(IllegalArgumentException.class, () -> Compare.Options.parse("--peer", "tensorflow"));
        assertThrows(IllegalArgumentException.class, () -> Compare.Options.parse("--runs"));
        assertThrows(IllegalArgumentException.class, () -> Compare.Options.parse("--bogus"));
    }

    @Test
    void targetsAreMetMissedOrNotMeasured() {
        assertEquals("met", new Compare.Target("W1 >= 30x PyTorch", 31.0, true, 30, "x").verdict());
        assertEquals("missed", new Compare.Target("W1 >= 30x PyTorch", 27.0, true, 30, "x").verdict());
        assertEquals("met", new Compare.Target("wall <= 0.5x", 0.5, false, 0.5, "x").verdict());
        assertEquals("missed", new Compare.Target("wall <= 0.5x", 1.56, false, 0.5, "x").verdict());
        Compare.Target refused = new Compare.Target("W2 >= 2x PyTorch", null, true, 2, "x");
        assertNull(refused.met());
        assertEquals("not measured", refused.verdict());
        assertEquals(">=1.2x", new Compare.Target("W4", 1.0, true, 1.2, "x").goal());
        assertEquals("<=0.5x missed", new Compare.Target("wall", 0.7, false, 0.5, "x").cell());
    }

    @Test
    void stepTargetsFollowIssue10() {
        Peers.Result p1 = new Peers.Result("PyTorch", "W1", 1, 400, "b", "SkylakeX", "SkylakeX");
        List<Compare.Row> rows = List.of(
                new Compare.Row(Workload.W1, 1, 10, 0.0, 176_000, Map.of("pytorch", p1)),
                new Compare.Row(Workload.W2, 1, 1000, 0.0, 1, Map.of("pytorch", new Peers.Result("PyTorch", "W2", 1, 1500, "b", "Prescott", null))),
                new Compare.Row(Workload.W3, 1, 100, 0.0, 1, Map.of()),
                new Compare.Row(Workload.W4, 1, 40_000, 0.0, 4_000_000_000L, Map.of()),
                new Compare.Row(Workload.W4, 2, 20_000, 8.0, 4_000_000_000L, Map.of()));
        List<Compare.Target> t = Compare.stepTargets(rows, 200, Set.of("pytorch"));
        assertEquals("met", Compare.find(t, "W1 >= 30x PyTorch").verdict());            // 40x
        assertEquals("not measured", Compare.find(t, "W2 >= 2x PyTorch").verdict());    // refused: Prescott
        assertEquals("met", Compare.find(t, "W4 2 threads >= 1.8x gradc 1 thread").verdict());
        assertEquals(50.0, Compare.find(t, "W4 products >= 70% of FMA peak").measured(), 1e-9); // 100 GFLOP/s of 200
        assertEquals("missed", Compare.find(t, "W4 2 threads allocates 0 bytes per step").verdict());
        assertEquals(Compare.find(t, "W1 >= 30x PyTorch"), Compare.targetFor(t, rows.get(0), "pytorch"));
    }

    @Test
    void warnsWhenOtherProcessesSharedTheCores() {
        assertTrue(Compare.busy("100.0 50.0 20.0", "0.5 0.5 0.5").contains("load average of 100.0 before"));
        assertNull(Compare.busy("0.00 0.01 0.05", "1.00 0.5 0.2"), "the run's own busy thread is not others' load");
        assertNull(Compare.busy("unknown", "unknown"));
    }

    @Test
    void jsonOfNestedValues() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", 13.6);
        m.put("b", List.of(1, "x\"y"));
        m.put("c", null);
        m.put("d", Double.NaN);
        m.put("e", 27512.345678);
        m.put("f", true);
        String j = Compare.json(m).replaceAll("\\s+", "");
        assertEquals("{\"a\":13.6,\"b\":[1,\"x\\\"y\"],\"c\":null,\"d\":null,\"e\":27512.3,\"f\":true}", j);
    }

    static final String GRADC_FASHION = """
            compiled FashionMnist (float32, 109386 parameters) in 1445 ms; matrix products: Vector API (512-bit float vectors)
            training on fashion-mnist: 60000 examples, batch 128, 5 epochs of 469 steps, learning rate 0.001000
            epoch   1/5  loss 0.546834  lr 0.001000  test loss 0.453770, accuracy 83.9% (8386/10000)  2.83 s in step()
            epoch   2/5  loss 0.383852  lr 0.001000  test loss 0.418173, accuracy 85.3% (8530/10000)  1.11 s in step()
            epoch   3/5  loss 0.344080  lr 0.001000  test loss 0.388198, accuracy 85.9% (8585/10000)  1.24 s in step()
            epoch   4/5  loss 0.317157  lr 0.001000  test loss 0.385314, accuracy 86.1% (8608/10000)  1.16 s in step()
            epoch   5/5  loss 0.301484  lr 0.001000  test loss 0.364606, accuracy 86.5% (8652/10000)  1.22 s in step()
            final loss 0.134482, training accuracy 89.2% (53515/60000), test loss 0.364606, accuracy 86.5% (8652/10000); 7562.4 ms in step(), 3224.9 µs per step
            wrote parameters to /tmp/g.npz
            """;

    @Test
    void readsAccuracyStepTimeAndEpochsFromTheJobsOutput() {
        EndToEnd.Run r = new EndToEnd.Run(13.4, 15.9, 0.9, 16.8, 935, GRADC_FASHION);
        assertEquals(86.5, r.accuracy(EndToEnd.TEST_ACCURACY));
        assertEquals(89.2, r.accuracy(EndToEnd.TRAIN_ACCURACY));
        assertEquals(3224.9, r.usPerStep());
        assertEquals(List.of(2.83, 1.11, 1.24, 1.16, 1.22), r.epochSeconds());
        assertEquals(2.83 / 1.19, r.firstEpochRatio(), 1e-9); // median of 1.11, 1.24, 1.16, 1.22
        EndToEnd.Run moons = new EndToEnd.Run(2, 2, 0, 2, 250, "blas: OpenBLAS 0.3.21 DYNAMIC_ARCH SkylakeX, kernel SkylakeX\n"
                + "step  100/100  loss 0.012724  accuracy 100.0%  lr 0.1090\n"
                + "final loss 0.012674, training accuracy 100.0% (100/100); 37.3 ms in step(), 372.9 µs per step\n");
        assertEquals(100.0, moons.accuracy(EndToEnd.TRAIN_ACCURACY));
        assertNull(moons.accuracy(EndToEnd.TEST_ACCURACY));
        assertNull(moons.firstEpochRatio());
        java.util.regex.Matcher b = EndToEnd.PEER_BLAS.matcher(moons.output());
        assertTrue(b.find());
        assertEquals("SkylakeX", b.group(2));
    }
}
