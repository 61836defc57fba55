package dev.gradc.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Executors need gradc-runtime and gradc-spark only. Java's deserialization (of a task's closure,
 * of the broadcast model) resolves every method signature of the classes it reads, so a class that
 * reaches an executor must not name gradc-compiler's or the front end's types: only the driver's
 * SparkTrainer and DriverModels may. (The tests have the compiler on their classpath, so a task
 * would not fail here; this finds it in the class files.)
 */
class ExecutorClassesTest {
    @Test
    void onlyDriverClassesNameTheCompiler() throws IOException {
        Path classes = Path.of("target/classes/dev/gradc/spark");
        List<Path> files;
        try (Stream<Path> s = Files.walk(classes)) {
            files = s.filter(p -> p.toString().endsWith(".class")).toList();
        }
        assertTrue(files.size() > 10, "classes not found under " + classes.toAbsolutePath());
        List<String> naming = files.stream().filter(ExecutorClassesTest::namesCompiler)
                .map(p -> p.getFileName().toString()).sorted().toList();
        assertEquals(List.of("DriverModels.class", "SparkTrainer.class"), naming);
    }

    private static boolean namesCompiler(Path classFile) {
        try {
            String text = new String(Files.readAllBytes(classFile), StandardCharsets.ISO_8859_1);
            return text.contains("dev/gradc/compiler/") || text.contains("dev/gradc/dsl/");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
