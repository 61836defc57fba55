package dev.gradc.compiler.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.gradc.compiler.Compilation;
import dev.gradc.compiler.Compiler;
import dev.gradc.dsl.CompileException;
import dev.gradc.dsl.Diagnostic;
import dev.gradc.dsl.Source;
import dev.gradc.runtime.Trainer;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.util.CheckClassAdapter;

/**
 * Coverage-guided fuzzing of the whole compiler: any bytes, read as a model file, either fail with
 * a {@link CompileException} positioned inside the file, or compile to a class that passes ASM's
 * {@code CheckClassAdapter} and whose trainer (batch 4) runs one {@code step()}; nothing else,
 * within {@value #SECONDS} seconds. In {@code mvn verify} this runs over the committed inputs in
 * {@code src/test/resources/dev/gradc/compiler/fuzz/CompilerFuzzTestInputs/compile}; README, Tests,
 * has the command that fuzzes. A trainer too large for the heap is a user's error too, when it
 * says how much it needs.
 */
class CompilerFuzzTest {
    static final int SECONDS = 30;

    @FuzzTest(maxDuration = "10m")
    @DictionaryEntries({"class M { ", "Input x = input(batch, 2); ", "Input y = input(batch); ", "Param w = zeros(2, 3); ",
            "Param[] ", "Tensor loss() { return ", "Tensor out() { return ", "Optimizer o = sgd(0.1); ", "adam(", "Clip c = clipNorm(1);",
            "matmul(", "relu(", "tanh(", "sum(", "mean(", "reshape(", "softmax(", "crossEntropy(", "oneHot(", "concat(", "slice(",
            "transpose(", "broadcastTo(", "logSumExp(", "dropout(", "where(", "argmax(", "batch", "for (int i = 0; i < ", "; i++) ",
            "65536", "-1", "0", "2147483647", "1e308", "{", "}", "(", ")", ";"})
    void compile(byte[] bytes) {
        long start = System.nanoTime(), work = workNanos();
        check(bytes);
        // The stated bound, generous: slow input is a finding. Not JUnit's @Timeout, which in fuzzing
        // mode would time the whole run.
        assertTrue(workNanos() - work < SECONDS * 1_000_000_000L, "used more than " + SECONDS + " s of CPU");
        assertTrue(System.nanoTime() - start < 10 * SECONDS * 1_000_000_000L, "took more than " + 10 * SECONDS + " s");
    }

    /** The invariant: a positioned compile error, or a verified class whose trainer steps. */
    static void check(byte[] bytes) {
        Source source;
        try {
            source = Source.decode("Fuzz.grad", bytes);
        } catch (CompileException notUtf8) {
            checkPositions(notUtf8, new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
            return;
        }
        Compilation c;
        try {
            c = Compiler.compile(source, Compiler.Options.DEFAULT);
        } catch (CompileException e) {
            checkPositions(e, source.text());
            return;
        }
        StringWriter report = new StringWriter();
        CheckClassAdapter.verify(new ClassReader(c.classBytes()), CompilerFuzzTest.class.getClassLoader(), false, new PrintWriter(report));
        assertEquals("", report.toString(), "CheckClassAdapter");
        Trainer t;
        try {
            t = c.newTrainer(4, 1);
        } catch (dev.gradc.runtime.TrainerTooLargeException tooLarge) { // says how much it needs: a user's error
            assertTrue(tooLarge.getMessage().contains("needs"), tooLarge.getMessage());
            return;
        }
        t.step();
    }

    /** Every diagnostic names a line of the file (or the one just past its end) and says something. */
    static void checkPositions(CompileException e, String text) {
        int lines = text.split("\r\n|\r| ", -1).length; // as Source and JavaParser count them
        for (Diagnostic d : e.diagnostics()) {
            boolean inside = d.pos().line() >= 1 && d.pos().column() >= 1 && d.pos().line() <= lines + 1;
            assertTrue(inside && !d.message().isBlank(), d.format());
        }
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
