package dev.dyspec.core.engine;

/** The admission queue is full; the caller should retry later. */
public class EngineBusyException extends RuntimeException {

    private final int retryAfterSeconds;

    public EngineBusyException(String message, int retryAfterSeconds) {
        super(message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
