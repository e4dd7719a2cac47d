package dev.dyspec.core.engine;

import dev.dyspec.core.decode.GenerationRequest;
import dev.dyspec.core.decode.GenerationSession;
import dev.dyspec.core.decode.StepResult;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** Submits requests to an engine and hands back their outcome as a future. */
final class EngineOutcomes {

    private EngineOutcomes() {
    }

    /** The future completes with the generated tokens, or with the generation's failure. */
    static CompletableFuture<int[]> submit(InferenceEngine engine, GenerationRequest request, Consumer<StepResult> onStep) {
        CompletableFuture<int[]> done = new CompletableFuture<>();
        engine.submit(request, new GenerationListener() {
            @Override
            public void onStep(StepResult step) {
                onStep.accept(step);
            }

            @Override
            public void onComplete(GenerationSession session) {
                done.complete(session.generatedTokens());
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }
        });
        return done;
    }

    static CompletableFuture<int[]> submit(InferenceEngine engine, GenerationRequest request) {
        return submit(engine, request, step -> { });
    }
}
