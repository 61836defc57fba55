package dev.gradc.compiler.cli;

import dev.gradc.dsl.CompileException;
import dev.gradc.runtime.CheckpointException;
import dev.gradc.runtime.DataException;
import dev.gradc.runtime.internal.MatMul;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code gradc} command: compile, train, evaluate, predict and explain model files. */
@Command(name = "gradc", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Ahead-of-time compiler for neural-network training on the JVM.",
        subcommands = {CompileCommand.class, TrainCommand.class, EvalCommand.class, PredictCommand.class, ExplainCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Where {@code -} reads from, and whether standard output is a terminal: set per run. */
    static final class Console {
        final InputStream stdin;
        final boolean terminal;

        Console(InputStream stdin, boolean terminal) {
            this.stdin = stdin;
            this.terminal = terminal;
        }
    }

    private static final ThreadLocal<Console> CONSOLE = ThreadLocal.withInitial(() -> new Console(System.in, false));

    static Console console() {
        return CONSOLE.get();
    }

    /** Whether this JVM is the command's own (started by main): only then does a command make JVM-wide choices ({@link KernelChoice}). */
    static volatile boolean ownsJvm;

    public static void main(String[] args) {
        ownsJvm = true;
        // A terminal only when both ends are one: System.console() is null when stdout or stdin is redirected.
        boolean terminal = System.console() != null;
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true), System.in, terminal));
    }

    /** Runs the command line; returns the exit code. A user's mistake prints a message, never a stack trace. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        return run(args, out, err, System.in, false);
    }

    /**
     * As {@link #run(String[], PrintWriter, PrintWriter)}, with {@code stdin} for {@code -} and
     * whether {@code out} is a terminal (the progress line redraws itself there).
     */
    public static int run(String[] args, PrintWriter out, PrintWriter err, InputStream stdin, boolean terminal) {
        Console before = CONSOLE.get();
        CONSOLE.set(new Console(stdin, terminal));
        try {
            return execute(args, out, err);
        } finally {
            CONSOLE.set(before);
        }
    }

    private static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(out);
        cli.setErr(err);
        // A model's recipe (Model.train) gives train its defaults, and eval and predict those of the data options they share.
        if (args.length > 0 && (args[0].equals("train") || args[0].equals("eval") || args[0].equals("predict"))) {
            try {
                cli.getSubcommands().get(args[0]).setDefaultValueProvider(TrainDefaults.forArguments(args));
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
            if (e instanceof UncheckedIOException io) { // a file gradc could not write or read: the user's to fix
                err.println("gradc: " + ioMessage(io.getCause()));
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

    /** An I/O exception as a user reads it: which file and what went wrong, without the exception's class name. */
    static String ioMessage(IOException e) {
        String file = e instanceof java.nio.file.FileSystemException f ? f.getFile() : null;
        String reason = e instanceof java.nio.file.FileSystemException g ? g.getReason() : e.getMessage();
        if (e instanceof java.nio.file.NoSuchFileException) reason = "no such file or directory";
        else if (e instanceof java.nio.file.AccessDeniedException) reason = "permission denied";
        else if (e instanceof java.nio.file.FileAlreadyExistsException) reason = "exists and is not a directory";
        else if (e instanceof java.nio.file.NotDirectoryException) reason = "not a directory";
        if (reason == null) reason = e.getClass().getSimpleName();
        return file == null ? reason : file + ": " + reason;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** An option at least {@code min}, or a usage error naming it and its range. */
    static void atLeast(String option, int value, int min, String note) {
        if (value < min) throw new UsageError("gradc: " + option + " must be at least " + min + note + ", got " + value);
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

    /** {@code gradc --version}: the version, the commit it was built from, the JDK, and the matrix-product path. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Properties build = build();
            return new String[] {
                "gradc " + build.getProperty("version", "development build"),
                "commit " + build.getProperty("commit", "unknown"),
                "JDK " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ", "
                        + System.getProperty("java.vm.vendor") + "), " + System.getProperty("os.arch"),
                "matrix products: " + MatMul.implementation(),
            };
        }

        /**
         * {@code build.properties}, filtered by Maven when the compiler was built: the version and
         * the git commit (the commit is "unknown" when the build ran without git).
         */
        static Properties build() {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("build.properties")) {
                if (in != null) p.load(in);
            } catch (IOException e) {
                // an unreadable resource leaves the defaults: --version still answers
            }
            p.entrySet().removeIf(e -> e.getValue().toString().isBlank() || e.getValue().toString().startsWith("${"));
            return p;
        }
    }
}
