package dev.dyspec.app.api;

import dev.dyspec.core.decode.LogprobsRequest;
import java.util.List;
import java.util.Map;

/**
 * Checks OpenAI's request fields: values out of range, and fields this server does not implement yet
 * (tools, constrained response formats, suffix), are refused with a 400 that says so, never silently
 * dropped; the harmless defaults SDKs send (zero penalties, an empty logit_bias, text response_format,
 * logprobs false) pass.
 */
final class RequestConformance {

    private RequestConformance() {
    }

    static void checkCommon(GenerationParameters p) {
        if (p.maxTokens() != null && p.maxCompletionTokens() != null && !p.maxTokens().equals(p.maxCompletionTokens())) {
            throw ApiException.invalid("max_completion_tokens", "max_tokens (" + p.maxTokens()
                    + ") and max_completion_tokens (" + p.maxCompletionTokens() + ") differ; send one of them");
        }
        if (p.n() != null && p.n() != 1) {
            throw ApiException.invalid("n", "n must be 1 (dyspec returns one choice per request), got " + p.n());
        }
        if (p.streamOptions() != null && !p.streaming()) {
            throw ApiException.invalid("stream_options", "stream_options is only allowed with stream: true");
        }
        penalty("presence_penalty", p.presencePenalty());
        penalty("frequency_penalty", p.frequencyPenalty());
    }

    private static void penalty(String name, Double value) {
        if (value == null) {
            return;
        }
        if (!(value >= -2 && value <= 2)) {
            throw ApiException.invalid(name, name + " must be in [-2, 2], got " + value);
        }
    }

    /** logit_bias as OpenAI defines it: token ids (as JSON object keys) to numbers in [-100, 100]. */
    static Map<Integer, Float> logitBias(Map<String, Object> bias) {
        if (bias == null) {
            return Map.of();
        }
        if (bias.size() > MAX_LOGIT_BIAS_ENTRIES) {
            throw ApiException.invalid("logit_bias", "logit_bias may hold at most " + MAX_LOGIT_BIAS_ENTRIES
                    + " tokens, got " + bias.size());
        }
        Map<Integer, Float> out = new java.util.HashMap<>();
        for (Map.Entry<String, Object> e : bias.entrySet()) {
            int token;
            try {
                token = Integer.parseInt(e.getKey().strip());
            } catch (NumberFormatException ex) {
                throw ApiException.invalid("logit_bias", "logit_bias keys must be token ids, got '" + e.getKey() + "'");
            }
            if (token < 0) {
                throw ApiException.invalid("logit_bias", "logit_bias token id " + token + " is negative");
            }
            if (!(e.getValue() instanceof Number n) || !(n.doubleValue() >= -100 && n.doubleValue() <= 100)) {
                throw ApiException.invalid("logit_bias", "logit_bias values must be numbers in [-100, 100], got "
                        + e.getValue() + " for token " + token);
            }
            out.put(token, n.floatValue());
        }
        return out;
    }

    /** OpenAI's limit. */
    static final int MAX_LOGIT_BIAS_ENTRIES = 300;

    static void checkChat(ChatRequest r) {
        checkCommon(r);
        if (r.topLogprobs() != null) {
            if (r.topLogprobs() < 0 || r.topLogprobs() > LogprobsRequest.MAX_TOP) {
                throw ApiException.invalid("top_logprobs", "top_logprobs must be between 0 and " + LogprobsRequest.MAX_TOP
                        + ", got " + r.topLogprobs());
            }
            if (r.topLogprobs() > 0 && !Boolean.TRUE.equals(r.logprobs())) {
                throw ApiException.invalid("top_logprobs", "top_logprobs needs logprobs: true");
            }
        }
        boolean wantsTools = (r.tools() != null && !r.tools().isEmpty() && !"none".equals(r.toolChoice()))
                || (r.functions() != null && !r.functions().isEmpty());
        if (wantsTools) {
            throw ApiException.invalid(r.functions() != null && !r.functions().isEmpty() ? "functions" : "tools",
                    "tool calls are not supported: this server cannot parse tool calls out of the model's output yet, "
                            + "so it would answer in prose; send tool_choice: \"none\" to show the tools to the model anyway");
        }
        if (r.responseFormat() != null) {
            Object type = r.responseFormat().get("type");
            if (!"text".equals(type)) {
                throw ApiException.invalid("response_format", "response_format " + (type == null ? "without a type"
                        : "'" + type + "'") + " is not supported: dyspec does not constrain decoding yet; only 'text'");
            }
        }
    }

    static void checkCompletion(CompletionRequest r) {
        checkCommon(r);
        if (r.logprobs() != null && (r.logprobs() < 0 || r.logprobs() > LogprobsRequest.MAX_TOP)) {
            throw ApiException.invalid("logprobs", "logprobs must be between 0 and " + LogprobsRequest.MAX_TOP
                    + ", got " + r.logprobs());
        }
        if (r.suffix() != null && !r.suffix().isEmpty()) {
            throw notYet("suffix", "suffix (insertion)");
        }
        if (r.bestOf() != null && r.bestOf() != 1) {
            throw ApiException.invalid("best_of", "best_of must be 1 (dyspec returns one choice per request), got " + r.bestOf());
        }
    }

    /** The prompt as text: a string, or a list holding exactly one string. */
    static String promptText(Object prompt) {
        if (prompt == null) {
            return "";
        }
        if (prompt instanceof String s) {
            return s;
        }
        if (prompt instanceof List<?> list && list.size() == 1 && list.get(0) instanceof String s) {
            return s;
        }
        if (prompt instanceof List<?> list && !list.isEmpty() && list.stream().allMatch(x -> x instanceof Number
                || x instanceof List<?>)) {
            throw ApiException.invalid("prompt", "token-id prompts are not supported; send the prompt as a string");
        }
        if (prompt instanceof List<?> list && list.size() > 1) {
            throw ApiException.invalid("prompt", "one prompt per request: send a string, not a list of " + list.size());
        }
        throw ApiException.invalid("prompt", "prompt must be a string");
    }

    private static ApiException notYet(String param, String what) {
        return ApiException.invalid(param, what + " is not supported by this server yet; leave " + param + " out");
    }
}
