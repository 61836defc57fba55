package dev.gradc.compiler.ops;

import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ir.Shape;
import dev.gradc.compiler.ir.Size;
import java.util.List;

/** Reference-semantics iteration over a shape with one offset per operand: the interpreter's loops. */
final class Strided {
    private Strided() {}

    interface Body {
        /** {@code offsets[0]} is the output's, then one per input. */
        void at(int out, int[] in);
    }

    interface Iteration {
        void forEach(Body body);
    }

    /** Iterates over {@code out}'s elements, the inputs read with broadcasting. */
    static Iteration over(Shape out, int batch, List<Node> inputs) {
        int[] dims = out.at(batch);
        int[][] strides = new int[inputs.size() + 1][];
        strides[0] = concrete(out.strides(), batch);
        for (int i = 0; i < inputs.size(); i++) {
            strides[i + 1] = concrete(inputs.get(i).shape.broadcastStrides(out), batch);
        }
        return body -> run(dims, strides, body);
    }

    static int[] concrete(Size[] sizes, int batch) {
        int[] out = new int[sizes.length];
        for (int i = 0; i < sizes.length; i++) out[i] = Math.toIntExact(sizes[i].at(batch));
        return out;
    }

    /** Odometer over {@code dims}; operand j's offset is the dot product of the index and strides[j]. */
    static void run(int[] dims, int[][] strides, Body body) {
        for (int d : dims) if (d == 0) return;
        int rank = dims.length;
        int[] index = new int[rank];
        int[] offsets = new int[strides.length];
        int[] in = new int[strides.length - 1];
        while (true) {
            System.arraycopy(offsets, 1, in, 0, in.length);
            body.at(offsets[0], in);
            int axis = rank - 1;
            while (axis >= 0) {
                index[axis]++;
                for (int j = 0; j < strides.length; j++) offsets[j] += strides[j][axis];
                if (index[axis] < dims[axis]) break;
                for (int j = 0; j < strides.length; j++) offsets[j] -= strides[j][axis] * dims[axis];
                index[axis] = 0;
                axis--;
            }
            if (axis < 0) return;
        }
    }
}
