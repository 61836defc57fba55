package dev.gradc.compiler.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradc.compiler.Compiler;
import dev.gradc.compiler.ir.Graph;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ops.Leaf;
import dev.gradc.dsl.Source;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Optimizer updates write their parameter's or state's buffer in place, after every kernel that
 * reads the old value; no two temporaries live in one buffer at once.
 */
class PlanTest {
    static Graph trained(String optimizer) {
        String text = """
                class S {
                    Input x = input(batch, 3);
                    Param w = uniform(-1, 1, 3, 2);
                    Param b = zeros(2);
                    Tensor loss() { return sum(pow(matmul(x, w) + b, 2)); }
                    Tensor out() { return tanh(matmul(x, w)) * 2 + 1; }
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
        for (Planner.Options options : List.of(Planner.Options.NONE, Planner.Options.ALL, new Planner.Options(true, false, false, true))) {
            Plan p = Planner.plan(g, options);
            // step(), accumulate() and update() each write buffers in place
            check(g, g.updates(), p.entryPoint("step"), p);
            check(g, g.accumulate(), p.entryPoint("accumulate"), p);
            check(g, g.applyUpdates(), p.entryPoint("update"), p);
            for (Plan.EntryPoint e : p.entryPoints()) noBufferHoldsTwoLiveValues(e, p);
        }
    }

    private static void check(Graph g, Map<String, Node> updates, Plan.EntryPoint e, Plan p) {
        assertTrue(e.copies().isEmpty(), "updates copied at the end: " + e.copies());
        updates.forEach((name, value) -> {
            Node leaf = g.nodes().stream().filter(n -> Leaf.isNamedBuffer(n) && Leaf.bufferName(n).equals(name)).findFirst().orElseThrow();
            int target = p.bindings().get(leaf.op.name + " " + name);
            List<Plan.Call> calls = e.calls();
            int written = -1;
            for (int i = 0; i < calls.size(); i++) if (calls.get(i).kernel().root() == value) written = i;
            assertTrue(written >= 0, name + "'s update runs in " + e.name());
            assertEquals(target, calls.get(written).out(), name + " is updated in place");
            for (int i = written + 1; i < calls.size(); i++) {
                // a fused loop reads what its arguments say, including its fused nodes' inputs
                Plan.Call later = calls.get(i);
                assertTrue(later.kernel().reads().stream().noneMatch(in -> Planner.viewOf(in) == leaf),
                        later.kernel().root() + " reads the old " + name + " after " + value + " overwrote it");
            }
        });
    }

    /** Every kernel finds what it reads in the buffers it is given: no temporary is overwritten while still to be read. */
    private static void noBufferHoldsTwoLiveValues(Plan.EntryPoint e, Plan p) {
        Set<Integer> named = new HashSet<>(p.bindings().values());
        Map<Integer, Node> holds = new java.util.HashMap<>();
        for (Plan.Call c : e.calls()) {
            for (int i = 0; i < c.args().size(); i++) {
                int b = c.args().get(i);
                if (named.contains(b)) continue;
                Node wanted = Planner.viewOf(c.kernel().reads().get(i));
                assertEquals(wanted, holds.get(b), c.kernel().root() + " reads " + wanted + " from b" + b + " in " + e.name() + "\n" + p);
            }
            holds.put(c.out(), c.kernel().root());
        }
    }

    /**
     * The optimizer's update kernels of parameters of different sizes are flat and share their
     * methods (w is 3x2, b 2, on one line); a mean's gradient, which divides by a count of the
     * batch, is not flat, since its count reads the batch argument its call would fill with a length.
     */
    @ParameterizedTest
    @ValueSource(strings = {"adam()", "sgd(0.1, 0.9)"})
    void kernelsThatDifferOnlyInLengthShareAMethod(String optimizer) {
        Graph g = trained(optimizer);
        Plan p = Planner.plan(g, Planner.Options.ALL);
        Node w = g.updates().get("w"), b = g.updates().get("b");
        Plan.Kernel kw = kernelOf(p, w), kb = kernelOf(p, b);
        assertTrue(kw.flat() && kb.flat(), kw + " / " + kb);
        assertEquals(kw.method(), kb.method());

        String text = """
                class M {
                    Input x = input(batch, 3);
                    Param w = uniform(-1, 1, 3, 2);
                    Tensor loss() { return mean(pow(matmul(x, w), 2)); }
                    Optimizer opt = sgd(0.1);
                }
                """;
        Graph m = Compiler.compile(new Source("M.grad", text), Compiler.Options.DEFAULT).trained();
        Plan pm = Planner.plan(m, Planner.Options.ALL);
        boolean dividesByTheBatch = false;
        for (Plan.Kernel k : pm.kernels()) {
            List<Node> computed = new java.util.ArrayList<>(k.fused());
            computed.add(k.root());
            for (Node n : computed) {
                for (Node in : n.inputs) {
                    if (in.op == Leaf.COUNT && !Leaf.COUNT.attr(in).size().isConstant()) {
                        dividesByTheBatch = true;
                        assertTrue(!k.flat(), k.toString());
                    }
                }
            }
        }
        assertTrue(dividesByTheBatch, "the mean's gradient counts the batch");
    }

    private static Plan.Kernel kernelOf(Plan p, Node root) {
        return p.kernels().stream().filter(k -> k.root() == root).findFirst().orElseThrow();
    }
}
