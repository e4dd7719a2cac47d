package dev.dyspec.app.api;

import dev.dyspec.app.config.DyspecProperties;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/** Size limits checked on the request as sent, before any tokenizing or rendering work. */
@Component
public class RequestLimits {

    private final DyspecProperties.Limits limits;

    public RequestLimits(DyspecProperties properties) {
        this.limits = properties.limits();
    }

    void checkPrompt(String prompt) {
        checkBytes(prompt.getBytes(StandardCharsets.UTF_8).length, "prompt");
    }

    void checkMessages(List<Map<String, Object>> messages) {
        if (messages.size() > limits.maxMessages()) {
            throw ApiException.invalid("messages", "at most " + limits.maxMessages() + " messages are allowed, got "
                    + messages.size());
        }
        long bytes = 0;
        for (Map<String, Object> m : messages) {
            bytes += String.valueOf(m.get("content")).getBytes(StandardCharsets.UTF_8).length;
        }
        checkBytes(bytes, "messages");
    }

    private void checkBytes(long bytes, String param) {
        if (bytes > limits.maxPromptBytes()) {
            throw new ApiException(HttpStatus.BAD_REQUEST, "invalid_request_error", param, "context_length_exceeded",
                    "the prompt is " + bytes + " bytes; this server accepts at most " + limits.maxPromptBytes());
        }
    }
}
