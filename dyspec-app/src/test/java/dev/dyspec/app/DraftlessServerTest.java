package dev.dyspec.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dyspec.app.engine.ModelService;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A server given a target and no draft: requests that name no strategy speculate from their own context
 * (ngram-tree with adaptive size) and say so, emitting what the target alone emits; a strategy that needs the
 * draft is refused with a clear 400.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "dyspec.models.warm-up=0s")
@AutoConfigureWebTestClient
class DraftlessServerTest {

    @DynamicPropertySource
    static void models(DynamicPropertyRegistry registry) {
        registry.add("dyspec.models.target", () -> ShippedPair.target().toString());
        registry.add("dyspec.models.draft", () -> "");
    }

    @Autowired
    WebTestClient web;

    @Autowired
    ModelService models;

    @Autowired
    JsonMapper json;

    @BeforeEach
    void loaded() throws InterruptedException {
        ShippedPair.awaitLoaded(models);
        web = web.mutate().responseTimeout(Duration.ofSeconds(60)).defaultHeader("Connection", "close").build();
    }

    private JsonNode complete(String dyspec) {
        String body = "{\"prompt\": \"Tom had a red ball. Tom had a red ball. Tom had a\", \"max_tokens\": 32,"
                + " \"temperature\": 0" + (dyspec == null ? "" : ", \"dyspec\": " + dyspec) + "}";
        return json.readTree(web.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody());
    }

    @Test
    void aRequestWithoutAStrategySpeculatesFromItsContextAndEmitsWhatTheTargetDoes() {
        JsonNode speculated = complete(null);
        JsonNode alone = complete("{\"strategy\": \"target-only\"}");
        assertThat(speculated.at("/speculative/strategy").asText()).isEqualTo("ngram-tree");
        assertThat(speculated.at("/choices/0/text").asText()).isEqualTo(alone.at("/choices/0/text").asText()).isNotEmpty();
        assertThat(speculated.at("/speculative/steps").asInt()).as("proposals from the repeated context were accepted")
                .isLessThan(speculated.at("/usage/completion_tokens").asInt());
        assertThat(models.engine().decoder().draft()).isEmpty();
    }

    @Test
    void aStrategyThatNeedsTheDraftIsRefused() {
        JsonNode error = json.readTree(web.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"prompt\": \"Tom\", \"max_tokens\": 4, \"dyspec\": {\"strategy\": \"dyspec\"}}")
                .exchange().expectStatus().isBadRequest().expectBody().returnResult().getResponseBody());
        assertThat(error.at("/error/message").asText()).contains("draft");
    }
}
