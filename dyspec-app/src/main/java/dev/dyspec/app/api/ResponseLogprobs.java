package dev.dyspec.app.api;

import dev.dyspec.core.decode.GenerationRequest;
import dev.dyspec.core.decode.TokenLogprob;
import dev.dyspec.core.model.LanguageModel;
import java.util.ArrayList;
import java.util.List;

/**
 * The logprobs objects of one response, in chat's or completions' shape, or null throughout when the
 * request did not ask for them. An echoed prompt's tokens come first; its start token, which the
 * server added and the echoed text does not show, is left out.
 */
final class ResponseLogprobs {

    private final boolean wanted;
    private final boolean chat;
    private final int unscoredFirst;
    private final LogprobBodies bodies;

    ResponseLogprobs(GenerationRequest request, LanguageModel target, boolean chat) {
        this.wanted = request.logprobs().generated();
        this.chat = chat;
        int first = request.promptTokens()[0];
        this.unscoredFirst = request.logprobs().prompt() && first != target.bosId() ? first : -1;
        this.bodies = wanted ? new LogprobBodies(new TokenPieces(target.tokenizer())) : null;
    }

    /** A whole response's logprobs: the echoed prompt's, if any, then the completion's. */
    Object whole(List<TokenLogprob> prompt, List<TokenLogprob> generated) {
        if (!wanted) {
            return null;
        }
        if (chat) {
            return bodies.chat(generated);
        }
        List<TokenLogprob> all = new ArrayList<>(prompt);
        all.addAll(generated);
        return bodies.completion(unscoredFirst, all);
    }

    /** The echoed prompt's chunk (completions only). */
    Object prompt(List<TokenLogprob> prompt) {
        return wanted ? bodies.completion(unscoredFirst, prompt) : null;
    }

    /** One step's chunk. */
    Object step(List<TokenLogprob> step) {
        if (!wanted) {
            return null;
        }
        return chat ? bodies.chat(step) : bodies.completion(-1, step);
    }
}
