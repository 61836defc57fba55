package dev.gradc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradc.compiler.ir.DotPrinter;
import dev.gradc.compiler.ir.Graph;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.plan.Plan;
import dev.gradc.runtime.DType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The DOT picture of a graph: a box per node, an arrow per operand, kernels as clusters; Graphviz reads it where installed. */
class DotTest {
    @Test
    void moonsForwardAndPlan() throws Exception {
        Compilation c = TestModels.moons(DType.FLOAT32);
        Graph g = c.forward();
        String dot = DotPrinter.print(g, Map.of());
        List<Node> needed = g.needed(g.allRoots());
        int edges = needed.stream().mapToInt(n -> n.inputs.size()).sum();
        assertEquals(needed.size(), dot.lines().filter(l -> l.matches("\\s*n\\d+ \\[label=.*")).count(), dot);
        assertEquals(edges, dot.lines().filter(l -> l.matches("\\s*n\\d+ -> n\\d+;")).count(), dot);
        assertTrue(dot.contains("matmul[NN]\\n[batch, 16]\\nline 14:26"), dot);
        Map<String, List<Node>> kernels = new LinkedHashMap<>();
        for (Plan.Kernel k : c.plan().kernels()) {
            List<Node> nodes = new ArrayList<>(k.fused());
            nodes.add(k.root());
            kernels.put("k" + k.id(), nodes);
        }
        String plan = DotPrinter.print(c.optimized(), kernels);
        long clusters = kernels.values().stream().filter(n -> n.size() > 1).count();
        assertEquals(clusters, plan.lines().filter(l -> l.contains("subgraph \"cluster_k")).count());
        for (String text : List.of(dot, plan)) renders(text);
    }

    /** Runs {@code dot -Tsvg} on the text where Graphviz is installed: it must accept it. */
    private static void renders(String text) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/dot"))) return;
        Path file = Files.createTempFile("gradc", ".dot");
        try {
            Files.writeString(file, text);
            Process p = new ProcessBuilder("/usr/bin/dot", "-Tsvg", file.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), out);
            assertTrue(out.contains("<svg"), out);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
