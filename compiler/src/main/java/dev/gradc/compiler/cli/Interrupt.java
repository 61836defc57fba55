package dev.gradc.compiler.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C and SIGTERM during training: the JVM runs its shutdown hooks, and this one asks the
 * training loop to stop at the next step boundary ({@link #requested()}, read after every step),
 * then waits for the run to write its checkpoint ({@link #finish()}) before letting the JVM end.
 * Installed only around the loop, so an interrupt while compiling or loading data ends at once.
 */
final class Interrupt {
    /** How long the hook waits for the checkpoint: a step of the largest sample takes milliseconds, a write seconds. */
    static final long WAIT_SECONDS = 60;

    private volatile boolean requested;
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook = new Thread(this::onShutdown, "gradc-interrupt");
    private boolean installed;

    private void onShutdown() {
        requested = true;
        try {
            finished.await(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the JVM is ending either way
        }
    }

    /** Whether the process was asked to end: the loop stops after the step under way. */
    boolean requested() {
        return requested;
    }

    void install() {
        try {
            Runtime.getRuntime().addShutdownHook(hook);
            installed = true;
        } catch (IllegalStateException e) { // already shutting down: stop at the first step
            requested = true;
        }
    }

    /** The run has saved what it will save: lets a waiting hook return, and takes the hook off. */
    void finish() {
        finished.countDown();
        if (!installed) return;
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutdown under way: the hook is running and returns now that the run has finished
        }
    }
}
