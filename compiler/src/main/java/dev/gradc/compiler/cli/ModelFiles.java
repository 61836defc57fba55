package dev.gradc.compiler.cli;

import dev.gradc.compiler.Compilation;
import dev.gradc.compiler.Compiler;
import dev.gradc.dsl.Source;
import dev.gradc.runtime.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reading and compiling the model files named on the command line. */
final class ModelFiles {
    private ModelFiles() {}

    static Source read(Path file) {
        if (file.toString().equals("-")) { // standard input: the model's name comes from its class, as for a file
            try {
                return Source.decode("<stdin>", Main.console().stdin.readAllBytes());
            } catch (IOException e) {
                throw new Main.UserError("gradc: cannot read standard input: " + e.getMessage());
            }
        }
        try {
            return Source.read(file);
        } catch (NoSuchFileException e) {
            throw new Main.UserError("gradc: " + file + ": no such file");
        } catch (IOException e) {
            throw new Main.UserError("gradc: " + file + ": cannot read: " + e.getMessage());
        }
    }

    /** As {@link #compile(Path, boolean, String)}, printing the model's warnings (positioned, like errors) to {@code err}. */
    static Compilation compile(Path file, boolean float64, String packageName, java.io.PrintWriter err) {
        Compilation c = compile(file, float64, packageName);
        for (dev.gradc.dsl.Diagnostic w : c.warnings()) err.println(w.format());
        return c;
    }

    static Compilation compile(Path file, boolean float64, String packageName) {
        if (Files.isDirectory(file)) throw new Main.UserError("gradc: " + file + " is a directory, not a model file");
        Compiler.Options options = Compiler.Options.DEFAULT
                .withDtype(float64 ? DType.FLOAT64 : DType.FLOAT32)
                .withPackage(packageName == null ? "" : packageName);
        return Compiler.compile(read(file), options);
    }
}
