package dev.dyspec.core.checkpoint;

import java.nio.file.Path;

/** A checkpoint, tokenizer or model pair that cannot be used; the message names the file and the problem. */
public class CheckpointException extends RuntimeException {

    public CheckpointException(Path file, String problem) {
        super(file + ": " + problem);
    }

    public CheckpointException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }
}
