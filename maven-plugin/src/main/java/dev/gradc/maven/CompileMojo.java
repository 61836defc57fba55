package dev.gradc.maven;

import java.io.File;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Compiles {@code src/main/grad/**}{@code /*.grad} into trainer classes in {@code target/classes}
 * and typed interfaces in {@code target/generated-sources/gradc}, before javac runs. A model in
 * {@code src/main/grad/com/example/} lands in package {@code com.example}. Unchanged models are
 * not recompiled.
 */
@Mojo(name = "compile", defaultPhase = LifecyclePhase.GENERATE_SOURCES, threadSafe = true)
public class CompileMojo extends AbstractGradcMojo {
    /** Where the models are. */
    @Parameter(property = "gradc.sourceDirectory", defaultValue = "${project.basedir}/src/main/grad")
    private File sourceDirectory;

    /** Where the classes go. */
    @Parameter(property = "gradc.outputDirectory", defaultValue = "${project.build.outputDirectory}")
    private File outputDirectory;

    /** Where the typed interfaces go; registered as a compile source root. */
    @Parameter(property = "gradc.generatedSourcesDirectory", defaultValue = "${project.build.directory}/generated-sources/gradc")
    private File generatedSourcesDirectory;

    @Override protected File sourceDirectory() { return sourceDirectory; }
    @Override protected File outputDirectory() { return outputDirectory; }
    @Override protected File generatedSourcesDirectory() { return generatedSourcesDirectory; }
    @Override protected void addSourceRoot(String path) { project.addCompileSourceRoot(path); }
    @Override protected String scope() { return "main"; }
}
