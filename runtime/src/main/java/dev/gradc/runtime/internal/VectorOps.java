package dev.gradc.runtime.internal;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The lanes of generated float32 element-wise kernels: one small static method per operation of
 * the compiler's scalar vocabulary that has a vector form, on the preferred species. Each computes
 * exactly what the scalar kernels compute for one element (IEEE arithmetic, and {@link FloatMath}'s
 * exp, tanh and sigmoid repeated operation for operation), so a kernel's vector and scalar paths give
 * the same bits. Loaded only when {@code jdk.incubator.vector} is present; the JIT inlines the
 * methods into the kernels, where no vector is ever boxed.
 */
public final class VectorOps {
    private VectorOps() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final FloatVector ZERO = FloatVector.zero(S), ONE = FloatVector.broadcast(S, 1f);
    private static final FloatVector LOG2E = FloatVector.broadcast(S, FloatMath.LOG2E), ROUNDER = FloatVector.broadcast(S, FloatMath.ROUNDER);
    private static final FloatVector LN2_HI = FloatVector.broadcast(S, -FloatMath.LN2_HI), LN2_LO = FloatVector.broadcast(S, -FloatMath.LN2_LO);
    private static final FloatVector EXP_MAX = FloatVector.broadcast(S, FloatMath.EXP_MAX), EXP_MIN = FloatVector.broadcast(S, FloatMath.EXP_MIN);
    private static final FloatVector INF = FloatVector.broadcast(S, Float.POSITIVE_INFINITY);
    private static final FloatVector Q0 = FloatVector.broadcast(S, FloatMath.Q0), Q1 = FloatVector.broadcast(S, FloatMath.Q1),
            Q2 = FloatVector.broadcast(S, FloatMath.Q2), Q3 = FloatVector.broadcast(S, FloatMath.Q3), Q4 = FloatVector.broadcast(S, FloatMath.Q4);
    private static final FloatVector P0 = FloatVector.broadcast(S, FloatMath.P0), P1 = FloatVector.broadcast(S, FloatMath.P1),
            P2 = FloatVector.broadcast(S, FloatMath.P2), P3 = FloatVector.broadcast(S, FloatMath.P3), P4 = FloatVector.broadcast(S, FloatMath.P4),
            P5 = FloatVector.broadcast(S, FloatMath.P5);
    private static final FloatVector R0 = FloatVector.broadcast(S, FloatMath.R0), R1 = FloatVector.broadcast(S, FloatMath.R1),
            R2 = FloatVector.broadcast(S, FloatMath.R2), R3 = FloatVector.broadcast(S, FloatMath.R3);
    private static final FloatVector LIMIT = FloatVector.broadcast(S, FloatMath.TANH_LIMIT), MINUS_LIMIT = LIMIT.neg(), MINUS_ONE = ONE.neg();

    /**
     * Lanes per vector.
     *
     * @return the preferred species' length
     */
    public static int lanes() {
        return S.length();
    }

    /**
     * The lanes of {@code a} from {@code i}.
     *
     * @param a the array
     * @param i the first element
     * @return a vector of {@link #lanes()} elements
     */
    public static FloatVector load(float[] a, int i) {
        return FloatVector.fromArray(S, a, i);
    }

    /**
     * Writes the lanes of {@code v} into {@code a} from {@code i}.
     *
     * @param v the vector
     * @param a the array
     * @param i the first element
     */
    public static void store(FloatVector v, float[] a, int i) {
        v.intoArray(a, i);
    }

    /**
     * Every lane {@code x}.
     *
     * @param x the value
     * @return the vector
     */
    public static FloatVector broadcast(float x) {
        return FloatVector.broadcast(S, x);
    }

    /**
     * {@code a + b}, lane by lane.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the result
     */
    public static FloatVector add(FloatVector a, FloatVector b) { return a.add(b); }
    /**
     * {@code a - b}, lane by lane.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the result
     */
    public static FloatVector sub(FloatVector a, FloatVector b) { return a.sub(b); }
    /**
     * {@code a * b}, lane by lane.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the result
     */
    public static FloatVector mul(FloatVector a, FloatVector b) { return a.mul(b); }
    /**
     * {@code a / b}, lane by lane.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the result
     */
    public static FloatVector div(FloatVector a, FloatVector b) { return a.div(b); }
    /**
     * {@code -a}, lane by lane.
     *
     * @param a the operand
     * @return the result
     */
    public static FloatVector neg(FloatVector a) { return a.neg(); }
    /**
     * The larger of a and b, lane by lane.
     *
     * @param a the first operand
     * @param b the second operand
     * @return the result
     */
    public static FloatVector max(FloatVector a, FloatVector b) { return a.max(b); }
    /**
     * The smaller of a and b, lane by lane.
     *
     * @param a the first operand
     * @param b the second operand
     * @return the result
     */
    public static FloatVector min(FloatVector a, FloatVector b) { return a.min(b); }
    /**
     * {@code |a|}, lane by lane.
     *
     * @param a the operand
     * @return the result
     */
    public static FloatVector abs(FloatVector a) { return a.abs(); }
    /**
     * The square root, lane by lane.
     *
     * @param a the operand
     * @return the result
     */
    public static FloatVector sqrt(FloatVector a) { return a.sqrt(); }

    // 1 where the comparison holds, else 0; NaN compares false except for ne.
    /**
     * 1 where {@code a > b}, else 0, lane by lane.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the mask as 0/1 values
     */
    public static FloatVector gt(FloatVector a, FloatVector b) { return ZERO.blend(ONE, a.compare(VectorOperators.GT, b)); }
    /**
     * 1 where {@code a >= b}, else 0, lane by lane.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the mask as 0/1 values
     */
    public static FloatVector ge(FloatVector a, FloatVector b) { return ZERO.blend(ONE, a.compare(VectorOperators.GE, b)); }
    /**
     * 1 where {@code a < b}, else 0, lane by lane.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the mask as 0/1 values
     */
    public static FloatVector lt(FloatVector a, FloatVector b) { return ZERO.blend(ONE, a.compare(VectorOperators.LT, b)); }
    /**
     * 1 where {@code a <= b}, else 0, lane by lane.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the mask as 0/1 values
     */
    public static FloatVector le(FloatVector a, FloatVector b) { return ZERO.blend(ONE, a.compare(VectorOperators.LE, b)); }
    /**
     * 1 where {@code a == b}, else 0, lane by lane.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the mask as 0/1 values
     */
    public static FloatVector eq(FloatVector a, FloatVector b) { return ZERO.blend(ONE, a.compare(VectorOperators.EQ, b)); }
    /**
     * 1 where {@code a != b}, else 0, lane by lane.
     *
     * @param a the left operand
     * @param b the right operand
     * @return the mask as 0/1 values
     */
    public static FloatVector ne(FloatVector a, FloatVector b) { return ZERO.blend(ONE, a.compare(VectorOperators.NE, b)); }

    /**
     * {@code a} where {@code mask != 0} (NaN included, as {@code !=} in Java), else {@code b}.
     *
     * @param mask the condition, lane by lane
     * @param a lanes where it holds
     * @param b lanes where it does not
     * @return the selection
     */
    public static FloatVector select(FloatVector mask, FloatVector a, FloatVector b) {
        return b.blend(a, mask.compare(VectorOperators.NE, ZERO));
    }

    /**
     * {@link FloatMath#exp}, lane by lane.
     *
     * @param x the exponent
     * @return e to the x, as {@link FloatMath#exp} gives it lane by lane
     */
    public static FloatVector exp(FloatVector x) {
        FloatVector clamped = x.max(EXP_MIN).min(EXP_MAX);
        FloatVector t = clamped.mul(LOG2E).add(ROUNDER);
        FloatVector n = t.sub(ROUNDER);
        FloatVector r = n.fma(LN2_HI, clamped);
        r = n.fma(LN2_LO, r);
        FloatVector q = Q4.fma(r, Q3).fma(r, Q2).fma(r, Q1).fma(r, Q0);
        FloatVector p = r.mul(r).fma(q, r).add(ONE);
        IntVector k = t.reinterpretAsInts().sub(FloatMath.ROUNDER_BITS); // no conversion: n is in t's low bits
        IntVector half = k.lanewise(VectorOperators.ASHR, 1);
        FloatVector s1 = half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector s2 = k.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats();
        FloatVector scaled = p.mul(s1).mul(s2);
        VectorMask<Float> over = x.compare(VectorOperators.GT, EXP_MAX), under = x.compare(VectorOperators.LT, EXP_MIN);
        return scaled.blend(INF, over).blend(ZERO, under);
    }

    /**
     * {@link FloatMath#tanh}, lane by lane.
     *
     * @param x the argument
     * @return tanh x, as {@link FloatMath#tanh} gives it lane by lane
     */
    public static FloatVector tanh(FloatVector x) {
        FloatVector c = x.max(MINUS_LIMIT).min(LIMIT);
        FloatVector z = c.mul(c);
        FloatVector p = P5.fma(z, P4).fma(z, P3).fma(z, P2).fma(z, P1).fma(z, P0);
        FloatVector q = R3.fma(z, R2).fma(z, R1).fma(z, R0);
        return c.mul(p.div(q)).max(MINUS_ONE).min(ONE);
    }

    /**
     * {@link FloatMath#sigmoid}, lane by lane.
     *
     * @param x the argument
     * @return 1 / (1 + e^-x), as {@link FloatMath#sigmoid} gives it lane by lane
     */
    public static FloatVector sigmoid(FloatVector x) {
        return ONE.div(ONE.add(exp(x.neg())));
    }
}
