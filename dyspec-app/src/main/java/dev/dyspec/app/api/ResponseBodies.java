package dev.dyspec.app.api;

import dev.dyspec.api.GenerationStats;
import dev.dyspec.app.engine.GenerationEvent;
import dev.dyspec.app.engine.PlannedGeneration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the OpenAI-shaped response objects and stream chunks. */
final class ResponseBodies {

    /** Identifies the serving stack, as OpenAI's field does; changes when the engine's output could. */
    static final String SYSTEM_FINGERPRINT = "dyspec-0.1.0";

    private ResponseBodies() {
    }

    /** OpenAI's usage object; cached prompt tokens are reported where OpenAI reports its prompt caching. */
    static Map<String, Object> usage(GenerationEvent.Finished f) {
        Map<String, Object> u = new LinkedHashMap<>();
        u.put("prompt_tokens", f.promptTokens());
        u.put("completion_tokens", f.completionTokens());
        u.put("total_tokens", f.promptTokens() + f.completionTokens());
        u.put("prompt_tokens_details", Map.of("cached_tokens", f.cachedPromptTokens()));
        return u;
    }

    /** dyspec's extension: how speculation went for this request. */
    static Map<String, Object> speculative(PlannedGeneration plan, GenerationStats s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("strategy", plan.strategy());
        m.put("budget", plan.request().options().budget());
        m.put("steps", s.targetForwards());
        m.put("draft_forwards", s.draftForwards());
        m.put("drafted_tokens", s.draftedTokens());
        m.put("accepted_tokens", s.acceptedTokens());
        m.put("mean_acceptance_length", s.meanAcceptanceLength());
        m.put("acceptance_by_depth", s.acceptedByDepth());
        if (plan.experiment() != null) {
            m.put("experiment", plan.experiment());
            m.put("arm", plan.arm());
        }
        return m;
    }

    static Map<String, Object> envelope(String id, String object, long created, String model) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("object", object);
        m.put("created", created);
        m.put("model", model);
        m.put("system_fingerprint", SYSTEM_FINGERPRINT);
        return m;
    }

    /**
     * @param text the completion, or the prompt and the completion when echoed
     * @param logprobs the choice's logprobs object, or null when none were asked for
     */
    static Map<String, Object> completion(String id, long created, PlannedGeneration plan, GenerationEvent.Finished f,
                                          boolean chat, String text, Object logprobs) {
        Map<String, Object> m = envelope(id, chat ? "chat.completion" : "text_completion", created, plan.model());
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        if (chat) {
            Map<String, Object> message = new LinkedHashMap<>();
            message.put("role", "assistant");
            message.put("content", text);
            choice.put("message", message);
        } else {
            choice.put("text", text);
        }
        choice.put("logprobs", logprobs);
        choice.put("finish_reason", f.finishReason());
        m.put("choices", List.of(choice));
        m.put("usage", usage(f));
        m.put("speculative", speculative(plan, f.stats()));
        return m;
    }

    /** One stream chunk; {@code finish} null while running, {@code logprobs} null unless asked for. */
    static Map<String, Object> chunk(String id, long created, String model, boolean chat, String text, String finish,
                                     boolean first, Object logprobs) {
        Map<String, Object> m = envelope(id, chat ? "chat.completion.chunk" : "text_completion", created, model);
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        if (chat) {
            Map<String, Object> delta = new LinkedHashMap<>();
            if (first) {
                delta.put("role", "assistant");
            }
            if (!text.isEmpty() || finish == null) {
                delta.put("content", text);
            }
            choice.put("delta", delta);
        } else {
            choice.put("text", text);
        }
        choice.put("logprobs", logprobs);
        choice.put("finish_reason", finish);
        m.put("choices", List.of(choice));
        return m;
    }
}
