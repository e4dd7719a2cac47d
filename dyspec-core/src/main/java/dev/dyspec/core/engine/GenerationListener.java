package dev.dyspec.core.engine;

import dev.dyspec.core.decode.GenerationSession;
import dev.dyspec.core.decode.StepResult;

/** Receives one generation's progress on the engine's thread; implementations must not block. */
public interface GenerationListener {

    /** The prompt was prefilled and the generation is running. */
    default void onStart(GenerationSession session) {
    }

    void onStep(StepResult step);

    /** The generation finished; {@code session} still holds its text and statistics. */
    void onComplete(GenerationSession session);

    void onError(Throwable error);
}
