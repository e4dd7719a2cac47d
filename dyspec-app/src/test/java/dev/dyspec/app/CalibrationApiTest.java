package dev.dyspec.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

/** The calibrated strategies learn from served traffic, and the service shows what it learned. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient
class CalibrationApiTest extends ShippedPairServiceTest {


    @Test
    void calibratedTrafficFeedsTheCurveAndTreeSizesAreReported() {
        String greedy = null;
        // the size rule may decide that no node pays on a noisy cost curve, so drafting is also forced once
        String[][] runs = {{"target-only", "false"}, {"dyspec-calibrated", "false"}, {"dyspec-calibrated", "true"}};
        for (String[] run : runs) {
            String strategy = run[0];
            JsonNode r = json.readTree(web.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"prompt\": \"Once upon a time\", \"max_tokens\": 30, \"temperature\": 0,"
                            + " \"dyspec\": {\"strategy\": \"" + strategy + "\", \"budget\": 16, \"adaptiveSize\": "
                            + run[1] + "}}")
                    .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody());
            String text = r.at("/choices/0/text").asText();
            if (greedy == null) {
                greedy = text;
            }
            assertThat(text).as(strategy).isEqualTo(greedy);
        }
        JsonNode c = json.readTree(web.get().uri("/v1/calibration").exchange().expectStatus().isOk()
                .expectBody().returnResult().getResponseBody());
        assertThat(c.at("/acceptance/greedy/observations").asLong()).isPositive();
        assertThat(c.at("/acceptance/greedy/curve").size()).isEqualTo(16);
        assertThat(c.at("/cost/measured").asBoolean()).isTrue();
        assertThat(c.at("/cost/draftMsPerNode").asDouble()).isPositive();
        assertThat(c.at("/treeSizes/dyspec-calibrated/steps").asLong()).isPositive();
        assertThat(c.at("/treeSizes/dyspec-calibrated/meanTreeSize").asDouble()).isBetween(0.0, 16.0);
    }

    @Test
    void theNgramHybridDecodesLikeTheTargetAndReportsWhatContextProposalsEarned() {
        String prompt = "Tom had a red ball. Tom had a red ball. Tom had a red ball. Tom had a";
        String greedy = null;
        for (String ext : new String[] {"{\"strategy\": \"target-only\"}", "{\"strategy\": \"dyspec-ngram\", \"budget\": 8}",
                "{\"strategy\": \"dyspec\", \"budget\": 8, \"draftTemperature\": 1.0}"}) {
            JsonNode r = json.readTree(web.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"prompt\": \"" + prompt + "\", \"max_tokens\": 24, \"temperature\": 0, \"dyspec\": " + ext + "}")
                    .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody());
            String text = r.at("/choices/0/text").asText();
            greedy = greedy == null ? text : greedy;
            assertThat(text).as(ext).isEqualTo(greedy);
        }
        JsonNode c = json.readTree(web.get().uri("/v1/calibration").exchange().expectStatus().isOk()
                .expectBody().returnResult().getResponseBody());
        JsonNode rows = c.at("/acceptance/greedy/contextProposals");
        assertThat(rows.size()).isEqualTo(8);
        long verified = 0;
        for (JsonNode row : rows) {
            verified += row.get("verified").asLong();
        }
        assertThat(verified).as("context proposals verified").isPositive();
    }

    @Test
    void aDraftTemperatureOutsideItsRangeIsA400NamingIt() {
        web.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"prompt\": \"Hi\", \"max_tokens\": 4, \"dyspec\": {\"strategy\": \"dyspec\", \"draftTemperature\": 0}}")
                .exchange().expectStatus().isBadRequest()
                .expectBody().jsonPath("$.error.param").isEqualTo("dyspec.draftTemperature")
                .jsonPath("$.error.message").value(m -> assertThat((String) m).contains("draft temperature must be in"));
    }
}
