package dev.dyspec.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "dyspec.experiments[0].id=tree-vs-chain",
    "dyspec.experiments[0].arms[0].name=chain",
    "dyspec.experiments[0].arms[0].strategy=chain",
    "dyspec.experiments[0].arms[0].budget=4",
    "dyspec.experiments[0].arms[1].name=dyspec",
    "dyspec.experiments[0].arms[1].strategy=dyspec",
    "dyspec.experiments[0].arms[1].budget=8",
    "dyspec.experiments[0].arms[1].weight=1"})
@AutoConfigureWebTestClient
class ExperimentsApiTest extends SharedPairServiceTest {


    private JsonNode complete(String user, boolean header) {
        var spec = web.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON);
        if (header) {
            spec = spec.header("X-Dyspec-User", user);
        }
        String body = header ? "{\"prompt\": \"Once\", \"max_tokens\": 12}"
                : "{\"prompt\": \"Once\", \"max_tokens\": 12, \"user\": \"" + user + "\"}";
        return json.readTree(spec.bodyValue(body).exchange().expectStatus().isOk().expectBody().returnResult()
                .getResponseBody());
    }

    @Test
    void usersStayInTheirArmAndTheReportComparesArms() {
        Set<String> armsSeen = new HashSet<>();
        for (int u = 0; u < 12; u++) {
            String user = "user-" + u;
            JsonNode first = complete(user, false);
            String arm = first.at("/speculative/arm").asText();
            assertThat(first.at("/speculative/experiment").asText()).isEqualTo("tree-vs-chain");
            assertThat(first.at("/speculative/strategy").asText()).isEqualTo(arm);
            assertThat(complete(user, false).at("/speculative/arm").asText()).as("stable for " + user).isEqualTo(arm);
            assertThat(complete(user, true).at("/speculative/arm").asText()).as("header for " + user).isEqualTo(arm);
            armsSeen.add(arm);
        }
        assertThat(armsSeen).containsExactlyInAnyOrder("chain", "dyspec");

        // An explicit strategy bypasses the experiment.
        JsonNode explicit = json.readTree(web.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"prompt\": \"Once\", \"max_tokens\": 4, \"dyspec\": {\"strategy\": \"target-only\"}}")
                .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody());
        assertThat(explicit.at("/speculative/arm").isMissingNode()).isTrue();

        JsonNode report = json.readTree(web.get().uri("/v1/experiments/tree-vs-chain").exchange().expectStatus().isOk()
                .expectBody().returnResult().getResponseBody());
        long total = 0;
        for (JsonNode arm : report.at("/arms")) {
            total += arm.at("/requests").asLong();
            assertThat(arm.at("/generatedTokens").asLong()).isEqualTo(12 * arm.at("/requests").asLong());
            assertThat(arm.at("/meanTau").asDouble()).isGreaterThanOrEqualTo(1.0);
            assertThat(arm.at("/tokensPerSecond/p50").asDouble()).isPositive();
            assertThat(arm.at("/tokensPerSecond/p95").asDouble())
                    .isGreaterThanOrEqualTo(arm.at("/tokensPerSecond/p50").asDouble());
            assertThat(arm.at("/timeToFirstTokenMs/mean").asDouble()).isPositive();
        }
        assertThat(total).isEqualTo(36);
        JsonNode comparison = report.at("/comparisons/0");
        assertThat(comparison.at("/control").asText()).isEqualTo("chain");
        assertThat(comparison.at("/treatment").asText()).isEqualTo("dyspec");
        double diff = comparison.at("/difference").asDouble();
        assertThat(comparison.at("/ci95/0").asDouble()).isLessThanOrEqualTo(diff);
        assertThat(comparison.at("/ci95/1").asDouble()).isGreaterThanOrEqualTo(diff);
        assertThat(comparison.at("/pValue").asDouble()).isBetween(0.0, 1.0);

        web.get().uri("/v1/experiments").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.data[0].id").isEqualTo("tree-vs-chain");
        web.get().uri("/v1/experiments/nope").exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.error.code").isEqualTo("experiment_not_found");
    }
}
