package dev.gradc.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradc.runtime.Trainer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's embedding story: {@code gradc compile} writes Moons.class, a plain Java program is
 * compiled against it and run in its own JVM with nothing but the runtime on its classpath.
 */
class EmbeddingTest {
    @Test
    void plainJavaProgramTrainsTheCompiledClass(@TempDir Path tmp) throws Exception {
        String out = MoonsSampleTest.run(0, "compile", MoonsSampleTest.SAMPLES.resolve("moons/Moons.grad").toString(), "-d", tmp.toString());
        assertTrue(Files.exists(tmp.resolve("Moons.class")), out);

        String runtime = Path.of(Trainer.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        String classpath = runtime + File.pathSeparator + tmp;
        Path program = MoonsSampleTest.SAMPLES.resolve("embedding/EmbedMoons.java");
        int javac = ToolProvider.getSystemJavaCompiler().run(null, null, null,
                "-cp", classpath, "-d", tmp.toString(), program.toString());
        assertEquals(0, javac, "javac of " + program);

        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-cp", classpath, "EmbedMoons", tmp.resolve("moons.npz").toString())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the embedding program did not finish");
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.matches("(?s)loss \\d+\\.\\d+, accuracy 100%\\s*"), output);
        assertTrue(Files.size(tmp.resolve("moons.npz")) > 0);
    }
}
