package dev.gradc.maven;

import java.io.File;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/** As {@code compile}, for test models: {@code src/test/grad} into {@code target/test-classes}. */
@Mojo(name = "testCompile", defaultPhase = LifecyclePhase.GENERATE_TEST_SOURCES, threadSafe = true)
public class TestCompileMojo extends AbstractGradcMojo {
    /** Where the test models are. */
    @Parameter(property = "gradc.testSourceDirectory", defaultValue = "${project.basedir}/src/test/grad")
    private File testSourceDirectory;

    /** Where their classes go. */
    @Parameter(property = "gradc.testOutputDirectory", defaultValue = "${project.build.testOutputDirectory}")
    private File testOutputDirectory;

    /** Where their typed interfaces go; registered as a test source root. */
    @Parameter(property = "gradc.generatedTestSourcesDirectory", defaultValue = "${project.build.directory}/generated-test-sources/gradc")
    private File generatedTestSourcesDirectory;

    @Override protected File sourceDirectory() { return testSourceDirectory; }
    @Override protected File outputDirectory() { return testOutputDirectory; }
    @Override protected File generatedSourcesDirectory() { return generatedTestSourcesDirectory; }
    @Override protected void addSourceRoot(String path) { project.addTestCompileSourceRoot(path); }
    @Override protected String scope() { return "test"; }
}
