package dev.gradc.compiler.cli;

import dev.gradc.runtime.Dataset;
import dev.gradc.runtime.Trainer;
import dev.gradc.runtime.Training;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code gradc eval MODEL.grad --params P.npz --data SET}: the loss and accuracy (or mse) of trained parameters on a data set. */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Measure trained parameters on a data set: the model's loss and the accuracy (or mean squared error) of its first output.")
final class EvalCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "MODEL.grad", description = "Model file.")
    Path model;

    @Mixin
    ParamsOptions trained = new ParamsOptions();

    @Mixin
    DataOptions data = new DataOptions();

    @Override
    public Integer call() {
        data.check();
        trained.check(data.data);
        // The label rule comes from the model, which needs compiling first.
        TrainedModel m = TrainedModel.compile(model, trained.params, trained.float64);
        LabelRule rule = LabelRule.of(m.compilation, data.regression());
        data.precision = m.compilation.options().dtype(); // the parameters file's, or float64 when asked
        Dataset set = data.load(data.data, trained.seed, rule, Main.console().stdin);
        Trainer t = m.trainer(Math.min(trained.batch, set.size()), spec.commandLine().getErr());
        Training.checkFits(t, set);
        Training.Score s = Training.evaluate(t, set, data.signed(), data.regression());
        spec.commandLine().getOut().printf(Locale.ROOT, "%s on %s (%d examples), parameters %s: loss %.6f, %s%n", t.modelName(),
                set.name(), set.size(), trained.params, s.loss(), s);
        return 0;
    }
}
