package dev.gradc.compiler.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * gradc train's progress on the console. On a terminal, one line redrawn in place during the run
 * (steps done, examples per second, time left, running loss), as Keras's {@code fit} does, and the
 * progress points as lines that stay; elsewhere (a pipe, CI), or when {@code NO_COLOR} asks for
 * plain output, only the lines that stay, so a log holds no carriage returns; quiet prints neither.
 */
final class ProgressLine {
    enum Mode { TERMINAL, PLAIN, QUIET }

    /** Redraws at most this often: a step of micrograd's moons takes microseconds. */
    static final long REDRAW_NANOS = 100_000_000L;
    private static final int BAR = 20;

    private final PrintWriter out;
    private final Mode mode;
    private final boolean color;
    private int shown; // characters of the status line on screen, 0 when none
    private long lastDraw = Long.MIN_VALUE;

    ProgressLine(PrintWriter out, Mode mode, boolean color) {
        this.out = out;
        this.mode = mode;
        this.color = color && mode == Mode.TERMINAL;
    }

    /**
     * The mode for this console: quiet when asked, a terminal when there is one and {@code NO_COLOR}
     * (its value, or null) does not ask for plain output, plain lines otherwise.
     */
    static Mode mode(boolean quiet, boolean terminal, String noColor) {
        return quiet ? Mode.QUIET : terminal && colorAllowed(noColor) ? Mode.TERMINAL : Mode.PLAIN;
    }

    /** Whether {@code NO_COLOR} asks for no escape sequences (set and not empty, as no-color.org says). */
    static boolean colorAllowed(String noColor) {
        return noColor == null || noColor.isEmpty();
    }

    Mode mode() {
        return mode;
    }

    /** A line that stays (a progress point, a saved checkpoint): replaces the status line, if any. */
    void line(String text) {
        if (mode == Mode.QUIET) return;
        clear();
        out.println(text);
        out.flush();
    }

    /** A line that stays even when quiet (a file written): replaces the status line, if any. */
    void note(String text) {
        clear();
        out.println(text);
        out.flush();
    }

    /**
     * Redraws the status line (on a terminal, at most every {@link #REDRAW_NANOS}).
     *
     * @param now {@link System#nanoTime()}
     */
    void update(long now, Status s) {
        if (mode != Mode.TERMINAL || (lastDraw != Long.MIN_VALUE && now - lastDraw < REDRAW_NANOS)) return;
        lastDraw = now;
        String text = s.render();
        StringBuilder b = new StringBuilder("\r");
        if (color) {
            b.append(colored(s, text)).append("\u001b[K"); // erase what a longer line left
        } else {
            b.append(text);
            for (int i = text.length(); i < shown; i++) b.append(' ');
        }
        shown = text.length();
        out.print(b);
        out.flush();
    }

    /** Takes the status line off the screen (before a line that stays, or at the end). */
    void clear() {
        if (shown == 0) return;
        out.print(color ? "\r\u001b[K" : "\r" + " ".repeat(shown) + "\r");
        shown = 0;
        out.flush();
    }

    /** The bar's finished part in green. */
    private static String colored(Status s, String text) {
        int open = text.indexOf('['), close = text.indexOf(']');
        if (open < 0 || close < open) return text;
        int filled = s.filled(BAR);
        return text.substring(0, open + 1) + "\u001b[32m" + text.substring(open + 1, open + 1 + filled) + "\u001b[0m"
                + text.substring(open + 1 + filled);
    }

    /**
     * What the status line shows.
     *
     * @param epoch the epoch under way, counted from 1; 0 when the run counts steps
     * @param epochs epochs of the run, 0 when it counts steps
     * @param done steps done: of the epoch when counting epochs, of the run otherwise
     * @param of steps of the epoch, or of the run
     * @param examplesPerSecond examples through {@code step()} per second of wall-clock time
     * @param secondsLeft estimated time to the end of the run
     * @param loss the running loss: the epoch's mean so far, or the last batch's
     */
    record Status(int epoch, int epochs, int done, int of, double examplesPerSecond, double secondsLeft, double loss) {
        int filled(int width) {
            return of <= 0 ? 0 : (int) ((long) width * Math.min(done, of) / of);
        }

        String render() {
            StringBuilder b = new StringBuilder();
            if (epochs > 0) b.append(String.format(Locale.ROOT, "epoch %d/%d  ", epoch, epochs));
            else b.append("step ");
            int width = Integer.toString(of).length();
            b.append(String.format(Locale.ROOT, "%" + width + "d/%d [", done, of));
            int filled = filled(BAR);
            b.append("=".repeat(filled));
            if (filled < BAR) b.append('>').append(".".repeat(BAR - filled - 1));
            b.append(']');
            b.append(String.format(Locale.ROOT, "  %s ex/s  ETA %s  loss %.6f", rate(examplesPerSecond), duration(secondsLeft), loss));
            return b.toString();
        }

        private static String rate(double r) {
            if (!Double.isFinite(r)) return "-";
            return r >= 100 ? String.format(Locale.ROOT, "%,d", Math.round(r)) : String.format(Locale.ROOT, "%.1f", r);
        }
    }

    /** {@code 0:07}, {@code 12:34}, {@code 1:02:03}; {@code -} when unknown. */
    static String duration(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) return "-";
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
