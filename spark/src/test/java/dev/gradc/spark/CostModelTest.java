package dev.gradc.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulation's arithmetic (docs/distributed.md's tables come from it), on made-up figures. */
class CostModelTest {
    static CostModel.Model model(double params, double optimizerValues) {
        TreeMap<Integer, Double> steps = new TreeMap<>();
        steps.put(16, 0.001);
        steps.put(64, 0.004);
        steps.put(1024, 0.040);
        return new CostModel.Model("test", params, optimizerValues, steps, 0.0005, 0.010, new Properties());
    }

    @Test
    void stepTimesAreTheMeasuredOnesOrOnTheLineBetween() {
        CostModel.Model m = model(1000, 2000);
        assertEquals(0.001, m.step(16));
        assertEquals(0.0025, m.step(40), 1e-15);
        assertEquals(0.0005, m.step(8), 1e-15, "below the smallest: the line through the two smallest");
        assertEquals(0.040 + 0.036 / 960 * 976, m.step(2000), 1e-15, "above the largest: the line through the two largest");
    }

    @Test
    void roundsBytesAndCompute() {
        CostModel.Model m = model(1_000_000, 2_000_000);
        assertEquals(59, CostModel.rounds(true)); // ceil(60000 / 1024)
        assertEquals(8, CostModel.rounds(false)); // ceil(59 / 8)
        assertEquals(1_000_000, CostModel.values(m, true));
        assertEquals(3_000_000, CostModel.values(m, false), "averaging sends the optimizer state too");
        // 4 workers: no intermediate level, the driver takes 4 vectors of float64 sums.
        CostModel.Round r = CostModel.round(m, 4, 1e9, true);
        assertEquals(4 * 8e6 / 1e9, r.aggregate(), 1e-15);
        assertEquals(4e6 / 1e9 + 2 * 4e6 / 1e9, r.broadcast(), 1e-15);
        assertEquals(0.010 + 4 * CostModel.PER_TASK_SECONDS, r.fixed(), 1e-15);
        assertEquals(m.step(256), r.compute(), 1e-15);
        assertEquals(CostModel.H * m.step(256), CostModel.round(m, 4, 1e9, false).compute(), 1e-15);
        // 64 workers: treeAggregate's level (8 reducers of 8), so the driver takes 8 vectors, not 64.
        assertEquals(8, OrderedSum.groupsFor(64));
        CostModel.Round wide = CostModel.round(m, 64, 1e9, true);
        assertEquals((8 + 8) * 8e6 / 1e9 + CostModel.STAGE_SECONDS, wide.aggregate(), 1e-12);
        for (int w : CostModel.WORKERS) {
            assertTrue(CostModel.epoch(m, w, 25e9 / 8, true) < CostModel.epoch(m, w, 1e9 / 8, true), w + " workers: faster links are not faster");
        }
    }

    @Test
    void figuresMissingFromTheFileAreNamed(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("w.properties");
        Files.writeString(f, "model=x\nstep.ms.16=1\nstep.ms.32=2\nparams=10\n");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CostModel.Model.read(f)).getMessage().contains("missing optimizer.values"));
    }
}
