package dev.dyspec.app.engine;

/** Models are loading or failed to load: answered with 503. */
public class ModelsUnavailableException extends RuntimeException {

    public ModelsUnavailableException(String message) {
        super(message);
    }
}
