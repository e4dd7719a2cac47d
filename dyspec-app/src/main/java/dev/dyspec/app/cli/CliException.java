package dev.dyspec.app.cli;

/** A command-line mistake: printed to stderr, exit code 2. */
public class CliException extends RuntimeException {

    public CliException(String message) {
        super(message);
    }
}
