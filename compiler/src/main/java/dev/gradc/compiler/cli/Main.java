package dev.gradc.compiler.cli;

import dev.gradc.dsl.CompileException;
import dev.gradc.runtime.CheckpointException;
import dev.gradc.runtime.DataException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gradc} command: compile, train and explain model files. */
@Command(name = "gradc", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Ahead-of-time compiler for neural-network training on the JVM.",
        subcommands = {CompileCommand.class, TrainCommand.class, ExplainCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line; returns the exit code. A user's mistake prints a message, never a stack trace. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        if (args.length > 0 && args[0].equals("train")) {
            try {
                cli.getSubcommands().get("train").setDefaultValueProvider(TrainDefaults.forArguments(args));
            } catch (UserError e) {
                err.println(e.getMessage());
                return 1;
            }
        }
        cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
            if (e instanceof UsageError) {
                err.println(e.getMessage());
                return 2;
            }
            if (e instanceof CompileException || e instanceof CheckpointException || e instanceof DataException
                    || e instanceof dev.gradc.runtime.TrainerTooLargeException || e instanceof UserError) {
                err.println(e.getMessage());
                return 1;
            }
            err.println("gradc: internal error (please report it with the model file):");
            e.printStackTrace(err);
            return 70;
        });
        int exit = cli.execute(args);
        out.flush();
        err.flush();
        return exit;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** A mistake in how gradc was called (a missing file, a model that does not fit the data). */
    static class UserError extends RuntimeException {
        UserError(String message) {
            super(message, null, false, false);
        }
    }

    /** An option out of its range or a wrong combination of options: exit code 2, as for options picocli cannot parse. */
    static final class UsageError extends UserError {
        UsageError(String message) {
            super(message);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"gradc " + (v == null ? "development build" : v)};
        }
    }
}
