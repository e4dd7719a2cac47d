package dev.dyspec.core.engine;

/** A generation ran past the wall-clock limit per generation; it is stopped and its client told. */
public class GenerationTimeoutException extends RuntimeException {

    public GenerationTimeoutException(String message) {
        super(message);
    }
}
