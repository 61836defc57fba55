package dev.gradc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading what the peers print, and the environment they are given. */
class PeersTest {
    @Test
    void readsThePyTorchPeersLine() {
        String line = "{\"workload\": \"W2\", \"median_us\": 1222.5, \"p10_us\": 1190.0, \"p90_us\": 1300.25, \"steps\": 2400, \"threads\": 1, "
                + "\"omp_num_threads\": \"1\", \"openblas_num_threads\": \"1\", \"openblas_coretype\": \"SkylakeX\", \"torch\": \"1.13.0a0\", "
                + "\"blas\": \"OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64, kernel SkylakeX\", \"kernel\": \"SkylakeX\"}";
        Map<String, String> m = Peers.parse(line);
        assertEquals("W2", m.get("workload"));
        assertEquals(1222.5, Double.parseDouble(m.get("median_us")));
        assertEquals("SkylakeX", m.get("kernel"));
        assertTrue(m.get("blas").startsWith("OpenBLAS 0.3.21"));
        assertEquals("1", m.get("threads"));
    }

    @Test
    void readsTheDl4jPeersLine() {
        String line = "{\"workload\": \"W4\", \"median_us\": 46018.00, \"p10_us\": 45000.10, \"p90_us\": 47000.00, \"steps\": 65, \"score\": null, "
                + "\"omp_num_threads\": \"1\", \"openblas_num_threads\": \"1\", \"threads\": \"nd4j max threads 1, master threads 1, openblas threads 1\", "
                + "\"openblas_coretype\": null, \"dl4j\": \"1.0.0-M2.1\", \"jvm\": \"17.0.15\", "
                + "\"blas\": \"OpenBLAS 0.3.19 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64, kernel SkylakeX (ND4J BLAS vendor OPENBLAS)\", \"kernel\": \"SkylakeX\"}";
        Map<String, String> m = Peers.parse(line);
        assertEquals(46018.0, Double.parseDouble(m.get("median_us")));
        assertNull(m.get("score"));
        assertTrue(m.containsKey("openblas_coretype"));
        assertNull(m.get("openblas_coretype"));
        assertEquals("nd4j max threads 1, master threads 1, openblas threads 1", m.get("threads"));
    }

    @Test
    void unescapesStringsAndRejectsNesting() {
        Map<String, String> m = Peers.parse("{\"a\": \"x \\\"q\\\" \\u00b5s\\\\\", \"b\": true}");
        assertEquals("x \"q\" µs\\", m.get("a"));
        assertEquals("true", m.get("b"));
        assertThrows(IllegalArgumentException.class, () -> Peers.parse("{\"a\": {\"b\": 1}}"));
    }

    @Test
    void aPeerResultAgainstAGenericKernelIsRefused() {
        assertFalse(new Peers.Result("PyTorch", "W1", 1, 368, "OpenBLAS 0.3.21", "SkylakeX", "SkylakeX").refusal() != null);
        assertTrue(new Peers.Result("PyTorch", "W1", 1, 368, "OpenBLAS 0.3.21", "Prescott", null).refusal() != null);
    }

    @Test
    void thePeersEnvironmentDropsInheritedOpenBlasSettings() {
        Map<String, String> env = new HashMap<>(Map.of("OPENBLAS_CORETYPE", "Haswell", "OPENBLAS_L2_SIZE", "524288",
                "OMP_WAIT_POLICY", "ACTIVE", "PATH", "/usr/bin"));
        Peers.environment(env, 1, "SkylakeX");
        assertEquals("SkylakeX", env.get("OPENBLAS_CORETYPE"));
        assertFalse(env.containsKey("OPENBLAS_L2_SIZE"));
        assertFalse(env.containsKey("OMP_WAIT_POLICY"));
        assertEquals("1", env.get("OMP_NUM_THREADS"));
        assertEquals("1", env.get("OPENBLAS_NUM_THREADS"));
        assertEquals("/usr/bin", env.get("PATH"));

        Peers.environment(env, 2, null);
        assertFalse(env.containsKey("OPENBLAS_CORETYPE"), "no type chosen: OpenBLAS chooses");
        assertEquals("2", env.get("OPENBLAS_NUM_THREADS"));
        assertEquals("PASSIVE", env.get("OMP_WAIT_POLICY"));
    }
}
