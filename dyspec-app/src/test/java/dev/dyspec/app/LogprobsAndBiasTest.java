package dev.dyspec.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dyspec.core.tokenizer.TextTokenizer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

/**
 * Log-probabilities in OpenAI's chat and completions shapes, whole and streamed, echo, and logit_bias
 * and penalties changing what the server generates — over real HTTP on the shipped pair.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class LogprobsAndBiasTest extends ShippedPairServiceTest {

    @LocalServerPort
    int port;

    private JsonNode post(String path, String body) {
        return json.readTree(web.post().uri(path).contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isOk().expectBody().returnResult().getResponseBody());
    }

    private List<JsonNode> stream(String path, String body) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        List<JsonNode> chunks = new ArrayList<>();
        for (String event : r.body().split("\n\n")) {
            if (!event.equals("data: [DONE]")) {
                chunks.add(json.readTree(event.substring("data: ".length())));
            }
        }
        return chunks;
    }

    @Test
    void chatLogprobsListEveryGeneratedTokenWithItsAlternativesAndSpellTheContent() {
        JsonNode r = post("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"And God said\"}],"
                + " \"max_tokens\": 12, \"temperature\": 0, \"logprobs\": true, \"top_logprobs\": 3}");
        JsonNode content = r.at("/choices/0/logprobs/content");
        assertThat(content.size()).isEqualTo(r.at("/usage/completion_tokens").asInt());
        StringBuilder spelled = new StringBuilder();
        for (JsonNode entry : content) {
            double lp = entry.get("logprob").asDouble();
            assertThat(lp).isLessThanOrEqualTo(0);
            JsonNode top = entry.get("top_logprobs");
            assertThat(top.size()).isEqualTo(3);
            // greedy: the chosen token is the most likely one
            assertThat(top.get(0).get("token").asText()).isEqualTo(entry.get("token").asText());
            assertThat(top.get(0).get("logprob").asDouble()).isCloseTo(lp, org.assertj.core.data.Offset.offset(1e-6));
            assertThat(top.get(1).get("logprob").asDouble()).isLessThanOrEqualTo(top.get(0).get("logprob").asDouble());
            byte[] bytes = entry.get("token").asText().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertThat(entry.get("bytes").size()).isEqualTo(bytes.length);
            spelled.append(entry.get("token").asText());
        }
        String text = r.at("/choices/0/message/content").asText();
        assertThat(text).isNotEmpty();
        assertThat(spelled.toString()).startsWith(text);
    }

    @Test
    void streamedChatChunksCarryTheLogprobsOfTheirOwnTokens() throws Exception {
        List<JsonNode> chunks = stream("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}],"
                + " \"max_tokens\": 16, \"temperature\": 0.8, \"seed\": 5, \"logprobs\": true, \"stream\": true,"
                + " \"stream_options\": {\"include_usage\": true}}");
        int tokens = 0;
        StringBuilder spelled = new StringBuilder();
        StringBuilder text = new StringBuilder();
        for (JsonNode c : chunks) {
            if (c.at("/choices").isEmpty()) {
                assertThat(tokens).isEqualTo(c.at("/usage/completion_tokens").asInt());
                continue;
            }
            text.append(c.at("/choices/0/delta/content").asText(""));
            for (JsonNode entry : c.at("/choices/0/logprobs/content")) {
                tokens++;
                spelled.append(entry.get("token").asText());
                assertThat(entry.get("top_logprobs").isEmpty()).isTrue();
            }
        }
        assertThat(tokens).isPositive();
        assertThat(spelled.toString()).startsWith(text.toString());
    }

    @Test
    void echoedCompletionsRepeatThePromptAndScoreItsTokens() {
        String prompt = "The Congress of the United States";
        JsonNode r = post("/v1/completions", "{\"prompt\": \"" + prompt + "\", \"max_tokens\": 6, \"temperature\": 0,"
                + " \"echo\": true, \"logprobs\": 2}");
        String text = r.at("/choices/0/text").asText();
        assertThat(text).startsWith(prompt);
        JsonNode lp = r.at("/choices/0/logprobs");
        int promptTokens = r.at("/usage/prompt_tokens").asInt();
        int completion = r.at("/usage/completion_tokens").asInt();
        // the start token the server added is not echoed
        assertThat(lp.get("tokens").size()).isEqualTo(promptTokens - 1 + completion);
        StringBuilder spelled = new StringBuilder();
        for (int i = 0; i < lp.get("tokens").size(); i++) {
            assertThat(lp.get("text_offset").get(i).asInt()).isEqualTo(spelled.length());
            spelled.append(lp.get("tokens").get(i).asText());
            assertThat(lp.get("token_logprobs").get(i).asDouble()).isLessThanOrEqualTo(0);
            JsonNode top = lp.get("top_logprobs").get(i);
            assertThat(top.size()).isBetween(2, 3);
            assertThat(top.has(lp.get("tokens").get(i).asText())).isTrue();
        }
        assertThat(spelled.toString()).startsWith(text);

        JsonNode plain = post("/v1/completions", "{\"prompt\": \"" + prompt + "\", \"max_tokens\": 6, \"temperature\": 0,"
                + " \"echo\": true}");
        assertThat(plain.at("/choices/0/text").asText()).isEqualTo(text);
        assertThat(plain.at("/choices/0/logprobs").isNull()).isTrue();
    }

    @Test
    void aStrongLogitBiasMakesTheModelRepeatTheFavouredToken() {
        TextTokenizer tokenizer = models.engine().decoder().target().tokenizer();
        int favoured = tokenizer.encode(" river")[0];
        String expected = tokenizer.decode(new int[] {favoured, favoured, favoured, favoured});
        for (String strategy : List.of("dyspec-calibrated", "chain", "target-only")) {
            JsonNode r = post("/v1/completions", "{\"prompt\": \"And God said\", \"max_tokens\": 4, \"temperature\": 0,"
                    + " \"logit_bias\": {\"" + favoured + "\": 100}, \"dyspec\": {\"strategy\": \"" + strategy + "\"}}");
            assertThat(r.at("/choices/0/text").asText()).as(strategy).isEqualTo(expected);
        }
    }

    @Test
    void penaltiesChangeAGreedyContinuationThatRepeatsItself() {
        String body = "{\"prompt\": \"And God said\", \"max_tokens\": 48, \"temperature\": 0";
        String plain = post("/v1/completions", body + "}").at("/choices/0/text").asText();
        String penalised = post("/v1/completions", body + ", \"frequency_penalty\": 2, \"presence_penalty\": 2}")
                .at("/choices/0/text").asText();
        String targetOnly = post("/v1/completions", body + ", \"frequency_penalty\": 2, \"presence_penalty\": 2,"
                + " \"dyspec\": {\"strategy\": \"target-only\"}}").at("/choices/0/text").asText();
        assertThat(penalised).isNotEqualTo(plain);
        assertThat(penalised).as("speculation reproduces the penalised target").isEqualTo(targetOnly);
    }
}
