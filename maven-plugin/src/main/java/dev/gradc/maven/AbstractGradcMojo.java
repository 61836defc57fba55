package dev.gradc.maven;

import dev.gradc.dsl.Diagnostic;
import dev.gradc.runtime.DType;
import java.io.File;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/** What the compile and testCompile goals share: finding models, the run, its report and errors. */
abstract class AbstractGradcMojo extends AbstractMojo {
    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    protected MavenProject project;

    /** Which model files under the source directory to compile (glob patterns, relative); all {@code .grad} files when empty. */
    @Parameter
    protected List<String> includes = new ArrayList<>();

    /** Which model files to leave out (glob patterns, relative). */
    @Parameter
    protected List<String> excludes = new ArrayList<>();

    /** Element type of the generated trainers: float32 or float64. */
    @Parameter(property = "gradc.precision", defaultValue = "float32")
    protected String precision;

    /** Skip gradc (the generated-sources folder is still registered). */
    @Parameter(property = "gradc.skip", defaultValue = "false")
    protected boolean skip;

    /** Recompile every model, even those up to date. */
    @Parameter(property = "gradc.force", defaultValue = "false")
    protected boolean force;

    /** Fail the build on warnings (such as a parameter the loss does not depend on) as well as errors. */
    @Parameter(property = "gradc.failOnWarning", defaultValue = "false")
    protected boolean failOnWarning;

    /** The Java release of the generated class files: the project's {@code maven.compiler.release}, 17 when unset. */
    @Parameter(property = "maven.compiler.release", defaultValue = "17")
    protected int release;

    protected abstract File sourceDirectory();

    protected abstract File outputDirectory();

    protected abstract File generatedSourcesDirectory();

    protected abstract void addSourceRoot(String path);

    /** Names the state file, apart for main and test models. */
    protected abstract String scope();

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        addSourceRoot(generatedSourcesDirectory().getPath());
        if (skip) {
            getLog().info("gradc: skipped");
            return;
        }
        Path sources = sourceDirectory().toPath();
        if (!Files.isDirectory(sources)) {
            getLog().debug("gradc: no " + sources + ", nothing to compile");
            return;
        }
        DType dtype;
        switch (precision) {
            case "float32": dtype = DType.FLOAT32; break;
            case "float64": dtype = DType.FLOAT64; break;
            default: throw new MojoFailureException("gradc: precision must be float32 or float64, not " + precision);
        }
        if (release < 17) throw new MojoFailureException("gradc: generated classes need Java 17 or later; release is " + release);
        ModelBuild build = new ModelBuild(sources, outputDirectory().toPath(), generatedSourcesDirectory().toPath(),
                Path.of(project.getBuild().getDirectory(), "gradc", scope() + ".state"), dtype, release);
        ModelBuild.Report r;
        try {
            r = build.run(models(sources), force);
        } catch (IOException e) {
            throw new MojoExecutionException("gradc: " + e.getMessage(), e);
        }
        Path base = project.getBasedir().toPath();
        // Positions relative to the project, as the user wrote the path; the rest as formatted.
        String relative = base.relativize(sources).toString().replace(File.separatorChar, '/');
        String prefix = relative.isEmpty() ? "" : relative + "/";
        for (ModelBuild.Compiled m : r.compiled()) {
            getLog().info("gradc: " + (m.ok() ? "compiled " : "failed to compile ") + prefix + m.model() + " (" + m.reason().text + ")");
        }
        for (Diagnostic d : r.warnings()) getLog().warn(prefix + d.format());
        for (Diagnostic d : r.errors()) getLog().error(prefix + d.format());
        String summary = "Compiled " + count(r.compiledCount(), "model") + ", " + r.upToDate() + " up to date"
                + (r.failedFiles() > 0 ? ", " + r.failedFiles() + " failed" : "")
                + (r.removed() > 0 ? ", " + r.removed() + " removed" : "");
        getLog().info(summary);
        if (!r.errors().isEmpty()) {
            throw new MojoFailureException(count(r.errors().size(), "error") + " in " + count(r.failedFiles(), "model file"));
        }
        if (failOnWarning && !r.warnings().isEmpty()) {
            throw new MojoFailureException(count(r.warnings().size(), "warning") + " and failOnWarning is set");
        }
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }

    /** Model files matching includes and not excludes, as sorted '/'-separated relative paths. */
    private List<String> models(Path sources) throws MojoExecutionException {
        List<PathMatcher> in = matchers(includes == null || includes.isEmpty() ? List.of("**/*.grad") : includes);
        List<PathMatcher> out = matchers(excludes == null ? List.of() : excludes);
        try (Stream<Path> files = Files.walk(sources)) {
            return files.filter(Files::isRegularFile)
                    .map(sources::relativize)
                    .filter(p -> p.toString().endsWith(".grad"))
                    .filter(p -> in.stream().anyMatch(m -> matches(m, p)) && out.stream().noneMatch(m -> matches(m, p)))
                    .map(p -> p.toString().replace(File.separatorChar, '/'))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new MojoExecutionException("gradc: cannot list " + sources + ": " + e.getMessage(), e);
        }
    }

    /** A pattern like {@code **}{@code /*.grad} also matches files at the top. */
    private static boolean matches(PathMatcher m, Path p) {
        return m.matches(p) || (p.getNameCount() == 1 && m.matches(Path.of("x").resolve(p)));
    }

    private static List<PathMatcher> matchers(List<String> globs) {
        List<PathMatcher> out = new ArrayList<>();
        for (String g : globs) out.add(FileSystems.getDefault().getPathMatcher("glob:" + g));
        return out;
    }
}
