package dev.gradc.dsl;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A user's model file is wrong. Carries every diagnostic found; its message is their printed form,
 * so a command-line tool prints {@link #getMessage()} and never a stack trace.
 */
public final class CompileException extends RuntimeException {
    private final List<Diagnostic> diagnostics;

    public CompileException(List<Diagnostic> diagnostics) {
        super(diagnostics.stream().map(Diagnostic::format).collect(Collectors.joining("\n")), null, false, false);
        if (diagnostics.isEmpty()) throw new IllegalArgumentException("a compile error needs a diagnostic");
        this.diagnostics = List.copyOf(diagnostics);
    }

    public CompileException(Source source, SourcePos pos, String message) {
        this(List.of(new Diagnostic(source, pos, message)));
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }

    /** The first diagnostic, which is the whole story for most errors. */
    public Diagnostic first() {
        return diagnostics.get(0);
    }
}
