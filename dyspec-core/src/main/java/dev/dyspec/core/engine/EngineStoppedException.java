package dev.dyspec.core.engine;

/** The engine is shutting down or has stopped: the request was not, or not completely, served (HTTP 503). */
public class EngineStoppedException extends RuntimeException {

    public EngineStoppedException(String message) {
        super(message);
    }
}
