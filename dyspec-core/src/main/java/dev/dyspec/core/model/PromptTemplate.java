package dev.dyspec.core.model;

/**
 * The model's chat template as shipped in {@code tokenizer_config.json} ({@code chat_template}),
 * or null when it has none.
 */
public record PromptTemplate(String chatTemplate, String bosToken, String eosToken) {

    public static PromptTemplate none() {
        return new PromptTemplate(null, "<s>", "</s>");
    }

    public boolean present() {
        return chatTemplate != null && !chatTemplate.isBlank();
    }
}
