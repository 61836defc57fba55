package dev.gradc.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The core's float32 FMA peak as Java reaches it: a register-only Vector API loop over 12
 * independent accumulator vectors of {@link FloatVector#SPECIES_PREFERRED}, one thread. 12 chains
 * cover the FMA latency (4-5 cycles) times the FMA ports (2) with room to spare, and with the two
 * operand vectors fit in AVX2's 16 vector registers (no spills) as well as AVX-512's 32.
 * {@code bench/compare} divides each workload's product GFLOP/s by this figure, and
 * {@code bench/kernels} each product's ({@link #gflops}).
 *
 * <p>Each chain is {@code acc = x·y + acc}, the accumulator as the addend, as in a matrix product's
 * tile: on AMD Zen 1 the other form, {@code acc = acc·x + y}, ran at 31 against 47 GFLOP/s, and a
 * product's tile beat that "peak". Every accumulator is a named local, never an array element: a
 * {@code FloatVector[]} boxes every vector (2 GFLOP/s).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
public class FmaPeakBenchmark {
    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;
    /** Loop trips per call: 12 FMAs each. */
    public static final int TRIPS = 4096;
    public static final int ACCUMULATORS = 12;

    // fields, so that the JIT cannot fold the operands
    public float x = 0.999999f, y = 1e-6f;

    /** FLOPs of one call (a multiply-add counts 2) at this JVM's preferred species. */
    public static long flopsPerCall() {
        return 2L * ACCUMULATORS * SPECIES.length() * TRIPS;
    }

    @Benchmark
    public float fma() {
        return loop(x, y, TRIPS);
    }

    static float loop(float xs, float ys, int trips) {
        FloatVector x = FloatVector.broadcast(SPECIES, xs), y = FloatVector.broadcast(SPECIES, ys);
        FloatVector a0 = FloatVector.broadcast(SPECIES, 0.1f), a1 = FloatVector.broadcast(SPECIES, 0.2f);
        FloatVector a2 = FloatVector.broadcast(SPECIES, 0.3f), a3 = FloatVector.broadcast(SPECIES, 0.4f);
        FloatVector a4 = FloatVector.broadcast(SPECIES, 0.5f), a5 = FloatVector.broadcast(SPECIES, 0.6f);
        FloatVector a6 = FloatVector.broadcast(SPECIES, 0.7f), a7 = FloatVector.broadcast(SPECIES, 0.8f);
        FloatVector a8 = FloatVector.broadcast(SPECIES, 0.9f), a9 = FloatVector.broadcast(SPECIES, 1.0f);
        FloatVector a10 = FloatVector.broadcast(SPECIES, 1.1f), a11 = FloatVector.broadcast(SPECIES, 1.2f);
        for (int i = 0; i < trips; i++) {
            // a = x * y + a: each chain depends only on itself
            a0 = x.fma(y, a0);
            a1 = x.fma(y, a1);
            a2 = x.fma(y, a2);
            a3 = x.fma(y, a3);
            a4 = x.fma(y, a4);
            a5 = x.fma(y, a5);
            a6 = x.fma(y, a6);
            a7 = x.fma(y, a7);
            a8 = x.fma(y, a8);
            a9 = x.fma(y, a9);
            a10 = x.fma(y, a10);
            a11 = x.fma(y, a11);
        }
        FloatVector s = a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11);
        return s.reduceLanes(VectorOperators.ADD);
    }

    private static volatile float sink;

    /** The probe's vector width and chains, for reports: e.g. {@code 256-bit vectors, 12 independent FMA chains}. */
    public static String describe() {
        return SPECIES.vectorBitSize() + "-bit vectors, " + ACCUMULATORS + " independent FMA chains";
    }

    /**
     * GFLOP/s of one run of about {@code millis} ms of the calling thread's CPU time (time it was
     * descheduled does not count; a busy sibling hyperthread still does), outside JMH. The first call
     * also compiles the loop.
     */
    public static double gflops(int millis) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int trips = 1 << 16; // an int counter: C2 optimizes int loops, not long ones
        while (true) {
            long t0 = mx.getCurrentThreadCpuTime();
            sink = loop(0.999999f, 1e-7f, trips);
            long dt = mx.getCurrentThreadCpuTime() - t0;
            if (dt >= millis * 1_000_000L || trips >= 1 << 30) return 2.0 * ACCUMULATORS * SPECIES.length() * trips / dt;
            trips *= 2;
        }
    }
}
