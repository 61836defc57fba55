package dev.gradc.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link KernelCheck#main} in a fresh JVM per vector width (the species, hence tile, strips and
 * blocks, follow {@code -XX:MaxVectorSize}; a width the CPU lacks falls back to its widest): every
 * kernel against the plain path, and the cold start, which needs a JVM whose warm-up has not run.
 */
class KernelWidthsTest {
    @ParameterizedTest(name = "MaxVectorSize={0}")
    @ValueSource(ints = {16, 32, 64})
    void kernelsAndColdStartAtEveryWidth(int bytes) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = List.of(java.toString(), "-XX:MaxVectorSize=" + bytes, "--add-modules", "jdk.incubator.vector",
                "-cp", System.getProperty("java.class.path"), KernelCheck.class.getName());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        boolean done = p.waitFor(300, TimeUnit.SECONDS);
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!done) p.destroyForcibly();
        assertTrue(done, "timed out:\n" + output);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("\nOK"), output);
        System.out.println("MaxVectorSize=" + bytes + ": " + output.lines().filter(l -> !l.startsWith("WARNING")).toList());
    }
}
