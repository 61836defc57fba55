package dev.gradc.compiler.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options eval and predict share: the trained parameters, the batch they run in, the precision and a synthetic set's seed. */
final class ParamsOptions {
    @Option(names = "--params", paramLabel = "PARAMS.npz", required = true,
            description = "Trained parameters: a parameters file (gradc train --save, NumPy), a checkpoint, or - for standard input.")
    Path params;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "Seed a synthetic set is drawn with (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "1000", description = "Examples run at a time (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--float64", description = "Run in double precision (default: that of the parameters file).")
    boolean float64;

    /** Every option in its range; {@code data} is the --data option, which cannot read standard input too. */
    void check(String data) {
        Main.atLeast("--batch", batch, 1, "");
        if (params.toString().equals("-") && data.equals("-")) {
            throw new Main.UsageError("gradc: --params and --data cannot both read standard input");
        }
    }
}
