package dev.gradc.compiler.ops;

import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ir.Shape;
import dev.gradc.compiler.ir.Size;

/**
 * The loop shapes a kernel may take: an op's {@link Op#lower} picks one for its node, and the code
 * generator implements them (the IR never sees bytecode). Every shape writes the node's output
 * buffer; inputs are the node's inputs, read from their buffers (or, in a fused element-wise loop,
 * computed in the loop).
 */
public interface Lowering {
    /** The node being computed. */
    Node node();

    /** {@code out[i] = value} over the output's shape, {@link Scalar.In input j} read broadcast to it. */
    void pointwise(Scalar value);

    /** {@code out = op's identity; out[kept index] = combine(out[kept index], in[i])} over input 0's shape. */
    void reduce(Reduce op, Shape kept);

    /** {@code out[o, i] = index of the first largest in[o, k, i]} along {@code axis} of input 0. */
    void argmax(int axis);

    /** {@code out[i] = in0[i . inputStrides]} over the output's shape: a permuted copy. */
    void copyStrided(Size[] inputStrides);

    /** {@code out[outStart + i . outStrides] = input[inStart + i . inStrides]} over {@code dims}: one block copy. */
    void copyBlock(int input, Size[] dims, Size[] outStrides, Size outStart, Size[] inStrides, Size inStart);

    /** {@code out[0 .. size) = value}. */
    void fill(double value);

    /** {@code out[i] = i}. */
    void iota();

    /** {@code out = op(in0)·op(in1)} per matrix of a leading batch, on the runtime's matrix kernels. */
    void matmul(MatMul.Transpose t);

    /** {@code out[0] = } the node's own value: a constant or count that must live in a buffer. */
    void storeScalar();
}
