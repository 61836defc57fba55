package dev.gradc.spark;

import dev.gradc.compiler.Compilation;
import dev.gradc.compiler.Compiler;
import dev.gradc.dsl.Source;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Models compiled on the driver: the one place gradc-spark touches gradc-compiler, which an
 * application without .grad sources at run time need not ship (executors never load this class).
 */
final class DriverModels {
    private DriverModels() {}

    static Compilation compile(Path gradFile) throws IOException {
        return Compiler.compile(Source.read(gradFile), Compiler.Options.DEFAULT);
    }

    static ModelCode code(Compilation c) {
        return ModelCode.ofBytes(c.className(), classFiles(c));
    }

    /**
     * Every class file of the compilation. A compilation may come to hold companion classes beside
     * the trainer (a {@code classFiles()} map); until this gradc has that method, the one class.
     */
    @SuppressWarnings("unchecked")
    private static Map<String, byte[]> classFiles(Compilation c) {
        try {
            Object files = Compilation.class.getMethod("classFiles").invoke(c);
            return new LinkedHashMap<>((Map<String, byte[]>) files);
        } catch (NoSuchMethodException e) {
            return Map.of(c.className(), c.classBytes());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the class files of " + c.className(), e);
        }
    }
}
