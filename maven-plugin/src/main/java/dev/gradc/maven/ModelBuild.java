package dev.gradc.maven;

import dev.gradc.compiler.Compilation;
import dev.gradc.compiler.Compiler;
import dev.gradc.dsl.CompileException;
import dev.gradc.dsl.Diagnostic;
import dev.gradc.dsl.Source;
import dev.gradc.runtime.DType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * One run over a folder of models, free of Maven types: which models changed (content hashes, the
 * compiler's own hash and the configuration), compiling those, writing each class and its typed
 * interface only when their bytes differ, removing the outputs of deleted models, and remembering
 * what it did in a state file. The mojos wrap it.
 */
final class ModelBuild {
    /** What a run did. */
    record Report(int compiled, int upToDate, int removed, List<Diagnostic> errors, int failedFiles, List<Diagnostic> warnings) {}

    /** The state file's key for the configuration; model keys end in .grad, so they never clash. */
    private static final String CONFIG = "@config";

    private final Path sourceDir, classesDir, sourcesDir, stateFile;
    private final DType dtype;
    private final int release;

    ModelBuild(Path sourceDir, Path classesDir, Path sourcesDir, Path stateFile, DType dtype, int release) {
        this.sourceDir = sourceDir;
        this.classesDir = classesDir;
        this.sourcesDir = sourcesDir;
        this.stateFile = stateFile;
        this.dtype = dtype;
        this.release = release;
    }

    /** Compiles the models at these paths (relative to the source folder, '/'-separated) that need it. */
    Report run(List<String> models, boolean force) throws IOException {
        Properties old = load();
        String config = fingerprint();
        boolean sameConfig = config.equals(old.getProperty(CONFIG));
        Map<String, String> state = new TreeMap<>();
        state.put(CONFIG, config);
        List<Diagnostic> errors = new ArrayList<>(), warnings = new ArrayList<>();
        int compiled = 0, upToDate = 0, failedFiles = 0;
        for (String model : models) {
            byte[] text = Files.readAllBytes(sourceDir.resolve(model));
            String hash = sha256(text);
            Outputs out = outputs(model);
            if (!force && sameConfig && hash.equals(old.getProperty(model)) && Files.exists(out.classFile) && Files.exists(out.interfaceFile)) {
                state.put(model, hash);
                upToDate++;
                continue;
            }
            try {
                Source source = Source.decode(model, text); // not UTF-8: a positioned error like any other
                Compilation c = Compiler.compile(source, Compiler.Options.DEFAULT.withDtype(dtype).withRelease(release)
                        .withPackage(packageOf(model)).withInterfaces(List.of(qualified(model, interfaceName(model)))));
                warnings.addAll(c.warnings());
                writeIfChanged(out.classFile, c.classBytes());
                // Its companion (the Vector API kernels) beside it, or none left from an earlier build.
                byte[] vector = c.classFiles().get(c.className() + "$Vector");
                if (vector != null) writeIfChanged(out.vectorFile, vector);
                else Files.deleteIfExists(out.vectorFile);
                writeIfChanged(out.interfaceFile, TypedInterface.source(c, model, interfaceName(model)).getBytes(StandardCharsets.UTF_8));
                state.put(model, hash);
                compiled++;
            } catch (CompileException e) {
                errors.addAll(e.diagnostics());
                failedFiles++;
            }
        }
        int removed = 0;
        for (String previous : old.stringPropertyNames()) {
            if (previous.equals(CONFIG) || models.contains(previous)) continue;
            Outputs out = outputs(previous);
            Files.deleteIfExists(out.vectorFile);
            if (Files.deleteIfExists(out.classFile) | Files.deleteIfExists(out.interfaceFile)) removed++;
        }
        save(state);
        return new Report(compiled, upToDate, removed, errors, failedFiles, warnings);
    }

    private record Outputs(Path classFile, Path vectorFile, Path interfaceFile) {}

    private Outputs outputs(String model) {
        String base = model.substring(0, model.length() - ".grad".length());
        String dir = base.contains("/") ? base.substring(0, base.lastIndexOf('/') + 1) : "";
        return new Outputs(classesDir.resolve(base + ".class"), classesDir.resolve(base + "$Vector.class"),
                sourcesDir.resolve(dir + interfaceName(model) + ".java"));
    }

    /** The package follows the folders under the source directory, as for Java sources. */
    static String packageOf(String model) {
        int slash = model.lastIndexOf('/');
        return slash < 0 ? "" : model.substring(0, slash).replace('/', '.');
    }

    /** {@code Classifier.grad} gets the interface {@code ClassifierModel}. */
    static String interfaceName(String model) {
        String file = model.substring(model.lastIndexOf('/') + 1);
        return file.substring(0, file.length() - ".grad".length()) + "Model";
    }

    private static String qualified(String model, String simpleName) {
        String pkg = packageOf(model);
        return pkg.isEmpty() ? simpleName : pkg + "." + simpleName;
    }

    /** The compiler's own bytes and the options: a change to either recompiles every model. */
    private String fingerprint() throws IOException {
        return compilerHash() + " " + dtype + " release " + release;
    }

    private static String compilerHash() throws IOException {
        try {
            Path location = Path.of(Compiler.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(location)) return sha256(Files.readAllBytes(location));
        } catch (java.net.URISyntaxException | RuntimeException e) {
            // fall through: an unpacked compiler, as in the compiler's own tests
        }
        try (InputStream in = Compiler.class.getResourceAsStream("Compiler.class")) {
            return in == null ? "unknown" : sha256(in.readAllBytes());
        }
    }

    private static void writeIfChanged(Path file, byte[] bytes) throws IOException {
        if (Files.exists(file) && java.util.Arrays.equals(Files.readAllBytes(file), bytes)) return;
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }

    private Properties load() throws IOException {
        Properties p = new Properties();
        if (Files.exists(stateFile)) {
            try (InputStream in = Files.newInputStream(stateFile)) {
                p.load(in);
            } catch (IllegalArgumentException corrupt) {
                p.clear(); // a damaged state file only costs a full rebuild
            }
        }
        return p;
    }

    /** Sorted lines, no timestamp: the same run leaves the same bytes. */
    private void save(Map<String, String> state) throws IOException {
        StringBuilder text = new StringBuilder("# gradc: what was compiled from which model content; delete to rebuild\n");
        state.forEach((k, v) -> text.append(k.replace(":", "\\:").replace("=", "\\=").replace(" ", "\\ ")).append('=').append(v).append('\n'));
        writeIfChanged(stateFile, text.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
