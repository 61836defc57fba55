package dev.gradc.compiler.cli;

import dev.gradc.compiler.Compilation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "compile", description = "Compile model files to trainer classes.")
final class CompileCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "MODEL.grad", arity = "1..*", description = "Model files.")
    List<Path> models;

    @Option(names = "-d", paramLabel = "DIR", defaultValue = ".", description = "Output directory (default: ${DEFAULT-VALUE}).")
    Path outDir;

    @Option(names = "--float64", description = "Compile in double precision (default: float32).")
    boolean float64;

    @Option(names = "--package", paramLabel = "NAME", description = "Java package of the generated classes (default: none).")
    String packageName;

    @Override
    public Integer call() {
        for (Path model : models) {
            Compilation c = ModelFiles.compile(model, float64, packageName);
            for (java.util.Map.Entry<String, byte[]> file : c.classFiles().entrySet()) {
                Path out = outDir.resolve(file.getKey().replace('.', '/') + ".class");
                try {
                    Files.createDirectories(out.getParent());
                    Files.write(out, file.getValue());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                if (file.getKey().equals(c.className())) spec.commandLine().getOut().println("wrote " + out);
            }
        }
        return 0;
    }
}
