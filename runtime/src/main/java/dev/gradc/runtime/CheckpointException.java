package dev.gradc.runtime;

/**
 * A parameter file that cannot be used: not an npz, a damaged entry, an unsupported dtype, or
 * parameters that do not match the model. The message names the file and entry and says what is
 * wrong, ready to show to a user as it is.
 */
public final class CheckpointException extends RuntimeException {
    /**
     * An exception with its message.
     *
     * @param message what is wrong, naming the file and entry
     */
    public CheckpointException(String message) {
        super(message);
    }

    /**
     * An exception with its message and cause.
     *
     * @param message what is wrong, naming the file and entry
     * @param cause the exception behind it
     */
    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
