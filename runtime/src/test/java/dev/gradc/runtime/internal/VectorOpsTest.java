package dev.gradc.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.UnaryOperator;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** Each vector function gives, lane for lane, the very bits of its scalar twin in FloatMath. */
class VectorOpsTest {
    static void sameBits(String name, UnaryOperator<FloatVector> vector, java.util.function.Function<Float, Float> scalar) {
        int lanes = VectorOps.lanes();
        float[] x = new float[lanes], out = new float[lanes];
        java.util.Random r = new java.util.Random(1);
        float[] special = {0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 88.72283f, 88.7229f, -87.33654f,
                -87.34f, -103.9f, 9f, -9f, 8.999999f, 1e-30f, Float.MIN_VALUE, -20f, 100f};
        for (int round = 0; round < 20_000; round++) {
            for (int i = 0; i < lanes; i++) {
                int pick = round * lanes + i;
                x[i] = pick < special.length ? special[pick] : round % 3 == 0 ? (float) r.nextGaussian() * 3
                        : round % 3 == 1 ? (r.nextFloat() - 0.5f) * 200 : Float.intBitsToFloat(r.nextInt());
            }
            vector.apply(FloatVector.fromArray(VectorOps.S, x, 0)).intoArray(out, 0);
            for (int i = 0; i < lanes; i++) {
                assertEquals(Float.floatToRawIntBits(scalar.apply(x[i])), Float.floatToRawIntBits(out[i]), name + "(" + x[i] + ")");
            }
        }
    }

    @Test
    void expIsFloatMathsExp() {
        sameBits("exp", VectorOps::exp, FloatMath::exp);
    }

    @Test
    void tanhIsFloatMathsTanh() {
        sameBits("tanh", VectorOps::tanh, FloatMath::tanh);
    }

    @Test
    void sigmoidIsFloatMathsSigmoid() {
        sameBits("sigmoid", VectorOps::sigmoid, FloatMath::sigmoid);
    }
}
