package dev.dyspec.app.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dyspec.core.model.PromptTemplate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatPromptRendererTest {

    private final ChatPromptRenderer renderer = new ChatPromptRenderer();
    private final List<Map<String, Object>> messages = List.of(
            Map.of("role", "system", "content", "Be brief."),
            Map.of("role", "user", "content", "Hi!"));

    @Test
    void withoutATemplateUsesTheDocumentedPlainFormat() {
        assertThat(renderer.render(messages, null, PromptTemplate.none())).isEqualTo("system: Be brief.\nuser: Hi!\nassistant:");
    }

    @Test
    void rendersAChatMlTemplateWithTheGenerationPrompt() {
        String chatMl = "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content']"
                + " + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
        String text = renderer.render(messages, null, new PromptTemplate(chatMl, "<s>", "</s>"));
        assertThat(text).isEqualTo("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi!<|im_end|>\n"
                + "<|im_start|>assistant\n");
    }

    @Test
    void rendersALlamaStyleTemplateWithBosToken() {
        String llama = "{{ bos_token }}{% for message in messages %}{% if message['role'] == 'user' %}"
                + "{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}"
                + "{{ message['content'] + eos_token }}{% endif %}{% endfor %}";
        String text = renderer.render(List.of(Map.of("role", "user", "content", "Hello")), null, new PromptTemplate(llama, "<s>", "</s>"));
        assertThat(text).isEqualTo("<s>[INST] Hello [/INST]");
    }

    @Test
    void templateRejectionsBecomeClientErrors() {
        String strict = "{% if messages[0]['role'] != 'user' %}{{ raise_exception('Conversation must start with user') }}{% endif %}ok";
        assertThatThrownBy(() -> renderer.render(messages, null, new PromptTemplate(strict, "<s>", "</s>")))
                .isInstanceOf(ApiException.class).hasMessageContaining("Conversation must start with user");
    }

    @Test
    void aTemplateFeatureTheRendererLacksIsAClientErrorNamingIt() {
        String unsupported = "{% filter upper %}{{ messages[0].content }}{% endfilter %}";
        assertThatThrownBy(() -> renderer.render(messages, null, new PromptTemplate(unsupported, "<s>", "</s>")))
                .isInstanceOf(ApiException.class).hasMessageContaining("unsupported statement '{% filter %}'");
    }

    @Test
    void strftimeNowReadsTheInjectedClock() {
        ChatPromptRenderer pinned = new ChatPromptRenderer(() -> java.time.ZonedDateTime.of(2024, 7, 26, 9, 0, 0, 0,
                java.time.ZoneOffset.UTC));
        assertThat(pinned.render(messages, null, new PromptTemplate("{{ strftime_now('%d %b %Y') }}", null, null)))
                .isEqualTo("26 Jul 2024");
    }
}
