package dev.gradc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.gradc.compiler.ir.Graph;
import dev.gradc.compiler.ir.GraphBuilder;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ir.Roles;
import dev.gradc.compiler.ir.Shape;
import dev.gradc.compiler.ir.Verifier;
import dev.gradc.compiler.ops.Leaf;
import dev.gradc.runtime.DType;
import dev.gradc.runtime.internal.Initializer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The IR verifier passes every stage of a real model and names what is wrong with a broken graph. */
class VerifierTest {
    @Test
    void everyStageOfMoonsIsWellFormed() {
        Compilation c = TestModels.moons(DType.FLOAT32);
        for (Graph g : List.of(c.forward(), c.backward(), c.trained(), c.optimized())) assertNull(Verifier.problem(g));
    }

    @Test
    void aRoleFromAnotherGraph() {
        Compilation a = TestModels.moons(DType.FLOAT32), b = TestModels.moons(DType.FLOAT64);
        Graph mixed = new Graph("Moons", a.forward().nodes(), b.forward().roles());
        assertEquals("loss is %34, not a node of this graph", Verifier.problem(mixed));
    }

    @Test
    void twoLeavesWithOneName() {
        GraphBuilder b = new GraphBuilder(null, "T");
        b.input("x", Shape.of(2));
        Node y = b.input("x", Shape.of(3));
        assertEquals("two leaves are named x: %0 and %1", Verifier.problem(b.graph(Roles.forward(null, null, Map.of("y", y)))));
    }

    @Test
    void anUpdateOfTheWrongShape() {
        GraphBuilder b = new GraphBuilder(null, "T");
        Node w = b.param(new Leaf.Param("w", Initializer.byName("zeros"), List.of()), Shape.of(2));
        Node v = b.input("v", Shape.of(3));
        Graph g = b.graph(Roles.forward(null, null, Map.of()).withUpdates(Map.of("w", v)));
        assertEquals("update w has shape [3], the buffer [2]", Verifier.problem(g));
        assertEquals("update v writes the input, not a parameter or state", Verifier.problem(b.graph(Roles.forward(null, null, Map.of()).withUpdates(Map.of("v", w)))));
    }
}
