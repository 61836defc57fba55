package dev.gradc.bench;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The scalar reference: W1 trained the way micrograd does it, one object per scalar operation
 * with its backward closure, a topological sort, then the update. It shows what per-node objects
 * and dispatch cost next to a compiled step.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class MicrogradBenchmark {
    /** A scalar in the graph: its value, its gradient and how to push the gradient to its inputs. */
    static final class Value {
        double data, grad;
        final Value[] inputs;
        Runnable backward = () -> {};

        Value(double data, Value... inputs) {
            this.data = data;
            this.inputs = inputs;
        }

        Value add(Value o) {
            Value out = new Value(data + o.data, this, o);
            out.backward = () -> { grad += out.grad; o.grad += out.grad; };
            return out;
        }

        Value mul(Value o) {
            Value out = new Value(data * o.data, this, o);
            out.backward = () -> { grad += o.data * out.grad; o.grad += data * out.grad; };
            return out;
        }

        Value relu() {
            Value out = new Value(Math.max(0, data), this);
            out.backward = () -> grad += (out.data > 0 ? 1 : 0) * out.grad;
            return out;
        }

        void backpropagate() {
            List<Value> order = new ArrayList<>();
            topo(this, new HashSet<>(), order);
            grad = 1;
            for (int i = order.size() - 1; i >= 0; i--) order.get(i).backward.run();
        }

        private static void topo(Value v, Set<Value> seen, List<Value> order) {
            if (!seen.add(v)) return;
            for (Value in : v.inputs) topo(in, seen, order);
            order.add(v);
        }
    }

    private static final int[] SIZES = {2, 16, 16, 1};
    private final List<Value[][]> weights = new ArrayList<>();
    private final List<Value[]> biases = new ArrayList<>();
    private final List<Value> params = new ArrayList<>();
    private double[][] x;
    private double[] y;

    @Setup
    public void build() {
        java.util.SplittableRandom rng = new java.util.SplittableRandom(1);
        for (int l = 0; l + 1 < SIZES.length; l++) {
            Value[][] w = new Value[SIZES[l]][SIZES[l + 1]];
            Value[] b = new Value[SIZES[l + 1]];
            for (Value[] row : w) for (int j = 0; j < row.length; j++) params.add(row[j] = new Value(rng.nextDouble(-1, 1)));
            for (int j = 0; j < b.length; j++) params.add(b[j] = new Value(0));
            weights.add(w);
            biases.add(b);
        }
        x = new double[Workload.W1.batch][2];
        y = new double[Workload.W1.batch];
        for (int i = 0; i < y.length; i++) {
            x[i][0] = rng.nextDouble(-1, 1);
            x[i][1] = rng.nextDouble(-1, 1);
            y[i] = rng.nextBoolean() ? 1 : -1;
        }
    }

    @Benchmark
    public double step() {
        Value loss = new Value(0);
        for (int i = 0; i < y.length; i++) {
            Value[] h = {new Value(x[i][0]), new Value(x[i][1])};
            for (int l = 0; l < weights.size(); l++) {
                Value[][] w = weights.get(l);
                Value[] next = new Value[biases.get(l).length];
                for (int j = 0; j < next.length; j++) {
                    Value s = biases.get(l)[j];
                    for (int p = 0; p < h.length; p++) s = s.add(h[p].mul(w[p][j]));
                    next[j] = l + 1 < weights.size() ? s.relu() : s;
                }
                h = next;
            }
            // max-margin: relu(1 - y * score), averaged
            loss = loss.add(new Value(1).add(new Value(-y[i]).mul(h[0])).relu().mul(new Value(1.0 / y.length)));
        }
        Value l2 = new Value(0);
        for (Value[][] w : weights) for (Value[] row : w) for (Value v : row) l2 = l2.add(v.mul(v));
        loss = loss.add(l2.mul(new Value(1e-4)));
        for (Value p : params) p.grad = 0;
        loss.backpropagate();
        for (Value p : params) p.data -= 0.1 * p.grad;
        return loss.data;
    }
}
