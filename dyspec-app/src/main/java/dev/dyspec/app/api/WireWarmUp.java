package dev.dyspec.app.api;

import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Jackson builds a type's readers and writers the first time it meets the type: 60–100 ms that the server's
 * first request paid (a profile of it: {@code readerFor(CompletionRequest)} alone 56 ms), measured beside the
 * engine's own warm-up. The mapper the codecs share reads a full request of each kind and writes each response
 * shape at start-up, while the models load, so that first request does not.
 */
@Component
class WireWarmUp {

    static final String COMPLETION = """
            {"model": "m", "prompt": "Once", "max_tokens": 8, "temperature": 0.7, "top_p": 0.9, "stop": ["\\n"],
             "seed": 1, "stream": true, "stream_options": {"include_usage": true}, "user": "u", "n": 1, "logprobs": 2,
             "echo": false, "best_of": 1, "logit_bias": {"5": -1}, "presence_penalty": 0.1, "frequency_penalty": 0.1,
             "dyspec": {"strategy": "dyspec", "budget": 8, "threshold": 0.05, "treeShape": "2,1", "adaptiveSize": true,
                        "expansionsPerForward": 1, "draftTemperature": 0.6}}""";

    static final String CHAT = """
            {"model": "m", "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "name": "u",
             "content": [{"type": "text", "text": "Hi"}]}, {"role": "assistant", "content": null, "tool_calls": []}],
             "max_tokens": 8, "max_completion_tokens": 8, "temperature": 0, "top_p": 1, "stop": "\\n", "seed": 1,
             "stream": false, "stream_options": null, "user": "u", "n": 1, "logprobs": true, "top_logprobs": 2,
             "logit_bias": {}, "presence_penalty": 0, "frequency_penalty": 0, "store": false, "metadata": {},
             "parallel_tool_calls": true, "service_tier": "auto", "tool_choice": "none", "response_format": {"type": "text"},
             "dyspec": {"strategy": "chain", "budget": 4}}""";

    private static final Logger log = LoggerFactory.getLogger(WireWarmUp.class);

    private final JsonMapper json;

    WireWarmUp(JsonMapper json) {
        this.json = json;
    }

    @EventListener(ApplicationStartedEvent.class)
    void warmQuietly() {
        try {
            warm();
        } catch (RuntimeException e) {
            // a warm-up never keeps the server from starting; WireWarmUpTest keeps the samples readable
            log.warn("wire warm-up failed: {}", e.toString());
        }
    }

    void warm() {
        json.readValue(COMPLETION, CompletionRequest.class);
        json.readValue(CHAT, ChatRequest.class);
        Map<String, Object> completion = ResponseBodies.envelope("cmpl-warm", "text_completion", 0, "m");
        completion.put("choices", List.of(Map.of("index", 0, "text", "x", "finish_reason", "stop",
                "logprobs", Map.of("tokens", List.of("x"), "token_logprobs", List.of(-0.5), "top_logprobs",
                        List.of(Map.of("x", -0.5)), "text_offset", List.of(0)))));
        completion.put("usage", Map.of("prompt_tokens", 1, "completion_tokens", 1, "total_tokens", 2,
                "prompt_tokens_details", Map.of("cached_tokens", 0)));
        completion.put("speculative", Map.of("steps", 1, "acceptance_by_depth", List.of(1.0), "strategy", "dyspec"));
        json.writeValueAsBytes(completion);
        json.writeValueAsBytes(ErrorBody.of("warm", "invalid_request_error", null, null));
        json.writeValueAsBytes(new CompletionsController.ModelList("list",
                List.of(new CompletionsController.ModelObject("m", "model", 0, "dyspec"))));
    }
}
