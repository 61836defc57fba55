package dev.gradc.compiler.ir;

/** An op's shape rule rejected its inputs; the graph builder adds the source position. */
public final class ShapeException extends RuntimeException {
    public ShapeException(String message) {
        super(message, null, false, false);
    }
}
