package dev.gradc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gradc.runtime.DType;
import dev.gradc.runtime.DataException;
import dev.gradc.runtime.Trainer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A label that is not a class index is refused before the step reads it, naming the input, the row and the value. */
class LabelsTest {
    static Trainer classifier() {
        return TestModels.compile("""
                class C {
                    Input x = input(batch, 2);
                    Input y = input(batch);
                    Param w = uniform(-1, 1, 2, 3);
                    Tensor loss() { return crossEntropy(matmul(x, w), y); }
                    Optimizer o = sgd(0.1);
                }
                """, DType.FLOAT32).newTrainer(3, 1);
    }

    @ParameterizedTest
    @CsvSource({"7, 7", "-1, -1", "1.5, 1.5", "1e9, 1000000000", "NaN, NaN", "3, 3"})
    void aLabelOutsideTheClassesIsAnError(double label, String shown) {
        Trainer t = classifier();
        t.input("x").copyFrom(new double[] {1, 2, 3, 4, 5, 6});
        t.input("y").copyFrom(new double[] {0, 2, label});
        double[] before = t.param("w").toDoubleArray();
        DataException e = assertThrows(DataException.class, t::step);
        assertEquals("C: input 'y' holds " + shown + " at row 2 (element 2), which is not a class index: expected an integer "
                + "from 0 to 2 (3 classes)", e.getMessage());
        assertEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(t.param("w").toDoubleArray()), "nothing trained");
        assertThrows(DataException.class, t::evaluateLoss);
        assertThrows(DataException.class, t::accumulate);
        t.input("y").copyFrom(new double[] {0, 2, 1});
        t.step();
    }
}
