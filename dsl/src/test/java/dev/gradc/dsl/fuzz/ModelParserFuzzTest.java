package dev.gradc.dsl.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gradc.dsl.CompileException;
import dev.gradc.dsl.Diagnostic;
import dev.gradc.dsl.ExprPrinter;
import dev.gradc.dsl.Model;
import dev.gradc.dsl.ModelParser;
import dev.gradc.dsl.Source;

/**
 * Coverage-guided fuzzing of the front end: any bytes, read as a model file, give a model or a
 * {@link CompileException} whose every diagnostic has a position inside the file, and nothing else,
 * within {@value #SECONDS} seconds. In {@code mvn verify} this runs over the committed inputs in
 * {@code src/test/resources/dev/gradc/dsl/fuzz/ModelParserFuzzTestInputs/parse} (every sample and
 * benchmark model, and reproducers of issue 11); README, Tests, has the command that fuzzes.
 */
class ModelParserFuzzTest {
    static final int SECONDS = 10;

    @FuzzTest(maxDuration = "10m")
    @DictionaryEntries({"class ", "Input ", "Param ", "Tensor ", "Optimizer ", "Clip ", "static final int ", "static final double ",
            "Param[] ", "input(batch, ", "zeros(", "uniform(-1, 1, ", "repeat(", "matmul(", "relu(", "tanh(", "sum(", "mean(",
            "reshape(", "softmax(", "crossEntropy(", "oneHot(", "sgd(", "adam(", "clipNorm(", "loss()", "return ", "batch",
            "for (int i = 0; i < ", "; i++) ", "+=", "1e-4", "0x7fffffff", "2147483647", "{", "}", "(", ")", "[", "]", ";"})
    void parse(byte[] bytes) {
        long start = System.nanoTime(), work = workNanos();
        check(bytes);
        // The stated bound, generous: slow input is a finding. Not JUnit's @Timeout, which in fuzzing
        // mode would time the whole run.
        assertTrue(workNanos() - work < SECONDS * 1_000_000_000L, "used more than " + SECONDS + " s of CPU");
        assertTrue(System.nanoTime() - start < 10 * SECONDS * 1_000_000_000L, "took more than " + 10 * SECONDS + " s");
    }

    private static void check(byte[] bytes) {
        Source source;
        try {
            source = Source.decode("Fuzz.grad", bytes);
        } catch (CompileException notUtf8) {
            checkPositions(notUtf8, bytes.length);
            return;
        }
        try {
            Model m = ModelParser.parse(source);
            // What explain prints of the model must print, however deep or shared its expressions.
            assertFalse(ExprPrinter.print(m).isEmpty());
        } catch (CompileException e) {
            checkPositions(e, source.text().length());
        }
    }

    /** Every diagnostic is at a line and column of the file (or just past its end), and formats. */
    static void checkPositions(CompileException e, int length) {
        for (Diagnostic d : e.diagnostics()) {
            assertTrue(d.pos().line() >= 1 && d.pos().column() >= 1, d.format());
            assertTrue(d.pos().line() <= length + 1 && d.pos().column() <= length + 1, d.format());
            assertFalse(d.message().isBlank(), d.format());
        }
        assertFalse(e.getMessage().isEmpty());
    }

    /**
     * CPU time of the threads that do a check's work: this one and the front end's parse threads.
     * The bound is on work, not on wall time, which another process on the cores stretches (a
     * 30-second bound failed at a load average of 20 on 2 cores); wall time gets a bound ten times
     * larger, for work that blocks.
     */
    static long workNanos() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = threads.getCurrentThreadCpuTime();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("gradc-parse")) sum += Math.max(0, threads.getThreadCpuTime(t.getId()));
        }
        return sum;
    }
}
