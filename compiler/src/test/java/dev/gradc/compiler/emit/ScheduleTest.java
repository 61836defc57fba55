package dev.gradc.compiler.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradc.compiler.Compiler;
import dev.gradc.compiler.ir.Graph;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ops.Leaf;
import dev.gradc.dsl.Source;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Optimizer updates write their parameter's or state's buffer in place, after every reader of the old value. */
class ScheduleTest {
    static Graph trained(String optimizer) {
        String text = """
                class S {
                    Input x = input(batch, 3);
                    Param w = uniform(-1, 1, 3, 2);
                    Param b = zeros(2);
                    Tensor loss() { return sum(pow(matmul(x, w) + b, 2)); }
                    Optimizer opt = OPTIMIZER;
                }
                """.replace("OPTIMIZER", optimizer);
        return Compiler.compile(new Source("S.grad", text), Compiler.Options.DEFAULT).trained();
    }

    @ParameterizedTest
    @ValueSource(strings = {"sgd(0.1)", "sgd(0.1, 0.9, 0.5, 0.01)", "sgd(0.1, 0.9, 0, 0, 1)", "adam()", "adamW()",
            "rmsprop(0.01, 0.99, 1e-8, 0, 0.9)", "adagrad(0.1, 0.01)"})
    void updatesAreInPlaceAndAfterTheOldValueIsRead(String optimizer) {
        Graph g = trained(optimizer);
        for (boolean fusion : new boolean[] {false, true}) {
            Schedule s = new Schedule(g, fusion);
            // step(), accumulate() and update() each write buffers in place
            check(g, g.updates(), s.step, s);
            check(g, g.accumulate(), s.accumulate, s);
            check(g, g.applyUpdates(), s.update, s);
        }
    }

    private static void check(Graph g, java.util.Map<String, Node> updates, java.util.List<Node> order, Schedule s) {
        assertTrue(s.copiedUpdates(updates).isEmpty(), "updates copied at the end: " + s.copiedUpdates(updates));
        updates.forEach((name, value) -> {
            Node leaf = g.nodes().stream().filter(n -> Leaf.isNamedBuffer(n) && Leaf.bufferName(n).equals(name)).findFirst().orElseThrow();
            assertSame(s.storage.get(leaf), s.storage.get(value), name + " is updated in place");
            int written = order.indexOf(value);
            for (int i = written + 1; i < order.size(); i++) {
                Node later = order.get(i);
                // a fused loop reads what its arguments say, including its fused nodes' inputs
                assertTrue(s.kernelArgs(later).stream().noneMatch(in -> in == leaf),
                        later + " reads the old " + name + " after " + value + " overwrote it");
            }
        });
        assertEquals(updates.size(), updates.values().stream().filter(order::contains).count());
    }
}
