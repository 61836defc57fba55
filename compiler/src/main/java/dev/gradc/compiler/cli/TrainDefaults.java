package dev.gradc.compiler.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine;

/**
 * Per-model training defaults from {@code Model.train} beside {@code Model.grad}: lines of
 * {@code option = value} with option names as on the command line, without dashes, and {@code #}
 * comments. Lets a sample carry its recipe, so {@code gradc train samples/moons/Moons.grad} needs no
 * flags; options given on the command line win.
 */
final class TrainDefaults implements CommandLine.IDefaultValueProvider {
    private final Map<String, String> values;

    private TrainDefaults(Map<String, String> values) {
        this.values = values;
    }

    /** The defaults for the model among {@code args} (the first argument ending in .grad), or none. */
    static TrainDefaults forArguments(String[] args) {
        for (String a : args) {
            if (!a.endsWith(".grad")) continue;
            Map<String, String> values = read(Path.of(a.substring(0, a.length() - 5) + ".train"));
            // --steps on the command line wins over the recipe's epochs (which would override it), and
            // the recipe's print-every, counted in those epochs, goes with them.
            if (given(args, "--steps") && !given(args, "--epochs") && values.remove("epochs") != null) values.remove("print-every");
            return new TrainDefaults(values);
        }
        return new TrainDefaults(Map.of());
    }

    private static boolean given(String[] args, String option) {
        for (String a : args) if (a.equals(option) || a.startsWith(option + "=")) return true;
        return false;
    }

    private static Map<String, String> read(Path file) {
        Map<String, String> out = new HashMap<>();
        if (!Files.isRegularFile(file)) return out;
        try {
            int lineNo = 0;
            for (String line : Files.readAllLines(file)) {
                lineNo++;
                String text = line.strip();
                if (text.isEmpty() || text.startsWith("#")) continue;
                int eq = text.indexOf('=');
                if (eq < 0) throw new Main.UserError(file + ":" + lineNo + ":1: error: expected `option = value`");
                out.put(text.substring(0, eq).strip(), text.substring(eq + 1).strip());
            }
        } catch (IOException e) {
            throw new Main.UserError("gradc: cannot read " + file + ": " + e.getMessage());
        }
        return out;
    }

    @Override
    public String defaultValue(CommandLine.Model.ArgSpec arg) {
        if (!(arg instanceof CommandLine.Model.OptionSpec option)) return null;
        String value = values.get(option.longestName().replaceFirst("^--?", ""));
        return value != null ? value : arg.defaultValue();
    }
}
