package dev.gradc.compiler;

import dev.gradc.dsl.Source;
import dev.gradc.runtime.Trainer;
import dev.gradc.runtime.DType;
import dev.gradc.runtime.internal.Rng;
import dev.gradc.runtime.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Shared helpers: compiling model text, the moons sample, feeding random data. */
final class TestModels {
    private TestModels() {}

    static final Path MOONS = findUp("samples/moons/Moons.grad");

    static Compilation compile(String text, DType dtype) {
        return Compiler.compile(new Source("Test.grad", text), Compiler.Options.DEFAULT.withDtype(dtype));
    }

    static Compilation moons(DType dtype) {
        try {
            return Compiler.compile(new Source("Moons.grad", Files.readString(MOONS)), Compiler.Options.DEFAULT.withDtype(dtype));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A file of the repository, found from the module's working directory upwards. */
    static Path findUp(String relative) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.exists(dir.resolve(relative))) return dir.resolve(relative);
            dir = dir.getParent();
        }
        throw new AssertionError("cannot find " + relative);
    }

    /** Fills every input of the trainer with values uniform in [-1, 1); returns them by name. */
    static Map<String, double[]> feedRandomInputs(Trainer t, long seed) {
        Rng rng = new Rng(seed);
        Map<String, double[]> values = new LinkedHashMap<>();
        for (TensorInfo in : t.inputs()) {
            double[] v = new double[in.sizeAt(t.batch())];
            for (int i = 0; i < v.length; i++) v[i] = rng.uniform(-1, 1);
            t.input(in.name()).copyFrom(v);
            values.put(in.name(), v);
        }
        return values;
    }

    /** The trainer's current parameters, hyper-parameters and inputs by name, for the interpreter. */
    static Map<String, double[]> bindings(Trainer t) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (TensorInfo in : t.inputs()) out.put(in.name(), t.input(in.name()).toDoubleArray());
        for (TensorInfo p : t.params()) out.put(p.name(), t.param(p.name()).toDoubleArray());
        for (String h : t.hyperParameters()) out.put(h, new double[] {t.hyper(h)});
        return out;
    }
}
