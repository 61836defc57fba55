package dev.gradc.compiler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gradc.runtime.DType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The moons model after each stage (IR, signature, plan), compared with the text in src/test/resources/golden.
 * Run with {@code -Dgradc.updateGolden=true} to rewrite the expectations, then review the diff.
 */
class GoldenIrTest {
    private static final boolean UPDATE = Boolean.getBoolean("gradc.updateGolden");

    @Test
    void moonsForward() throws IOException {
        check("moons.forward.ir", TestModels.moons(DType.FLOAT32).forward().toString());
    }

    @Test
    void moonsBackward() throws IOException {
        check("moons.backward.ir", TestModels.moons(DType.FLOAT32).backward().toString());
    }

    @Test
    void moonsTrained() throws IOException {
        check("moons.trained.ir", TestModels.moons(DType.FLOAT32).trained().toString());
    }

    @Test
    void moonsSignature() throws IOException {
        check("moons.signature", TestModels.moons(DType.FLOAT32).signature().format());
    }

    @Test
    void moonsPlan() throws IOException {
        check("moons.plan", TestModels.moons(DType.FLOAT32).plan().toString());
    }

    static void check(String name, String actual) throws IOException {
        Path file = TestModels.findUp("compiler/src/test/resources/golden").resolve(name);
        if (UPDATE || !Files.exists(file)) {
            Files.writeString(file, actual);
            if (!UPDATE) throw new AssertionError("golden file " + file + " was missing and has been written; review it");
            return;
        }
        assertEquals(Files.readString(file), actual, "IR differs from " + file + " (-Dgradc.updateGolden=true rewrites it)");
    }
}
