package dev.gradc.runtime;

/**
 * A trainer whose buffers do not fit this JVM: the message says how much memory it needs and what
 * the heap allows, ready to show to a user.
 */
public final class TrainerTooLargeException extends RuntimeException {
    public TrainerTooLargeException(String message, Throwable cause) {
        super(message, cause);
    }
}
