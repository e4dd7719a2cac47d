package dev.dyspec.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dyspec.app.engine.ModelService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class CompletionsApiTest extends ShippedPairServiceTest {

    @BeforeEach
    void ready() {
        assertThat(models.state()).isEqualTo(ModelService.State.READY);
    }

    private JsonNode post(String path, String body) {
        byte[] bytes = web.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isOk().expectBody().returnResult().getResponseBody();
        return json.readTree(bytes);
    }

    @Test
    void greedyCompletionIsTheSameForEveryStrategy() {
        String reference = post("/v1/completions", """
                {"prompt": "Once upon a time", "max_tokens": 40, "temperature": 0, "dyspec": {"strategy": "target-only"}}
                """).at("/choices/0/text").asText();
        assertThat(reference).isNotBlank();
        for (String strategy : List.of("chain", "fixed-tree", "dyspec", "dyspec-threshold", "dyspec-calibrated")) {
            JsonNode r = post("/v1/completions", """
                    {"prompt": "Once upon a time", "max_tokens": 40, "temperature": 0, "dyspec": {"strategy": "%s", "budget": 8}}
                    """.formatted(strategy));
            assertThat(r.at("/choices/0/text").asText()).as(strategy).isEqualTo(reference);
            assertThat(r.at("/speculative/strategy").asText()).isEqualTo(strategy);
            assertThat(r.at("/speculative/mean_acceptance_length").asDouble()).isGreaterThanOrEqualTo(1.0);
            assertThat(r.at("/usage/completion_tokens").asInt()).isEqualTo(40);
            assertThat(r.at("/usage/total_tokens").asInt()).isEqualTo(r.at("/usage/prompt_tokens").asInt() + 40);
            assertThat(r.at("/object").asText()).isEqualTo("text_completion");
        }
    }

    /**
     * The next turn of a conversation begins with the tokens of the turn before: the engine takes them from
     * the finished request's cache and says so where OpenAI reports prompt caching.
     */
    @Test
    void aConversationsNextTurnReportsTheEarlierTurnAsCachedPromptTokens() {
        JsonNode first = post("/v1/chat/completions", """
                {"messages": [{"role": "user", "content": "Tell me a story about a cat who found a red ball"}],
                 "max_tokens": 12, "temperature": 0}
                """);
        String answer = first.at("/choices/0/message/content").asText();
        String nextTurn = """
                {"messages": [{"role": "user", "content": "Tell me a story about a cat who found a red ball"},
                              {"role": "assistant", "content": %s},
                              {"role": "user", "content": "What did the cat do next?"}],
                 "max_tokens": 12, "temperature": 0}
                """.formatted(json.writeValueAsString(answer));
        JsonNode second = post("/v1/chat/completions", nextTurn);
        int cached = second.at("/usage/prompt_tokens_details/cached_tokens").asInt();
        assertThat(cached).as("the first turn's prompt came from the cache")
                .isGreaterThanOrEqualTo(first.at("/usage/prompt_tokens").asInt() - 2)
                .isLessThan(second.at("/usage/prompt_tokens").asInt());
        JsonNode again = post("/v1/chat/completions", nextTurn);
        assertThat(again.at("/usage/prompt_tokens_details/cached_tokens").asInt())
                .isEqualTo(again.at("/usage/prompt_tokens").asInt() - 1);
        assertThat(again.at("/choices/0/message/content").asText()).isEqualTo(second.at("/choices/0/message/content").asText());
    }

    @Test
    void batchedDySpecExpansionsKeepTheGreedyText() {
        String reference = post("/v1/completions", """
                {"prompt": "Lily", "max_tokens": 30, "temperature": 0, "dyspec": {"strategy": "target-only"}}
                """).at("/choices/0/text").asText();
        JsonNode r = post("/v1/completions", """
                {"prompt": "Lily", "max_tokens": 30, "temperature": 0,
                 "dyspec": {"strategy": "dyspec", "budget": 16, "expansionsPerForward": 4}}
                """);
        assertThat(r.at("/choices/0/text").asText()).isEqualTo(reference);
        // four actions share a forward: fewer draft forwards than drafted nodes
        assertThat(r.at("/speculative/draft_forwards").asInt()).isLessThan(r.at("/speculative/drafted_tokens").asInt());
    }

    @Test
    void chatCompletionAnswersAsAssistant() {
        JsonNode r = post("/v1/chat/completions", """
                {"model": "dyspec-target", "messages": [{"role": "user", "content": "Tell me a story"}], "max_tokens": 16, "seed": 3}
                """);
        assertThat(r.at("/object").asText()).isEqualTo("chat.completion");
        assertThat(r.at("/choices/0/message/role").asText()).isEqualTo("assistant");
        assertThat(r.at("/choices/0/message/content").isTextual()).isTrue();
        assertThat(r.at("/choices/0/finish_reason").asText()).isIn("stop", "length");
        assertThat(r.at("/speculative/steps").asInt()).isPositive();
    }

    @Test
    void streamSendsOneChunkPerStepThenUsageThenDone() {
        List<String> events = web.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("""
                        {"prompt": "Once upon a time", "max_tokens": 30, "temperature": 0, "stream": true,
                         "stream_options": {"include_usage": true}, "dyspec": {"strategy": "chain", "budget": 4}}
                        """)
                .exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_EVENT_STREAM)
                .returnResult(new ParameterizedTypeReference<String>() { })
                .getResponseBody().collectList().block(Duration.ofSeconds(60));
        assertThat(events).isNotNull();
        assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream().map(json::readTree).toList();
        String id = chunks.get(0).at("/id").asText();
        long created = chunks.get(0).at("/created").asLong();
        StringBuilder text = new StringBuilder();
        for (JsonNode c : chunks) {
            assertThat(c.at("/id").asText()).isEqualTo(id);
            assertThat(c.at("/created").asLong()).isEqualTo(created);
            if (c.at("/choices").size() > 0) {
                text.append(c.at("/choices/0/text").asText());
            }
        }
        JsonNode usage = chunks.get(chunks.size() - 1);
        assertThat(usage.at("/choices").size()).isZero();
        assertThat(usage.at("/usage/completion_tokens").asInt()).isEqualTo(30);
        JsonNode last = chunks.get(chunks.size() - 2);
        assertThat(last.at("/choices/0/finish_reason").asText()).isEqualTo("length");
        int steps = last.at("/speculative/steps").asInt();
        // a chunk per verification step that produced text, plus the final and usage chunks
        assertThat(chunks.size() - 2).isLessThanOrEqualTo(steps).isPositive();
        String whole = post("/v1/completions", """
                {"prompt": "Once upon a time", "max_tokens": 30, "temperature": 0, "dyspec": {"strategy": "target-only"}}
                """).at("/choices/0/text").asText();
        assertThat(text.toString()).isEqualTo(whole);
    }

    @Test
    void chatStreamStartsWithTheAssistantRole() {
        List<String> events = web.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("""
                        {"messages": [{"role": "user", "content": "hi"}], "max_tokens": 8, "stream": true}
                        """)
                .exchange().expectStatus().isOk()
                .returnResult(new ParameterizedTypeReference<String>() { })
                .getResponseBody().collectList().block(Duration.ofSeconds(60));
        JsonNode first = json.readTree(events.get(0));
        assertThat(first.at("/object").asText()).isEqualTo("chat.completion.chunk");
        assertThat(first.at("/choices/0/delta/role").asText()).isEqualTo("assistant");
        assertThat(events.get(events.size() - 1)).isEqualTo("[DONE]");
    }

    @Test
    void stopStringsEndTheTextBeforeThem() {
        String whole = post("/v1/completions", """
                {"prompt": "And God said", "max_tokens": 60, "temperature": 0}
                """).at("/choices/0/text").asText();
        String[] words = whole.trim().split("\\s+");
        String stop = words[Math.min(words.length - 1, 4)];
        assertThat(stop).isNotBlank();
        JsonNode r = post("/v1/completions", """
                {"prompt": "And God said", "max_tokens": 60, "temperature": 0, "stop": ["%s"]}
                """.formatted(stop));
        assertThat(r.at("/choices/0/text").asText()).isEqualTo(whole.substring(0, whole.indexOf(stop)));
        assertThat(r.at("/choices/0/finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void modelsListsTheServedModel() {
        JsonNode r = json.readTree(web.get().uri("/v1/models").exchange().expectStatus().isOk()
                .expectBody().returnResult().getResponseBody());
        assertThat(r.at("/data/0/id").asText()).isEqualTo(ShippedPair.TARGET);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "malformed JSON | {\"prompt\": | 400 | ",
        "wrong type | {\"prompt\": \"a\", \"max_tokens\": \"many\"} | 400 | ",
        "negative max_tokens | {\"prompt\": \"a\", \"max_tokens\": -5} | 400 | max_tokens",
        "huge max_tokens | {\"prompt\": \"a\", \"max_tokens\": 100000000} | 400 | max_tokens",
        "temperature above 2 | {\"prompt\": \"a\", \"temperature\": 2.5} | 400 | temperature",
        "negative temperature | {\"prompt\": \"a\", \"temperature\": -1} | 400 | temperature",
        "top_p zero | {\"prompt\": \"a\", \"top_p\": 0} | 400 | top_p",
        "top_p above one | {\"prompt\": \"a\", \"top_p\": 1.5} | 400 | top_p",
        "n above one | {\"prompt\": \"a\", \"n\": 2} | 400 | n",
        "five stop strings | {\"prompt\": \"a\", \"stop\": [\"a\",\"b\",\"c\",\"d\",\"e\"]} | 400 | stop",
        "unknown model | {\"prompt\": \"a\", \"model\": \"gpt-9\"} | 404 | model",
        "unknown strategy | {\"prompt\": \"a\", \"dyspec\": {\"strategy\": \"magic\"}} | 400 | dyspec.strategy",
        "zero budget | {\"prompt\": \"a\", \"dyspec\": {\"strategy\": \"chain\", \"budget\": 0}} | 400 | dyspec",
        "budget over max | {\"prompt\": \"a\", \"dyspec\": {\"budget\": 65}} | 400 | dyspec",
        "threshold of one | {\"prompt\": \"a\", \"dyspec\": {\"strategy\": \"dyspec-threshold\", \"threshold\": 1}} | 400 | dyspec",
        "bad tree shape | {\"prompt\": \"a\", \"dyspec\": {\"strategy\": \"fixed-tree\", \"treeShape\": \"4,x\"}} | 400 | dyspec.treeShape",
        "zero expansions | {\"prompt\": \"a\", \"dyspec\": {\"strategy\": \"dyspec\", \"expansionsPerForward\": 0}} | 400 | dyspec",
        "array prompt | {\"prompt\": [1, 2]} | 400 | prompt",
        "empty body | | 400 | "})
    void badCompletionRequestsGetAnOpenAiError(String name, String body, int status, String param) {
        var spec = web.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON);
        var exchange = body == null ? spec.exchange() : spec.bodyValue(body).exchange();
        byte[] bytes = exchange.expectStatus().isEqualTo(status).expectBody().returnResult().getResponseBody();
        JsonNode error = json.readTree(bytes).at("/error");
        assertThat(error.at("/message").asText()).isNotBlank().doesNotContain("Exception\n").doesNotContain("\tat ");
        assertThat(error.has("type")).isTrue();
        assertThat(error.has("code")).isTrue();
        if (param != null) {
            assertThat(error.at("/param").asText()).isEqualTo(param);
        }
    }

    @Test
    void promptLongerThanTheContextIsRefused() {
        String longPrompt = "Once upon a time there was a dog. ".repeat(200);
        byte[] bytes = web.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("prompt", longPrompt)).exchange().expectStatus().isBadRequest()
                .expectBody().returnResult().getResponseBody();
        assertThat(json.readTree(bytes).at("/error/code").asText()).isEqualTo("context_length_exceeded");
    }

    @Test
    void emptyMessagesAreRefused() {
        web.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"messages\": []}").exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("messages");
    }

    @Test
    void unknownEndpointGetsAnOpenAiError() {
        web.get().uri("/v1/nothing-here").exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.error.message").isEqualTo("no such endpoint");
    }

    @Test
    void metricsAndProbesAreExposed() {
        post("/v1/completions", "{\"prompt\": \"Once\", \"max_tokens\": 8, \"dyspec\": {\"strategy\": \"dyspec\"}}");
        String prometheus = management().get().uri("/actuator/prometheus").exchange().expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(prometheus).contains("dyspec_requests_total", "dyspec_generated_tokens_total",
                "dyspec_drafted_tokens_total", "dyspec_accepted_tokens_total", "dyspec_accepted_tokens_by_depth_total",
                "dyspec_acceptance_length", "dyspec_step_seconds", "dyspec_time_to_first_token_seconds",
                "dyspec_queue_depth", "dyspec_prompt_tokens_total", "dyspec_prompt_tokens_cached_total",
                "dyspec_prefix_cache_entries");
        assertThat(prometheus).contains("strategy=\"dyspec\"");
        management().get().uri("/actuator/health/readiness").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");
        management().get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        // and none of it on the API port
        web.get().uri("/actuator/prometheus").exchange().expectStatus().isNotFound();
        web.get().uri("/actuator/health/readiness").exchange().expectStatus().isNotFound();
    }
}
