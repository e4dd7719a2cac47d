package dev.dyspec.app.api;

import dev.dyspec.app.chat.JinjaTemplate;
import dev.dyspec.app.chat.TemplateException;
import dev.dyspec.core.model.PromptTemplate;
import java.time.ZonedDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Turns chat messages into prompt text: with the model's own Jinja {@code chat_template}, rendered as
 * transformers' {@code apply_chat_template(..., add_generation_prompt=True)} does, when the model has one;
 * otherwise with dyspec's plain template — one {@code "<role>: <content>"} line per message followed by
 * {@code "assistant:"}. A template that refuses the messages, or uses a feature the renderer lacks, is a
 * 400 naming the problem.
 */
public final class ChatPromptRenderer {

    private final Supplier<ZonedDateTime> clock;
    private final Map<String, JinjaTemplate> compiled = new ConcurrentHashMap<>();

    /** @param clock what {@code strftime_now} reads (templates print today's date) */
    public ChatPromptRenderer(Supplier<ZonedDateTime> clock) {
        this.clock = clock;
    }

    public ChatPromptRenderer() {
        this(ZonedDateTime::now);
    }

    /**
     * @param messages each with {@code role} and {@code content}, and {@code name}, {@code tool_calls},
     *     {@code tool_call_id} where the client sent them
     * @param tools the request's tool definitions, or null
     */
    public String render(List<Map<String, Object>> messages, List<Object> tools, PromptTemplate template) {
        if (!template.present()) {
            StringBuilder text = new StringBuilder();
            for (Map<String, Object> m : messages) {
                text.append(m.get("role")).append(": ").append(m.get("content")).append('\n');
            }
            return text.append("assistant:").toString();
        }
        Map<String, Object> variables = new HashMap<>();
        variables.put("messages", messages);
        if (tools != null) {
            variables.put("tools", tools);
        }
        variables.put("bos_token", template.bosToken() == null ? "" : template.bosToken());
        variables.put("eos_token", template.eosToken() == null ? "" : template.eosToken());
        variables.put("add_generation_prompt", true);
        try {
            return compiled.computeIfAbsent(template.chatTemplate(), JinjaTemplate::parse).render(variables, clock);
        } catch (TemplateException e) {
            throw ApiException.invalid("messages", e.raisedByTemplate()
                    ? "the model's chat template rejected the messages: " + e.getMessage()
                    : "the model's chat template cannot be rendered: " + e.getMessage());
        }
    }

    /** Messages as the template sees them: developer is system; optional fields only where the client sent them. */
    public static List<Map<String, Object>> templateMessages(List<ChatRequest.ChatMessage> messages) {
        if (messages == null || messages.isEmpty()) {
            throw ApiException.invalid("messages", "messages must be a non-empty array");
        }
        List<Map<String, Object>> out = new java.util.ArrayList<>();
        for (ChatRequest.ChatMessage m : messages) {
            if (m == null || m.role() == null || m.role().isBlank()) {
                throw ApiException.invalid("messages", "every message needs a role");
            }
            Map<String, Object> message = new java.util.LinkedHashMap<>();
            message.put("role", m.role().equals("developer") ? "system" : m.role());
            message.put("content", contentText(m.content()));
            if (m.name() != null) {
                message.put("name", m.name());
            }
            if (m.toolCalls() != null) {
                message.put("tool_calls", m.toolCalls());
            }
            if (m.toolCallId() != null) {
                message.put("tool_call_id", m.toolCallId());
            }
            out.add(message);
        }
        return out;
    }

    private static String contentText(Object content) {
        if (content == null) {
            return "";
        }
        if (content instanceof String s) {
            return s;
        }
        if (content instanceof List<?> parts) {
            StringBuilder b = new StringBuilder();
            for (Object p : parts) {
                if (p instanceof Map<?, ?> m && "text".equals(m.get("type")) && m.get("text") instanceof String t) {
                    b.append(t);
                } else {
                    throw ApiException.invalid("messages", "only text content parts are supported");
                }
            }
            return b.toString();
        }
        throw ApiException.invalid("messages", "message content must be a string or an array of text parts");
    }
}
