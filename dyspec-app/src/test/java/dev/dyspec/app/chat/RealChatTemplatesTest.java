package dev.dyspec.app.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dyspec.core.testing.SharedModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Six released chat templates (Llama 3.1, Llama 3.2, Qwen2.5, Qwen3, Mistral v0.3, Gemma 2) render
 * every case byte for byte as Hugging Face transformers' {@code apply_chat_template} does
 * ({@code ../shared/chat-templates/golden.json}), refusals included.
 */
class RealChatTemplatesTest {

    /** The date the golden renders pinned {@code strftime_now} to. */
    private static final ZonedDateTime GOLDEN_DAY = ZonedDateTime.of(2026, 11, 26, 12, 0, 0, 0, ZoneOffset.UTC);

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static Stream<Arguments> renders() throws Exception {
        Path dir = SharedModels.root().resolve("chat-templates");
        JsonNode golden = JSON.readTree(Files.readString(dir.resolve("golden.json")));
        List<Arguments> out = new ArrayList<>();
        for (var template : golden.get("renders").properties()) {
            for (var c : golden.get("cases").properties()) {
                out.add(Arguments.of(template.getKey(), c.getKey(), Files.readString(dir.resolve(template.getKey())),
                        template.getValue(), c.getValue()));
            }
        }
        return out.stream();
    }

    @SuppressWarnings("unchecked")
    @ParameterizedTest(name = "{0} / {1}")
    @MethodSource("renders")
    void rendersAsTransformersDoes(String name, String caseName, String source, JsonNode template, JsonNode input) {
        Map<String, Object> variables = new java.util.HashMap<>((Map<String, Object>) JSON.convertValue(input, Map.class));
        variables.put("bos_token", template.get("bos_token").asText());
        variables.put("eos_token", template.get("eos_token").asText());
        variables.put("add_generation_prompt", true);
        JsonNode expected = template.get(caseName);
        JinjaTemplate t = JinjaTemplate.parse(source);
        if (expected.has("error")) {
            assertThatThrownBy(() -> t.render(variables, () -> GOLDEN_DAY)).isInstanceOf(TemplateException.class)
                    .hasMessage(expected.get("error").asText())
                    .satisfies(e -> assertThat(((TemplateException) e).raisedByTemplate()).isTrue());
        } else {
            assertThat(t.render(variables, () -> GOLDEN_DAY)).isEqualTo(expected.get("prompt").asText());
        }
    }
}
