package dev.gradc.runtime.internal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The core's float32 fused multiply-add peak as the Vector API reaches it: a register-only loop of
 * independent FMA chains at the preferred species: 12, more than two pipes of 4-cycle latency need
 * and few enough (with two constants) for 16 registers, as the asm probe in PERF-NOTES. What
 * the matrix kernels' GFLOP/s are measured against (bench/kernels). Loaded only when the incubator
 * module is present; a multiply-add counts as two FLOPs.
 */
public final class FmaPeak {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static volatile float sink;

    private FmaPeak() {}

    /** The vector width in bits and the chains the probe runs, for reports. */
    public static String describe() {
        return S.vectorBitSize() + "-bit vectors, 12 independent FMA chains";
    }

    /**
     * GFLOP/s of one run of about {@code millis} ms on the calling thread, by its CPU time (time the
     * thread was descheduled does not count; a busy sibling hyperthread still does). The first call
     * also compiles the loop.
     */
    public static double gflops(int millis) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int steps = 1 << 16; // an int counter: C2 optimizes int loops, not long ones
        while (true) {
            long t0 = mx.getCurrentThreadCpuTime();
            sink = chains12(steps);
            long dt = mx.getCurrentThreadCpuTime() - t0;
            if (dt >= millis * 1_000_000L || steps >= 1 << 30) {
                return 2.0 * 12 * S.length() * steps / dt;
            }
            steps *= 2;
        }
    }

    /** 12 independent chains of {@code x = x·m + d}; returns the lanes' sum so that nothing is dead code. */
    private static float chains12(int steps) {
        FloatVector m = FloatVector.broadcast(S, 0.999999f), d = FloatVector.broadcast(S, 1e-7f);
        FloatVector x0 = FloatVector.broadcast(S, 1f), x1 = FloatVector.broadcast(S, 2f), x2 = FloatVector.broadcast(S, 3f), x3 = FloatVector.broadcast(S, 4f);
        FloatVector x4 = FloatVector.broadcast(S, 5f), x5 = FloatVector.broadcast(S, 6f), x6 = FloatVector.broadcast(S, 7f), x7 = FloatVector.broadcast(S, 8f);
        FloatVector x8 = FloatVector.broadcast(S, 9f), x9 = FloatVector.broadcast(S, 10f), x10 = FloatVector.broadcast(S, 11f), x11 = FloatVector.broadcast(S, 12f);
        for (int s = 0; s < steps; s++) {
            x0 = x0.fma(m, d); x1 = x1.fma(m, d); x2 = x2.fma(m, d); x3 = x3.fma(m, d); x4 = x4.fma(m, d); x5 = x5.fma(m, d);
            x6 = x6.fma(m, d); x7 = x7.fma(m, d); x8 = x8.fma(m, d); x9 = x9.fma(m, d); x10 = x10.fma(m, d); x11 = x11.fma(m, d);
        }
        FloatVector sum = x0.add(x1).add(x2).add(x3).add(x4).add(x5).add(x6).add(x7).add(x8).add(x9).add(x10).add(x11);
        return sum.reduceLanes(VectorOperators.ADD);
    }
}
