package dev.gradc.bench;

import dev.gradc.runtime.Trainer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** One training step (forward, loss, backward, optimizer update) of a compiled workload, float32. */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 6, time = 1) // W4's first steps run the Vector API interpreted: half a second each
@Measurement(iterations = 5, time = 1)
public class StepBenchmark {
    @Param({"W1", "W2", "W3", "W4"})
    public Workload workload;

    @Param({"1"})
    public int threads;

    private Trainer trainer;

    @Setup
    public void compile() {
        trainer = workload.trainer(workload.compile());
        // bench/compare says which matrix-product path a fork must run (Vector API or plain Java);
        // a fork whose JVM flags did not give it that path fails rather than report the wrong one
        String expected = System.getProperty("gradc.bench.kernels");
        if (expected != null && !trainer.kernels().startsWith(expected)) {
            throw new IllegalStateException("expected matrix products on '" + expected + "', this JVM runs " + trainer.kernels());
        }
        trainer.setThreads(threads);
        trainer.setLearningRate(1e-4); // small steps keep the numbers in range over millions of steps
    }

    @TearDown
    public void close() {
        trainer.setThreads(1);
    }

    @Benchmark
    public void step() {
        trainer.step();
    }
}
