package dev.dyspec.app.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.dyspec.core.decode.TokenLogprob;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAI's two log-probability shapes, built from the target's {@link TokenLogprob}s: chat's
 * {@code {content: [{token, logprob, bytes, top_logprobs}]}} and the legacy completions'
 * parallel lists {@code {tokens, token_logprobs, top_logprobs, text_offset}}. One instance per
 * response: completions' text offsets run on across stream chunks.
 */
final class LogprobBodies {

    /** One alternative of chat's {@code top_logprobs}. */
    record TopLogprob(String token, double logprob, List<Integer> bytes) {
    }

    /** One entry of chat's {@code logprobs.content}. */
    record ChatTokenLogprob(String token, double logprob, List<Integer> bytes,
                            @JsonProperty("top_logprobs") List<TopLogprob> topLogprobs) {
    }

    /** Chat's {@code choices[].logprobs}. */
    record ChatLogprobs(List<ChatTokenLogprob> content, Object refusal) {
    }

    /** Completions' {@code choices[].logprobs}; a null logprob is the first prompt token's, which has no context. */
    record CompletionLogprobs(List<String> tokens, @JsonProperty("token_logprobs") List<Double> tokenLogprobs,
                              @JsonProperty("top_logprobs") List<Map<String, Double>> topLogprobs,
                              @JsonProperty("text_offset") List<Integer> textOffset) {
    }

    private final TokenPieces pieces;
    private int offset;

    LogprobBodies(TokenPieces pieces) {
        this.pieces = pieces;
    }

    ChatLogprobs chat(List<TokenLogprob> logprobs) {
        List<ChatTokenLogprob> content = new ArrayList<>(logprobs.size());
        for (TokenLogprob lp : logprobs) {
            String piece = pieces.piece(lp.token());
            List<TopLogprob> top = new ArrayList<>(lp.topTokens().length);
            for (int k = 0; k < lp.topTokens().length; k++) {
                String alt = pieces.piece(lp.topTokens()[k]);
                top.add(new TopLogprob(alt, lp.topLogprobs()[k], pieces.bytes(alt)));
            }
            content.add(new ChatTokenLogprob(piece, lp.logprob(), pieces.bytes(piece), top));
        }
        return new ChatLogprobs(content, null);
    }

    /**
     * @param unscoredFirst a first token without a log-probability (an echoed prompt's first token that
     *                      is not a start token), or -1
     */
    CompletionLogprobs completion(int unscoredFirst, List<TokenLogprob> logprobs) {
        List<String> tokens = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        List<Map<String, Double>> tops = new ArrayList<>();
        List<Integer> offsets = new ArrayList<>();
        if (unscoredFirst >= 0) {
            String piece = pieces.piece(unscoredFirst);
            tokens.add(piece);
            values.add(null);
            tops.add(null);
            offsets.add(offset);
            offset += piece.length();
        }
        for (TokenLogprob lp : logprobs) {
            String piece = pieces.piece(lp.token());
            Map<String, Double> top = new LinkedHashMap<>();
            for (int k = 0; k < lp.topTokens().length; k++) {
                top.putIfAbsent(pieces.piece(lp.topTokens()[k]), (double) lp.topLogprobs()[k]);
            }
            // OpenAI always lists the chosen token among the alternatives
            top.putIfAbsent(piece, (double) lp.logprob());
            tokens.add(piece);
            values.add((double) lp.logprob());
            tops.add(top);
            offsets.add(offset);
            offset += piece.length();
        }
        return new CompletionLogprobs(tokens, values, tops, offsets);
    }
}
