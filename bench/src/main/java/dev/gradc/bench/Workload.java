package dev.gradc.bench;

import dev.gradc.compiler.Compilation;
import dev.gradc.compiler.Compiler;
import dev.gradc.dsl.Source;
import dev.gradc.runtime.Trainer;
import dev.gradc.runtime.DType;
import dev.gradc.runtime.internal.Rng;
import dev.gradc.runtime.TensorInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The four benchmark workloads: a model in {@code bench/models}, its batch and what its labels look like. */
public enum Workload {
    W1("W1Moons.grad", 100, Labels.SIGNS, "moons 2-16-16-1 ReLU, max-margin + L2, SGD"),
    W2("W2MnistMlp.grad", 128, Labels.CLASSES, "mnist-mlp 784-128-64-10 ReLU, cross-entropy, Adam"),
    W3("W3DeepNarrow.grad", 32, Labels.REALS, "deep-narrow 64-(64 tanh)x8-1, MSE, SGD momentum"),
    W4("W4Wide.grad", 256, Labels.CLASSES, "wide 1024-1024-1024-10 ReLU, cross-entropy, SGD");

    enum Labels { SIGNS, CLASSES, REALS }

    public final String file;
    public final int batch;
    final Labels labels;
    public final String description;

    Workload(String file, int batch, Labels labels, String description) {
        this.file = file;
        this.batch = batch;
        this.labels = labels;
        this.description = description;
    }

    public Source source() {
        try (InputStream in = Workload.class.getResourceAsStream("/models/" + file)) {
            if (in == null) throw new IllegalStateException("models/" + file + " is not on the class path");
            return new Source("bench/models/" + file, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Compilation compile() {
        return Compiler.compile(source(), Compiler.Options.DEFAULT.withDtype(DType.FLOAT32));
    }

    /** A trainer at this workload's batch with fixed random inputs: features in [-1, 1), labels of the model's kind. */
    public Trainer trainer(Compilation compilation) {
        Trainer t = compilation.newTrainer(batch, 1);
        Rng rng = new Rng(7);
        for (TensorInfo in : t.inputs()) {
            boolean isLabel = in.shape().length == 1;
            double[] v = new double[in.sizeAt(batch)];
            for (int i = 0; i < v.length; i++) {
                v[i] = !isLabel || labels == Labels.REALS ? rng.nextDouble() * 2 - 1
                        : labels == Labels.SIGNS ? (rng.nextInt(2) * 2 - 1) : rng.nextInt(10);
            }
            t.input(in.name()).copyFrom(v);
        }
        return t;
    }

    /** Multiply-adds x 2 of every matrix product in one step: the FLOPs GFLOP/s counts. */
    public long flopsPerStep(Compilation compilation) {
        return 2 * compilation.stepMultiplyAdds(batch);
    }
}
