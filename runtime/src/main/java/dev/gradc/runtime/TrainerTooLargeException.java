package dev.gradc.runtime;

/**
 * A trainer whose buffers do not fit this JVM: the message says how much memory it needs and what
 * the heap allows, ready to show to a user.
 */
public final class TrainerTooLargeException extends RuntimeException {
    /**
     * An exception with its message and cause.
     *
     * @param message the memory the trainer needs and what the heap allows
     * @param cause the {@link OutOfMemoryError} or overflow behind it
     */
    public TrainerTooLargeException(String message, Throwable cause) {
        super(message, cause);
    }
}
