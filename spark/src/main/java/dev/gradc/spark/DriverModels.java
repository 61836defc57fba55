package dev.gradc.spark;

import dev.gradc.compiler.Compilation;
import dev.gradc.compiler.Compiler;
import dev.gradc.dsl.Source;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Models compiled on the driver: the one place gradc-spark touches gradc-compiler, which an
 * application without .grad sources at run time need not ship (executors never load this class).
 */
final class DriverModels {
    private DriverModels() {}

    static Compilation compile(Path gradFile) throws IOException {
        return Compiler.compile(Source.read(gradFile), Compiler.Options.DEFAULT);
    }

    /** The compilation's class files (the trainer and its companions, such as its Vector API kernels) for the executors. */
    static ModelCode code(Compilation c) {
        return ModelCode.ofBytes(c.className(), c.classFiles());
    }
}
