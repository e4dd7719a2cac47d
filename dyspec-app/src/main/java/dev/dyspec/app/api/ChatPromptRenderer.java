package dev.dyspec.app.api;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import dev.dyspec.core.model.PromptTemplate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns chat messages into prompt text: with the model's own Jinja {@code chat_template} when its
 * {@code tokenizer_config.json} has one, otherwise with dyspec's plain template — one
 * {@code "<role>: <content>"} line per message followed by {@code "assistant:"}.
 */
public final class ChatPromptRenderer {

    private final Jinjava jinja;

    public ChatPromptRenderer() {
        jinja = new Jinjava(JinjavaConfig.newBuilder().withFailOnUnknownTokens(false).build());
        jinja.getGlobalContext().registerFunction(new ELFunctionDefinition("", "raise_exception",
                ChatPromptRenderer.class, "raiseException", String.class));
    }

    /** Called by templates that reject a conversation (e.g. roles out of order). */
    public static String raiseException(String message) {
        throw ApiException.invalid("messages", "the model's chat template rejected the messages: " + message);
    }

    public String render(List<Map<String, String>> messages, PromptTemplate template) {
        if (template.present()) {
            Map<String, Object> context = new HashMap<>();
            context.put("messages", new ArrayList<>(messages));
            context.put("bos_token", template.bosToken());
            context.put("eos_token", template.eosToken());
            context.put("add_generation_prompt", true);
            RenderResult result = jinja.renderForResult(template.chatTemplate(), context);
            for (TemplateError error : result.getErrors()) {
                if (error.getSeverity() != TemplateError.ErrorType.FATAL) {
                    continue;
                }
                for (Throwable t = error.getException(); t != null; t = t.getCause()) {
                    if (t instanceof ApiException api) {
                        throw api;
                    }
                }
                throw ApiException.invalid("messages", "the model's chat template failed: " + error.getMessage());
            }
            return result.getOutput();
        }
        StringBuilder text = new StringBuilder();
        for (Map<String, String> m : messages) {
            text.append(m.get("role")).append(": ").append(m.get("content")).append('\n');
        }
        return text.append("assistant:").toString();
    }
}
