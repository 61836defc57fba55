package dev.gradc.runtime;

/**
 * A data set that cannot be used. Errors in a data file carry their position and read like a
 * compiler's, {@code file:line:col: error: what}, ready to show to a user as they are.
 */
public final class DataException extends RuntimeException {
    /** The file, or null. */
    private final String file;
    /** The line, from 1; 0 if none. */
    private final int line;
    /** The column, from 1; 0 if none. */
    private final int column;

    /**
     * An error about a data set as a whole, with no position.
     *
     * @param message what is wrong, naming the data set
     */
    public DataException(String message) {
        super(message);
        this.file = null;
        this.line = 0;
        this.column = 0;
    }

    /**
     * An error at a 1-based line and column of a file.
     *
     * @param file the file, as named to the user
     * @param line the line, from 1
     * @param column the column, from 1
     * @param what what is wrong there
     */
    public DataException(String file, int line, int column, String what) {
        super(file + ":" + line + ":" + column + ": error: " + what);
        this.file = file;
        this.line = line;
        this.column = column;
    }

    /**
     * The file, or null if the error has no position.
     *
     * @return the file name
     */
    public String file() {
        return file;
    }

    /**
     * 1-based line, 0 if none.
     *
     * @return the line
     */
    public int line() {
        return line;
    }

    /**
     * 1-based column, 0 if none.
     *
     * @return the column
     */
    public int column() {
        return column;
    }
}
