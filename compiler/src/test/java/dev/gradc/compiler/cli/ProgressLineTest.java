package dev.gradc.compiler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The progress line's two forms: redrawn in place on a terminal, plain lines elsewhere, nothing when quiet. */
class ProgressLineTest {
    static final ProgressLine.Status MID_EPOCH = new ProgressLine.Status(2, 10, 117, 469, 45_678.9, 754.2, 0.3456789);

    @Test
    void rendersStepsRateTimeLeftAndLoss() {
        assertEquals("epoch 2/10  117/469 [====>...............]  45,679 ex/s  ETA 12:34  loss 0.345679", MID_EPOCH.render());
        assertEquals("step  7/50 [==>.................]  12.5 ex/s  ETA 1:02:03  loss 1.000000",
                new ProgressLine.Status(0, 0, 7, 50, 12.5, 3723, 1).render());
        assertEquals("step 50/50 [====================]  - ex/s  ETA 0:00  loss 0.000000",
                new ProgressLine.Status(0, 0, 50, 50, Double.NaN, 0, 0).render());
        assertEquals("-", ProgressLine.duration(Double.NaN));
        assertEquals("-", ProgressLine.duration(Double.POSITIVE_INFINITY));
    }

    @Test
    void onATerminalTheLineIsRedrawnInPlaceAndClearedBeforeALineThatStays() {
        StringWriter s = new StringWriter();
        ProgressLine p = new ProgressLine(new PrintWriter(s), ProgressLine.Mode.TERMINAL, false);
        p.update(0, new ProgressLine.Status(1, 2, 1, 10, 100, 9, 2.5));
        String first = "epoch 1/2   1/10 [==>.................]  100 ex/s  ETA 0:09  loss 2.500000";
        assertEquals("\r" + first, s.toString());
        p.update(1, MID_EPOCH); // within REDRAW_NANOS of the last: not drawn
        assertEquals("\r" + first, s.toString());
        p.update(ProgressLine.REDRAW_NANOS, new ProgressLine.Status(1, 2, 5, 10, 100, 5, 2.25));
        String second = "epoch 1/2   5/10 [==========>.........]  100 ex/s  ETA 0:05  loss 2.250000";
        assertEquals("\r" + first + "\r" + second, s.toString());
        p.line("epoch   1/2  loss 2.2");
        assertEquals("\r" + first + "\r" + second + "\r" + " ".repeat(second.length()) + "\r" + "epoch   1/2  loss 2.2"
                + System.lineSeparator(), s.toString());
        p.clear(); // nothing on screen: nothing written
        assertTrue(s.toString().endsWith("loss 2.2" + System.lineSeparator()));
    }

    @Test
    void aShorterLineErasesWhatALongerOneLeft() {
        StringWriter s = new StringWriter();
        ProgressLine p = new ProgressLine(new PrintWriter(s), ProgressLine.Mode.TERMINAL, false);
        p.update(0, new ProgressLine.Status(0, 0, 1, 100, 123_456, 99, 1));
        int longer = s.toString().length() - 1;
        p.update(ProgressLine.REDRAW_NANOS, new ProgressLine.Status(0, 0, 2, 100, 1.5, 98, 1));
        String last = s.toString().substring(s.toString().lastIndexOf('\r') + 1);
        assertEquals(longer, last.length(), "padded with spaces to the longer line's length");
        assertTrue(last.endsWith(" "), last);
    }

    @Test
    void colorOnlyOnATerminal() {
        StringWriter s = new StringWriter();
        new ProgressLine(new PrintWriter(s), ProgressLine.Mode.TERMINAL, true).update(0, MID_EPOCH);
        assertTrue(s.toString().contains("\u001b[32m====\u001b[0m"), s.toString());
        StringWriter plain = new StringWriter();
        ProgressLine p = new ProgressLine(new PrintWriter(plain), ProgressLine.Mode.PLAIN, true);
        p.update(0, MID_EPOCH);
        p.line("step 10/100");
        assertEquals("step 10/100" + System.lineSeparator(), plain.toString());
    }

    @Test
    void plainAndQuietForms() {
        StringWriter s = new StringWriter();
        ProgressLine p = new ProgressLine(new PrintWriter(s), ProgressLine.Mode.PLAIN, false);
        for (int i = 0; i < 5; i++) p.update(i * ProgressLine.REDRAW_NANOS, MID_EPOCH);
        p.line("epoch 1/2");
        p.clear();
        assertEquals("epoch 1/2" + System.lineSeparator(), s.toString());
        assertFalse(s.toString().contains("\r"));
        StringWriter q = new StringWriter();
        ProgressLine quiet = new ProgressLine(new PrintWriter(q), ProgressLine.Mode.QUIET, false);
        quiet.update(0, MID_EPOCH);
        quiet.line("epoch 1/2");
        assertEquals("", q.toString());
    }

    @Test
    void theModeFollowsTheConsoleNoColorAndQuiet() {
        assertEquals(ProgressLine.Mode.TERMINAL, ProgressLine.mode(false, true, null));
        assertEquals(ProgressLine.Mode.PLAIN, ProgressLine.mode(false, false, null));
        assertEquals(ProgressLine.Mode.PLAIN, ProgressLine.mode(false, true, "1"), "NO_COLOR asks for plain lines");
        assertEquals(ProgressLine.Mode.TERMINAL, ProgressLine.mode(false, true, ""), "an empty NO_COLOR is unset (no-color.org)");
        assertEquals(ProgressLine.Mode.QUIET, ProgressLine.mode(true, true, null));
        assertEquals(ProgressLine.Mode.QUIET, ProgressLine.mode(true, false, null));
    }

    /** The CLI's listener turns the loop's state into the status line: examples per second and time left from this run's steps. */
    @Test
    void trainOnATerminalDrawsTheStatusLineAndEndsWithoutIt() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("progress");
        java.nio.file.Path model = java.nio.file.Files.writeString(dir.resolve("Tiny.grad"), CliTest.TINY);
        StringWriter out = new StringWriter(), err = new StringWriter();
        int exit = Main.run(new String[] {"train", model.toString(), "--steps", "3", "--print-every", "0",
                "--save", dir.resolve("p.npz").toString()}, new PrintWriter(out, true), new PrintWriter(err, true), System.in, true);
        assertEquals(0, exit, err.toString());
        String text = out.toString();
        if (ProgressLine.colorAllowed(System.getenv("NO_COLOR"))) {
            // The first step draws at once; the last is not drawn (the summary follows), and the line is cleared before it.
            assertTrue(text.contains("\rstep 1/3 ["), text);
            assertTrue(text.contains("\r\u001b[Kafter 3 steps"), text);
        } else {
            assertFalse(text.contains("\r"), text);
        }
    }
}
