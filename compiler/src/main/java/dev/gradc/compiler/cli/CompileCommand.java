package dev.gradc.compiler.cli;

import dev.gradc.compiler.Compilation;
import dev.gradc.dsl.CompileException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code gradc compile A.grad B.grad -d out/}: one class per model. Like javac, it goes on past a
 * model that fails, prints every error, and ends with {@code N errors in M files}; the exit code is
 * 1 when any failed.
 */
@Command(name = "compile", mixinStandardHelpOptions = true, sortOptions = false, description = "Compile model files to trainer classes.")
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
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        checkOutputDirectory();
        int errors = 0, failedFiles = 0;
        for (Path model : models) {
            Compilation c;
            try {
                c = ModelFiles.compile(model, float64, packageName, err);
            } catch (CompileException e) {
                err.println(e.getMessage());
                errors += (int) Math.max(1, e.diagnostics().stream().filter(d -> !d.warning()).count());
                failedFiles++;
                continue;
            } catch (Main.UserError e) { // a missing or unreadable file: one error, and on to the next
                err.println(e.getMessage());
                errors++;
                failedFiles++;
                continue;
            }
            for (Map.Entry<String, byte[]> file : c.classFiles().entrySet()) {
                Path target = outDir.resolve(file.getKey().replace('.', '/') + ".class");
                try {
                    Files.createDirectories(target.getParent());
                    Files.write(target, file.getValue());
                } catch (IOException e) { // the output directory is the user's to fix, and the same for every model: stop
                    throw new Main.UserError("gradc: cannot write " + target + ": " + Main.ioMessage(e));
                }
                if (file.getKey().equals(c.className())) out.println("wrote " + target);
            }
        }
        if (failedFiles == 0) return 0;
        err.println(errors + (errors == 1 ? " error" : " errors") + " in " + failedFiles + (failedFiles == 1 ? " file" : " files"));
        return 1;
    }

    /** {@code -d} names a directory that exists or can be made, checked before compiling anything. */
    private void checkOutputDirectory() {
        if (Files.exists(outDir) && !Files.isDirectory(outDir)) {
            throw new Main.UserError("gradc: -d " + outDir + ": not a directory");
        }
        try {
            Files.createDirectories(outDir);
        } catch (FileAlreadyExistsException e) {
            throw new Main.UserError("gradc: -d " + outDir + ": " + e.getFile() + " is not a directory");
        } catch (IOException e) {
            throw new Main.UserError("gradc: -d " + outDir + ": cannot create it: " + Main.ioMessage(e));
        }
    }
}
