package dev.dyspec.app.engine;

/** A request or configuration names a strategy that is not registered. */
public class UnknownStrategyException extends IllegalArgumentException {

    public UnknownStrategyException(String message) {
        super(message);
    }
}
