package dev.dyspec.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

/**
 * Every OpenAI request field is honoured or refused with a 400 naming it, never silently dropped —
 * checked against the real HTTP server, one row per field and value.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class OpenAiConformanceTest extends ShippedPairServiceTest {

    @LocalServerPort
    int port;

    private static final String CHAT = "\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"max_tokens\": 3";
    private static final String TOOL = "[{\"type\": \"function\", \"function\": {\"name\": \"f\", \"parameters\": {}}}]";

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        // refused: what the server cannot do yet, with the field named
        "both token limits differ | chat | \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"max_tokens\": 5, \"max_completion_tokens\": 6 | max_completion_tokens",
        "top_logprobs without logprobs | chat | " + CHAT + ", \"top_logprobs\": 2 | top_logprobs",
        "top_logprobs above 20 | chat | " + CHAT + ", \"logprobs\": true, \"top_logprobs\": 21 | top_logprobs",
        "tools | chat | " + CHAT + ", \"tools\": " + TOOL + " | tools",
        "tools with tool_choice auto | chat | " + CHAT + ", \"tools\": " + TOOL + ", \"tool_choice\": \"auto\" | tools",
        "legacy functions | chat | " + CHAT + ", \"functions\": [{\"name\": \"f\"}] | functions",
        "json_object | chat | " + CHAT + ", \"response_format\": {\"type\": \"json_object\"} | response_format",
        "json_schema | chat | " + CHAT + ", \"response_format\": {\"type\": \"json_schema\", \"json_schema\": {}} | response_format",
        "bogus response_format | chat | " + CHAT + ", \"response_format\": {\"type\": \"bogus\"} | response_format",
        "logit_bias outside the vocabulary | chat | " + CHAT + ", \"logit_bias\": {\"99999999\": 10} | logit_bias",
        "logit_bias above 100 | chat | " + CHAT + ", \"logit_bias\": {\"50\": 101} | logit_bias",
        "logit_bias with a word as key | chat | " + CHAT + ", \"logit_bias\": {\"hello\": 1} | logit_bias",
        "logit_bias with a string value | chat | " + CHAT + ", \"logit_bias\": {\"50\": \"high\"} | logit_bias",
        "presence_penalty out of range | chat | " + CHAT + ", \"presence_penalty\": -2.5 | presence_penalty",
        "frequency_penalty out of range | chat | " + CHAT + ", \"frequency_penalty\": 3 | frequency_penalty",
        "stream_options without stream | chat | " + CHAT + ", \"stream_options\": {\"include_usage\": true} | stream_options",
        "n of zero | chat | " + CHAT + ", \"n\": 0 | n",
        "completion logprobs above 20 | completions | \"prompt\": \"a\", \"max_tokens\": 2, \"logprobs\": 21 | logprobs",
        "suffix | completions | \"prompt\": \"a\", \"max_tokens\": 2, \"suffix\": \"end\" | suffix",
        "best_of | completions | \"prompt\": \"a\", \"max_tokens\": 2, \"best_of\": 2 | best_of",
        "token-id prompt | completions | \"prompt\": [1, 2, 3], \"max_tokens\": 2 | prompt",
        "batched prompts | completions | \"prompt\": [\"a\", \"b\"], \"max_tokens\": 2 | prompt"})
    void unsupportedFieldsAreRefusedNamingTheField(String name, String endpoint, String fields, String param) {
        JsonNode error = json.readTree(web.post().uri("/v1/" + (endpoint.equals("chat") ? "chat/completions" : "completions"))
                .contentType(MediaType.APPLICATION_JSON).bodyValue("{" + fields + "}").exchange()
                .expectStatus().isBadRequest().expectBody().returnResult().getResponseBody()).at("/error");
        assertThat(error.at("/param").asText()).as(name).isEqualTo(param);
        assertThat(error.at("/message").asText()).as(name).doesNotContain("java.", "dev.dyspec", "Exception");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "max_completion_tokens | \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"max_completion_tokens\": 3, \"temperature\": 1, \"seed\": 1 | 3",
        "both limits equal | \"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}], \"max_tokens\": 4, \"max_completion_tokens\": 4, \"seed\": 1 | 4",
        "developer role | \"messages\": [{\"role\": \"developer\", \"content\": \"Be brief.\"}, {\"role\": \"user\", \"content\": \"Hi\"}], \"max_tokens\": 3 | 3",
        "sdk defaults | " + CHAT + ", \"store\": false, \"metadata\": {}, \"parallel_tool_calls\": true, \"service_tier\": \"auto\", \"presence_penalty\": 0, \"frequency_penalty\": 0, \"logit_bias\": {}, \"response_format\": {\"type\": \"text\"}, \"logprobs\": false, \"n\": 1 | 3",
        "tools the model may not call | " + CHAT + ", \"tools\": " + TOOL + ", \"tool_choice\": \"none\" | 3",
        "logit_bias and penalties | " + CHAT + ", \"logit_bias\": {\"50\": 10}, \"presence_penalty\": 0.5, \"frequency_penalty\": -0.5 | 3",
        "top_logprobs zero without logprobs | " + CHAT + ", \"top_logprobs\": 0 | 3"})
    void supportedFieldsAreHonoured(String name, String fields, int maxTokens) {
        JsonNode r = json.readTree(web.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{" + fields + "}").exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody());
        assertThat(r.at("/usage/completion_tokens").asInt()).as(name).isBetween(1, maxTokens);
        assertThat(r.at("/system_fingerprint").asText()).isNotBlank();
        assertThat(r.at("/choices/0").has("logprobs")).isTrue();
    }

    @Test
    void wrongTypesAreExplainedWithoutJavaNames() {
        JsonNode error = json.readTree(web.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"prompt\": \"a\", \"max_tokens\": \"many\"}").exchange().expectStatus().isBadRequest()
                .expectBody().returnResult().getResponseBody()).at("/error");
        assertThat(error.at("/message").asText()).contains("max_tokens", "integer").doesNotContain("java.", "dev.dyspec", "`");
        web.post().uri("/v1/completions").contentType(MediaType.TEXT_PLAIN).bodyValue("hello").exchange()
                .expectStatus().isEqualTo(415).expectBody().jsonPath("$.error.message")
                .value(m -> assertThat((String) m).doesNotContain("dev.dyspec", "bodyType"));
    }

    @Test
    void streamsAreFramedAsOpenAiFramesThemWithUsageNullUntilTheUsageChunk() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/v1/chat/completions")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{" + CHAT
                        + ", \"stream\": true, \"stream_options\": {\"include_usage\": true}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        String[] events = r.body().split("\n\n");
        assertThat(events).allSatisfy(e -> assertThat(e).startsWith("data: "));
        assertThat(events[events.length - 1]).isEqualTo("data: [DONE]");
        JsonNode first = json.readTree(events[0].substring(6));
        assertThat(first.has("usage")).isTrue();
        assertThat(first.get("usage").isNull()).isTrue();
        JsonNode usage = json.readTree(events[events.length - 2].substring(6));
        assertThat(usage.at("/usage/completion_tokens").asInt()).isBetween(1, 3);
    }

    @Test
    void modelsCanBeRetrievedById() {
        String id = json.readTree(web.get().uri("/v1/models").exchange().expectStatus().isOk().expectBody().returnResult()
                .getResponseBody()).at("/data/0/id").asText();
        web.get().uri("/v1/models/" + id).exchange().expectStatus().isOk().expectBody()
                .jsonPath("$.id").isEqualTo(id).jsonPath("$.object").isEqualTo("model");
        web.get().uri("/v1/models/gpt-9").exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.error.code").isEqualTo("model_not_found");
    }
}
