package dev.gradc.compiler.emit;

import static org.objectweb.asm.Type.INT_TYPE;

import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ir.Shape;
import dev.gradc.compiler.ir.Size;
import dev.gradc.compiler.ops.Elementwise;
import dev.gradc.compiler.ops.Leaf;
import dev.gradc.compiler.ops.Lowering;
import dev.gradc.compiler.ops.MatMul;
import dev.gradc.compiler.ops.Reduce;
import dev.gradc.compiler.ops.Scalar;
import dev.gradc.compiler.plan.Plan;
import dev.gradc.runtime.internal.Workers;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.objectweb.asm.Label;
import org.objectweb.asm.Type;
import org.objectweb.asm.commons.GeneratorAdapter;
import org.objectweb.asm.commons.Method;

/**
 * The static method of one kernel: {@code static void kN_op(T[] out, T[] in..., int batch)} with one
 * array argument per buffer it reads (inline scalars are pushed as constants). It implements the
 * loop shapes of {@link Lowering}, emitting loops over {@code int} indices; the kernel's op picks one.
 */
final class KernelEmitter implements Lowering {
    private static final Type ARRAYS = Type.getType(java.util.Arrays.class);
    private static final Type MATH = Type.getType(Math.class);
    private static final Type WORKERS = Type.getType(Workers.class);

    private final Node node;
    private final GeneratorAdapter g;
    private final Type elem;
    private final Type array;
    /** The array argument holding each buffer the kernel reads (the output is argument 0). */
    private final Map<Node, Integer> argOf = new LinkedHashMap<>();
    /** For each input of the node: its argument index, or -1 when it is an inline scalar or fused. */
    private final int[] inputArg;
    private final Set<Node> fused;
    private final int batchArg;
    /** A flat kernel: its batch argument is its length (Plan.Kernel.flat). */
    private final boolean flat;
    /** The argument holding this kernel's part of a split loop, or -1 (then {@code parts} follows it). */
    private final int partArg;
    /** Whether this is the kernel's Vector API variant: its innermost loop steps a vector at a time. */
    private final boolean vector;
    /** The local holding the vector length, in a vector variant. */
    private int lanes = -1;

    KernelEmitter(Plan.Kernel k, GeneratorAdapter g, Type elem) {
        this(k, g, elem, false);
    }

    KernelEmitter(Plan.Kernel k, GeneratorAdapter g, Type elem, boolean vector) {
        this.vector = vector;
        this.node = k.root();
        this.g = g;
        this.elem = elem;
        this.array = Type.getType("[" + elem.getDescriptor());
        this.fused = Set.copyOf(k.fused());
        boolean split = k.splits();
        for (Node a : k.reads()) argOf.put(a, argOf.size() + 1);
        this.inputArg = new int[node.inputs.size()];
        for (int i = 0; i < inputArg.length; i++) inputArg[i] = argOf.getOrDefault(node.input(i), -1);
        this.batchArg = k.reads().size() + 1;
        this.partArg = split ? batchArg + 1 : -1;
        this.flat = k.flat();
    }

    /**
     * The method descriptor of a kernel: its arrays (output first), the batch, for a matrix product
     * the trainer's {@link Workers} pool (null for one thread), for a split loop its part and parts.
     */
    static String descriptor(Plan.Kernel k, Type elem) {
        return descriptor(elem, 1 + k.reads().size(), k.pool(), k.splits());
    }

    private static String descriptor(Type elem, int arrays, boolean workers, boolean split) {
        Type arrayType = Type.getType("[" + elem.getDescriptor());
        Type[] args = new Type[arrays + 1 + (workers ? 1 : 0) + (split ? 2 : 0)];
        for (int i = 0; i < arrays; i++) args[i] = arrayType;
        args[arrays] = INT_TYPE;
        if (workers) args[arrays + 1] = WORKERS;
        if (split) args[arrays + 1] = args[arrays + 2] = INT_TYPE; // part, parts
        return Type.getMethodDescriptor(Type.VOID_TYPE, args);
    }

    @Override
    public Node node() {
        return node;
    }

    /**
     * {@code out[i] = value} over the output's shape, inputs broadcast. Fused inputs are computed
     * in the same loop, each into a local once per element, from the elements of their own inputs.
     */
    @Override
    public void pointwise(Scalar value) {
        Shape out = node.shape;
        // One-element buffers (learning rates, bias corrections) are read once, before the loop:
        // a load inside it would have to be repeated (the JIT cannot prove it does not alias the
        // output) and would keep the loop from vectorizing.
        Map<Node, Integer> hoisted = new HashMap<>();
        List<Node> read = new ArrayList<>();
        for (Node in : argOf.keySet()) {
            if (oneValue(in)) {
                int local = g.newLocal(elem);
                g.loadArg(argOf.get(in));
                g.push(0);
                g.arrayLoad(elem);
                g.storeLocal(local);
                hoisted.put(in, local);
            } else {
                read.add(in);
            }
        }
        Nest nest = pointwiseNest(out, read, flat);
        Consumer<int[]> vectorBody = null;
        if (vector && fitsVector(nest)) {
            lanes = g.newLocal(INT_TYPE);
            g.invokeStatic(VectorEmitter.OPS, new Method("lanes", INT_TYPE, new Type[0]));
            g.storeLocal(lanes);
            List<Size> inner = new ArrayList<>();
            for (List<Size> st : nest.strides()) inner.add(st.get(st.size() - 1));
            vectorBody = index -> {
                Map<Node, Integer> loaded = new HashMap<>();
                for (Map.Entry<Node, Integer> h : hoisted.entrySet()) {
                    g.loadLocal(h.getValue());
                    loaded.put(h.getKey(), VectorEmitter.broadcastToLocal(g));
                }
                for (int j = 0; j < read.size(); j++) {
                    g.loadArg(argOf.get(read.get(j)));
                    g.loadLocal(index[j + 1]);
                    if (inner.get(j + 1).equals(Size.ONE)) {
                        g.invokeStatic(VectorEmitter.OPS, new Method("load", VectorEmitter.VECTOR, new Type[] {array, INT_TYPE}));
                        int local = g.newLocal(VectorEmitter.VECTOR);
                        g.storeLocal(local);
                        loaded.put(read.get(j), local);
                    } else { // the same element across the vector: a broadcast
                        g.arrayLoad(elem);
                        loaded.put(read.get(j), VectorEmitter.broadcastToLocal(g));
                    }
                }
                new VectorEmitter(g, vectorOperands(node, loaded)).emit(value);
                g.loadArg(0);
                g.loadLocal(index[0]);
                g.invokeStatic(VectorEmitter.OPS, new Method("store", Type.VOID_TYPE, new Type[] {VectorEmitter.VECTOR, array, INT_TYPE}));
            };
        }
        loopNest(nest, new Size[read.size() + 1], vectorBody, index -> {
            Map<Node, Integer> loaded = new HashMap<>(hoisted);
            for (int j = 0; j < read.size(); j++) {
                int local = g.newLocal(elem);
                g.loadArg(argOf.get(read.get(j)));
                g.loadLocal(index[j + 1]);
                g.arrayLoad(elem);
                g.storeLocal(local);
                loaded.put(read.get(j), local);
            }
            ScalarEmitter.Operand[] operands = operands(node, loaded);
            g.loadArg(0);
            g.loadLocal(index[0]);
            new ScalarEmitter(g, elem, operands).emit(value);
            g.arrayStore(elem);
        });
    }

    /** The vector version of {@link #operands}: fused inputs computed into vector locals first. */
    private VectorEmitter.Operand[] vectorOperands(Node n, Map<Node, Integer> value) {
        VectorEmitter.Operand[] operands = new VectorEmitter.Operand[n.inputs.size()];
        for (int i = 0; i < operands.length; i++) {
            Node in = n.input(i);
            if (fused.contains(in) && !value.containsKey(in)) {
                VectorEmitter.Operand[] inner = vectorOperands(in, value);
                new VectorEmitter(g, inner).emit(((Elementwise<?>) in.op).value(in));
                int local = g.newLocal(VectorEmitter.VECTOR);
                g.storeLocal(local);
                value.put(in, local);
            }
            Integer local = value.get(in);
            operands[i] = local != null ? () -> g.loadLocal(local) : () -> {
                pushScalar(in);
                g.invokeStatic(VectorEmitter.OPS, new Method("broadcast", VectorEmitter.VECTOR, new Type[] {elem}));
            };
        }
        return operands;
    }

    /**
     * Whether a pointwise kernel has a Vector API variant: float32, every operation of its fused
     * expression with a vector form, and an innermost loop that writes its output contiguously and
     * reads each buffer contiguously or one element throughout (a broadcast).
     */
    static boolean hasVectorVariant(Plan.Kernel k, Type elem) {
        Node root = k.root();
        if (elem != Type.FLOAT_TYPE || k.variant() != Plan.Variant.VECTOR || root.shape.rank() == 0) return false;
        if (!(root.op instanceof Elementwise<?> || root.op == dev.gradc.compiler.ops.Broadcast.OP)) return false;
        if (root.op instanceof Elementwise<?> e && !VectorEmitter.supports(e.value(root))) return false;
        for (Node f : k.fused()) if (!VectorEmitter.supports(((Elementwise<?>) f.op).value(f))) return false;
        List<Node> read = new ArrayList<>();
        for (Node in : k.reads()) if (!oneValue(in, root, k.flat())) read.add(in);
        return fitsVector(pointwiseNest(root.shape, read, k.flat()));
    }

    /**
     * Whether a pointwise kernel reads one value of {@code in} throughout, before its loop. A flat
     * kernel's code is shared by kernels of other lengths, so it must not depend on sizes: there a
     * read is one value when its shape is not the output's (a flat kernel of length 1 reads its
     * one-element buffers element for element, as its sharers of greater length do).
     */
    private static boolean oneValue(Node in, Node root, boolean flat) {
        return flat ? !in.shape.equals(root.shape) : in.shape.size().equals(Size.ONE);
    }

    private boolean oneValue(Node in) {
        return oneValue(in, node, flat);
    }

    /**
     * The loops of a pointwise kernel writing {@code out} and reading {@code read} (the buffers it
     * reads element by element): a fused node has the output's shape, so every buffer read
     * broadcasts against the output. A flat kernel runs one loop over the length its call passes
     * as the batch ({@link Plan.Kernel#flat}).
     */
    private static Nest pointwiseNest(Shape out, List<Node> read, boolean flat) {
        if (flat) return merge(new Size[] {Size.BATCH}, Collections.nCopies(read.size() + 1, new Size[] {Size.ONE}));
        List<Size[]> strides = new ArrayList<>();
        strides.add(out.strides());
        for (Node in : read) strides.add(in.shape.broadcastStrides(out));
        return merge(sizes(out), strides);
    }

    private static boolean fitsVector(Nest nest) {
        if (nest.dims().isEmpty()) return false;
        int last = nest.dims().size() - 1;
        if (!nest.strides().get(0).get(last).equals(Size.ONE)) return false;
        for (List<Size> st : nest.strides()) {
            Size s = st.get(last);
            if (!s.equals(Size.ONE) && !s.equals(Size.of(0))) return false;
        }
        return true;
    }

    /** Where each input of {@code n} comes from inside a pointwise loop; emits fused inputs' code first. */
    private ScalarEmitter.Operand[] operands(Node n, Map<Node, Integer> value) {
        ScalarEmitter.Operand[] operands = new ScalarEmitter.Operand[n.inputs.size()];
        for (int i = 0; i < operands.length; i++) {
            Node in = n.input(i);
            if (fused.contains(in) && !value.containsKey(in)) {
                ScalarEmitter.Operand[] inner = operands(in, value);
                new ScalarEmitter(g, elem, inner).emit(((Elementwise<?>) in.op).value(in));
                int local = g.newLocal(elem);
                g.storeLocal(local);
                value.put(in, local);
            }
            Integer local = value.get(in);
            operands[i] = local != null ? () -> g.loadLocal(local) : () -> pushScalar(in);
        }
        return operands;
    }

    /** {@code out = identity; out[kept index] = combine(out[kept index], in[i])} over the input's shape. */
    @Override
    public void reduce(Reduce op, Shape kept) {
        Shape in = node.input(0).shape;
        int prefix = 0; // reduced axes that lead the shape: a sum over them is a column sum of a matrix
        while (prefix < in.rank() && kept.dim(prefix) == 1 && in.dim(prefix) != 1) prefix++;
        boolean onlyPrefix = prefix > 0;
        for (int axis = prefix; axis < in.rank(); axis++) onlyPrefix &= kept.dim(axis) == in.dim(axis);
        if (op == Reduce.SUM && onlyPrefix) {
            // out[j] = sum over rows i of in[i][j], rows in order from +0: the same adds as the loop below, vectorized
            Size rows = Size.ONE, columns = Size.ONE;
            for (int axis = 0; axis < in.rank(); axis++) {
                if (axis < prefix) rows = rows.times(in.dimSize(axis));
                else columns = columns.times(in.dimSize(axis));
            }
            g.push((String) null); // no pool: the trainer's threads split the products
            g.loadArg(0);
            g.push(0);
            g.loadArg(inputArg[0]);
            g.push(0);
            pushSize(rows);
            pushSize(columns);
            g.invokeStatic(WORKERS, new Method("columnSums", Type.VOID_TYPE, new Type[] {WORKERS, array, INT_TYPE, array, INT_TYPE, INT_TYPE, INT_TYPE}));
            return;
        }
        fillOutput(kept.size(), op.identity);
        List<Size[]> strides = List.of(kept.broadcastStrides(in), in.strides());
        loopNest(sizes(in), strides, index -> {
            g.loadArg(0);
            g.loadLocal(index[0]);
            g.dup2();
            g.arrayLoad(elem);
            g.loadArg(inputArg[0]);
            g.loadLocal(index[1]);
            g.arrayLoad(elem);
            if (op == Reduce.SUM) g.math(GeneratorAdapter.ADD, elem);
            else g.invokeStatic(MATH, new Method(op == Reduce.MAX ? "max" : "min", elem, new Type[] {elem, elem}));
            g.arrayStore(elem);
        });
    }

    @Override
    public void argmax(int axis) {
        Shape in = node.input(0).shape;
        Size outerSize = Size.ONE, innerSize = Size.ONE;
        for (int d = 0; d < axis; d++) outerSize = outerSize.times(in.dimSize(d));
        for (int d = axis + 1; d < in.rank(); d++) innerSize = innerSize.times(in.dimSize(d));
        int outer = local(outerSize), n = local(in.dimSize(axis)), inner = local(innerSize);
        int best = g.newLocal(elem), index = g.newLocal(INT_TYPE), value = g.newLocal(elem);
        forLoop(outer, o -> forLoop(inner, i -> {
            ScalarEmitter.push(g, elem, Double.NEGATIVE_INFINITY);
            g.storeLocal(best);
            g.push(0);
            g.storeLocal(index);
            forLoop(n, k -> {
                g.loadArg(inputArg[0]); // value = in[(o*n + k)*inner + i]
                index(o, n, k);
                g.loadLocal(inner);
                g.math(GeneratorAdapter.MUL, INT_TYPE);
                g.loadLocal(i);
                g.math(GeneratorAdapter.ADD, INT_TYPE);
                g.arrayLoad(elem);
                g.storeLocal(value);
                Label notLarger = new Label();
                g.loadLocal(value);
                g.loadLocal(best);
                g.ifCmp(elem, GeneratorAdapter.LE, notLarger);
                g.loadLocal(value);
                g.storeLocal(best);
                g.loadLocal(k);
                g.storeLocal(index);
                g.mark(notLarger);
            });
            g.loadArg(0); // out[o*inner + i] = index
            index(o, inner, i);
            g.loadLocal(index);
            g.cast(INT_TYPE, elem);
            g.arrayStore(elem);
        }));
    }

    @Override
    public void copyStrided(Size[] inputStrides) {
        loopNest(sizes(node.shape), List.of(node.shape.strides(), inputStrides), index -> {
            g.loadArg(0);
            g.loadLocal(index[0]);
            g.loadArg(inputArg[0]);
            g.loadLocal(index[1]);
            g.arrayLoad(elem);
            g.arrayStore(elem);
        });
    }

    @Override
    public void copyBlock(int input, Size[] dims, Size[] outStrides, Size outStart, Size[] inStrides, Size inStart) {
        loopNest(dims, List.of(outStrides, inStrides), new Size[] {outStart, inStart}, index -> {
            g.loadArg(0);
            g.loadLocal(index[0]);
            g.loadArg(inputArg[input]);
            g.loadLocal(index[1]);
            g.arrayLoad(elem);
            g.arrayStore(elem);
        });
    }

    @Override
    public void fill(double value) {
        fillOutput(node.shape.size(), value);
    }

    /** {@code out[0 .. size) = value}. */
    private void fillOutput(Size size, double value) {
        int start = g.newLocal(INT_TYPE);
        g.push(0);
        g.storeLocal(start);
        fill(start, local(size), value);
    }

    @Override
    public void iota() {
        forLoop(local(node.shape.size()), i -> {
            g.loadArg(0);
            g.loadLocal(i);
            g.loadLocal(i);
            g.cast(INT_TYPE, elem);
            g.arrayStore(elem);
        });
    }

    @Override
    public void storeScalar() {
        g.loadArg(0);
        g.push(0);
        pushScalar(node);
        g.arrayStore(elem);
    }

    /**
     * {@code out = op(A)·op(B)}, one call of the runtime's {@link Workers#multiply} per matrix of a
     * batch: its register-tiled kernels read transposed operands in place, split across the pool's
     * threads when the product is large.
     */
    @Override
    public void matmul(MatMul.Transpose t) {
        Shape a = node.input(0).shape, b = node.input(1).shape;
        int m = local(a.dimSize(a.rank() - (t.a() ? 1 : 2)));
        int k = local(a.dimSize(a.rank() - (t.a() ? 2 : 1)));
        int n = local(b.dimSize(b.rank() - (t.b() ? 2 : 1)));
        int matrices = local(node.shape.rank() == 3 ? node.shape.dimSize(0) : Size.ONE);
        // Offsets of the current matrix: a 2-D operand is shared by the whole batch.
        int aOffset = g.newLocal(INT_TYPE), bOffset = g.newLocal(INT_TYPE), outOffset = g.newLocal(INT_TYPE);
        forLoop(matrices, batch -> {
            offset(aOffset, a.rank() == 3 ? batch : -1, m, k);
            offset(bOffset, b.rank() == 3 ? batch : -1, k, n);
            offset(outOffset, batch, m, n);
            g.loadArg(batchArg + 1);
            g.loadArg(0);
            g.loadLocal(outOffset);
            g.loadArg(inputArg[0]);
            g.loadLocal(aOffset);
            g.push(t.a());
            g.loadArg(inputArg[1]);
            g.loadLocal(bOffset);
            g.push(t.b());
            g.loadLocal(m);
            g.loadLocal(n);
            g.loadLocal(k);
            Type[] args = {WORKERS, array, INT_TYPE, array, INT_TYPE, Type.BOOLEAN_TYPE, array, INT_TYPE, Type.BOOLEAN_TYPE,
                    INT_TYPE, INT_TYPE, INT_TYPE};
            g.invokeStatic(WORKERS, new Method("multiply", Type.VOID_TYPE, args));
        });
    }

    /** {@code out = act(op(A)·op(B) + bias)} in one call of the runtime's {@link Workers#multiplyBias}. */
    void productWithEpilogue(Plan.Epilogue e) {
        Node product = e.product();
        MatMul.Transpose t = MatMul.OP.attr(product);
        Shape a = product.input(0).shape, b = product.input(1).shape;
        int m = local(a.dimSize(t.a() ? 1 : 0)), k = local(a.dimSize(t.a() ? 0 : 1)), n = local(b.dimSize(t.b() ? 0 : 1));
        g.loadArg(batchArg + 1); // the pool
        g.loadArg(0);
        g.push(0);
        g.loadArg(argOf.get(product.input(0)));
        g.push(0);
        g.push(t.a());
        g.loadArg(argOf.get(product.input(1)));
        g.push(0);
        g.push(t.b());
        g.loadLocal(m);
        g.loadLocal(n);
        g.loadLocal(k);
        g.loadArg(argOf.get(e.bias()));
        g.push(0);
        g.push(e.relu());
        g.invokeStatic(WORKERS, new Method("multiplyBias", Type.VOID_TYPE, new Type[] {WORKERS, array, INT_TYPE, array, INT_TYPE,
                Type.BOOLEAN_TYPE, array, INT_TYPE, Type.BOOLEAN_TYPE, INT_TYPE, INT_TYPE, INT_TYPE, array, INT_TYPE, Type.BOOLEAN_TYPE}));
    }

    /** {@code offset = batch * rows * cols}, or 0 when {@code batch} is -1 (a shared matrix). */
    private void offset(int offset, int batch, int rows, int cols) {
        if (batch < 0) {
            g.push(0);
        } else {
            index(batch, rows, -1);
            g.loadLocal(cols);
            g.math(GeneratorAdapter.MUL, INT_TYPE);
        }
        g.storeLocal(offset);
    }

    /** Pushes {@code row * width + col}, all int locals; without {@code + col} when col is -1. */
    private void index(int row, int width, int col) {
        g.loadLocal(row);
        g.loadLocal(width);
        g.math(GeneratorAdapter.MUL, INT_TYPE);
        if (col < 0) return;
        g.loadLocal(col);
        g.math(GeneratorAdapter.ADD, INT_TYPE);
    }

    /** {@code Arrays.fill(out, start, start + length, value)}. */
    private void fill(int start, int length, double value) {
        g.loadArg(0);
        g.loadLocal(start);
        g.loadLocal(start);
        g.loadLocal(length);
        g.math(GeneratorAdapter.ADD, INT_TYPE);
        ScalarEmitter.push(g, elem, value);
        g.invokeStatic(ARRAYS, new Method("fill", Type.VOID_TYPE, new Type[] {array, INT_TYPE, INT_TYPE, elem}));
    }

    private void pushScalar(Node scalar) {
        if (scalar.op == Leaf.CONST) {
            ScalarEmitter.push(g, elem, Leaf.CONST.attr(scalar).value());
        } else {
            pushSize(Leaf.COUNT.attr(scalar).size());
            g.cast(INT_TYPE, elem);
        }
    }


    /** Pushes a size as an int, reading the batch argument where it appears. */
    private void pushSize(Size s) {
        if (s.batchPower() == 0) {
            g.push(Math.toIntExact(s.coef()));
            return;
        }
        g.loadArg(batchArg);
        for (int i = 1; i < s.batchPower(); i++) {
            g.loadArg(batchArg);
            g.math(GeneratorAdapter.MUL, INT_TYPE);
        }
        if (s.coef() != 1) {
            g.push(Math.toIntExact(s.coef()));
            g.math(GeneratorAdapter.MUL, INT_TYPE);
        }
    }

    /** A new int local holding a size. */
    private int local(Size s) {
        int l = g.newLocal(INT_TYPE);
        pushSize(s);
        g.storeLocal(l);
        return l;
    }

    /** {@code for (int i = 0; i < bound; i++) body(i)}, bound an int local. */
    private void forLoop(int bound, IntConsumer body) {
        int zero = g.newLocal(INT_TYPE);
        g.push(0);
        g.storeLocal(zero);
        forRange(zero, bound, body);
    }

    private static Size[] sizes(Shape s) {
        Size[] out = new Size[s.rank()];
        for (int i = 0; i < out.length; i++) out[i] = s.dimSize(i);
        return out;
    }

    /**
     * Nested loops over {@code dims}; operand j's flat index is the dot product of the loop indices
     * with {@code strides.get(j)}. Dimensions of size 1 are dropped and neighbours that are
     * contiguous for every operand merged, so most nests are one or two loops. The body receives
     * one int local per operand holding its index.
     */
    private void loopNest(Size[] dims, List<Size[]> strides, Consumer<int[]> body) {
        loopNest(dims, strides, new Size[strides.size()], body);
    }

    /** As above, operand j's index starting at {@code start[j]} (null for 0). */
    private void loopNest(Size[] dims, List<Size[]> strides, Size[] start, Consumer<int[]> body) {
        loopNest(merge(dims, strides), start, null, body);
    }

    /** Loop dimensions after merging, and each operand's stride along each. */
    private record Nest(List<Size> dims, List<List<Size>> strides) {}

    /** Drops dimensions of size 1 and merges neighbours that are contiguous for every operand. */
    private static Nest merge(Size[] dims, List<Size[]> strides) {
        List<Size> d = new ArrayList<>();
        List<List<Size>> s = new ArrayList<>();
        for (int j = 0; j < strides.size(); j++) s.add(new ArrayList<>());
        for (int axis = 0; axis < dims.length; axis++) {
            if (dims[axis].equals(Size.ONE)) continue;
            int last = d.size() - 1;
            boolean merge = last >= 0;
            for (int j = 0; merge && j < strides.size(); j++) {
                merge = s.get(j).get(last).equals(strides.get(j)[axis].times(dims[axis]));
            }
            if (merge) {
                d.set(last, d.get(last).times(dims[axis]));
                for (int j = 0; j < strides.size(); j++) s.get(j).set(last, strides.get(j)[axis]);
            } else {
                d.add(dims[axis]);
                for (int j = 0; j < strides.size(); j++) s.get(j).add(strides.get(j)[axis]);
            }
        }
        return new Nest(d, s);
    }

    /**
     * The loops of a nest, operand j's index starting at {@code start[j]} (null for 0). With a
     * {@code vectorBody}, the innermost loop runs it a vector at a time and {@code body} on the rest.
     */
    private void loopNest(Nest nest, Size[] start, Consumer<int[]> vectorBody, Consumer<int[]> body) {
        int[] base = new int[start.length];
        for (int j = 0; j < base.length; j++) {
            base[j] = g.newLocal(INT_TYPE);
            pushSize(start[j] == null ? Size.of(0) : start[j]);
            g.storeLocal(base[j]);
        }
        level(0, nest.dims(), nest.strides(), base, vectorBody, body, partArg);
    }

    /** One loop of a nest; with {@code part} >= 0 (an argument index), only this part's share of its range. */
    private void level(int axis, List<Size> dims, List<List<Size>> strides, int[] base, Consumer<int[]> vectorBody,
                       Consumer<int[]> body, int part) {
        if (axis == dims.size()) {
            body.accept(base);
            return;
        }
        int[] inner = new int[base.length];
        for (int j = 0; j < inner.length; j++) inner[j] = g.newLocal(INT_TYPE);
        int bound = local(dims.get(axis)), start = g.newLocal(INT_TYPE), end = g.newLocal(INT_TYPE);
        if (part >= 0) {
            share(bound, part, 0, start); // start = bound * part / parts, end = bound * (part + 1) / parts
            share(bound, part, 1, end);
        } else {
            g.push(0);
            g.storeLocal(start);
            g.loadLocal(bound);
            g.storeLocal(end);
        }
        IntConsumer iteration = i -> {
            for (int j = 0; j < inner.length; j++) {
                Size stride = strides.get(j).get(axis);
                g.loadLocal(base[j]);
                if (!stride.equals(Size.of(0))) {
                    g.loadLocal(i);
                    if (!stride.equals(Size.ONE)) {
                        pushSize(stride);
                        g.math(GeneratorAdapter.MUL, INT_TYPE);
                    }
                    g.math(GeneratorAdapter.ADD, INT_TYPE);
                }
                g.storeLocal(inner[j]);
            }
        };
        if (vectorBody != null && axis == dims.size() - 1) {
            // Whole vectors up to upper = end - (end - start) % lanes, then one element at a time.
            int upper = g.newLocal(INT_TYPE);
            g.loadLocal(end);
            g.loadLocal(end);
            g.loadLocal(start);
            g.math(GeneratorAdapter.SUB, INT_TYPE);
            g.loadLocal(lanes);
            g.math(GeneratorAdapter.REM, INT_TYPE);
            g.math(GeneratorAdapter.SUB, INT_TYPE);
            g.storeLocal(upper);
            forRange(start, upper, lanes, i -> {
                iteration.accept(i);
                vectorBody.accept(inner);
            });
            forRange(upper, end, i -> {
                iteration.accept(i);
                body.accept(inner);
            });
            return;
        }
        forRange(start, end, i -> {
            iteration.accept(i);
            level(axis + 1, dims, strides, inner, vectorBody, body, -1);
        });
    }

    /** {@code target = (int) ((long) bound * (part + offset) / parts)}, part and parts arguments. */
    private void share(int bound, int part, int offset, int target) {
        g.loadLocal(bound);
        g.cast(INT_TYPE, Type.LONG_TYPE);
        g.loadArg(part);
        g.push(offset);
        g.math(GeneratorAdapter.ADD, INT_TYPE);
        g.cast(INT_TYPE, Type.LONG_TYPE);
        g.math(GeneratorAdapter.MUL, Type.LONG_TYPE);
        g.loadArg(part + 1);
        g.cast(INT_TYPE, Type.LONG_TYPE);
        g.math(GeneratorAdapter.DIV, Type.LONG_TYPE);
        g.cast(Type.LONG_TYPE, INT_TYPE);
        g.storeLocal(target);
    }

    /** {@code for (int i = start; i < end; i++) body(i)}, both int locals. */
    private void forRange(int start, int end, IntConsumer body) {
        forRange(start, end, -1, body);
    }

    /** The same, stepping by the int local {@code step} (-1 for 1). */
    private void forRange(int start, int end, int step, IntConsumer body) {
        int i = g.newLocal(INT_TYPE);
        Label top = new Label(), check = new Label();
        g.loadLocal(start);
        g.storeLocal(i);
        g.goTo(check);
        g.mark(top);
        body.accept(i);
        if (step < 0) {
            g.iinc(i, 1);
        } else {
            g.loadLocal(i);
            g.loadLocal(step);
            g.math(GeneratorAdapter.ADD, INT_TYPE);
            g.storeLocal(i);
        }
        g.mark(check);
        g.loadLocal(i);
        g.loadLocal(end);
        g.ifICmp(GeneratorAdapter.LT, top);
    }
}
