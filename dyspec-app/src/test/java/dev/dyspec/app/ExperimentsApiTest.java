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
    "dyspec.experiments[0].arms[1].weight=1",
    "dyspec.security.admin-keys[0]=sk-admin"})
@AutoConfigureWebTestClient
class ExperimentsApiTest extends ShippedPairServiceTest {


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

    private JsonNode report() {
        return json.readTree(web.get().uri("/v1/experiments/tree-vs-chain").exchange().expectStatus().isOk()
                .expectBody().returnResult().getResponseBody());
    }

    private static long sum(JsonNode report, String field) {
        long total = 0;
        for (JsonNode arm : report.at("/arms")) {
            total += arm.at(field).asLong();
        }
        return total;
    }

    @Test
    void usersStayInTheirArmAndTheReportComparesArms() {
        // the context is shared with the other test, whichever ran first: count from here
        JsonNode before = report();
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

        JsonNode report = report();
        for (JsonNode arm : report.at("/arms")) {
            assertThat(arm.at("/meanTau").asDouble()).isGreaterThanOrEqualTo(1.0);
            assertThat(arm.at("/tokensPerSecond/p50").asDouble()).isPositive();
            assertThat(arm.at("/tokensPerSecond/p95").asDouble())
                    .isGreaterThanOrEqualTo(arm.at("/tokensPerSecond/p50").asDouble());
            assertThat(arm.at("/timeToFirstTokenMs/mean").asDouble()).isPositive();
        }
        assertThat(sum(report, "/requests") - sum(before, "/requests")).isEqualTo(36);
        assertThat(sum(report, "/exposures") - sum(before, "/exposures")).isEqualTo(36);
        assertThat(sum(report, "/distinctUsers") - sum(before, "/distinctUsers")).isEqualTo(12);
        assertThat(sum(report, "/generatedTokens") - sum(before, "/generatedTokens")).isEqualTo(36 * 12);
        for (JsonNode arm : report.at("/arms")) {
            assertThat(arm.at("/failed").asLong()).isZero();
            assertThat(arm.at("/cancelled").asLong()).as("finished requests are not cancellations").isZero();
            assertThat(arm.at("/interTokenLatencyMs/p50").asDouble()).isPositive();
        }
        assertThat(report.at("/srm/srm").isBoolean()).isTrue();
        assertThat(report.at("/srm/requests/pValue").asDouble()).isBetween(0.0, 1.0);
        assertThat(report.at("/readingGuide").asText()).contains("sequential");
        JsonNode comparison = report.at("/comparisons/0");
        assertThat(comparison.at("/control").asText()).isEqualTo("chain");
        assertThat(comparison.at("/treatment").asText()).isEqualTo("dyspec");
        double diff = comparison.at("/difference").asDouble();
        assertThat(comparison.at("/fixedHorizon/ci95/0").asDouble()).isLessThanOrEqualTo(diff);
        assertThat(comparison.at("/fixedHorizon/ci95/1").asDouble()).isGreaterThanOrEqualTo(diff);
        assertThat(comparison.at("/fixedHorizon/pValue").asDouble()).isBetween(0.0, 1.0);
        assertThat(comparison.at("/sequential/pValue").asDouble()).isBetween(0.0, 1.0);

        web.get().uri("/v1/experiments").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.data[0].id").isEqualTo("tree-vs-chain");
        web.get().uri("/v1/experiments/nope").exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.error.code").isEqualTo("experiment_not_found");
    }

    @Test
    void theArmIsExposedInAHeaderAndAdminsCanForceAndChangeIt() {
        web.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"prompt\": \"Once\", \"max_tokens\": 2, \"user\": \"header-check\"}")
                .exchange().expectStatus().isOk().expectHeader().value("X-Dyspec-Arm", arm -> assertThat(arm).isIn("chain", "dyspec"));
        // forcing an arm is for admins only
        web.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON).header("X-Dyspec-Force-Arm", "dyspec")
                .bodyValue("{\"prompt\": \"Once\", \"max_tokens\": 2}").exchange().expectStatus().isUnauthorized();
        web.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON).header("X-Dyspec-Force-Arm", "dyspec")
                .header("Authorization", "Bearer sk-wrong")
                .bodyValue("{\"prompt\": \"Once\", \"max_tokens\": 2}").exchange().expectStatus().isForbidden();
        for (String arm : new String[] {"chain", "dyspec"}) {
            web.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON).header("X-Dyspec-Force-Arm", arm)
                    .header("Authorization", "Bearer sk-admin")
                    .bodyValue("{\"prompt\": \"Once\", \"max_tokens\": 2, \"user\": \"qa\"}").exchange()
                    .expectStatus().isOk().expectHeader().valueEquals("X-Dyspec-Arm", arm);
        }
        web.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON).header("X-Dyspec-Force-Arm", "nope")
                .header("Authorization", "Bearer sk-admin").bodyValue("{\"prompt\": \"Once\", \"max_tokens\": 2}")
                .exchange().expectStatus().isBadRequest();

        // run-time control: weights 0:1 send everyone to the second arm, and the change is in the history
        web.patch().uri("/v1/experiments/tree-vs-chain").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"weights\": {\"chain\": 0.000001}}").exchange().expectStatus().isUnauthorized();
        web.patch().uri("/v1/experiments/tree-vs-chain").contentType(MediaType.APPLICATION_JSON)
                .header("Authorization", "Bearer sk-admin").bodyValue("{\"weights\": {\"chain\": -1}}")
                .exchange().expectStatus().isBadRequest();
        JsonNode changed = json.readTree(web.patch().uri("/v1/experiments/tree-vs-chain").contentType(MediaType.APPLICATION_JSON)
                .header("Authorization", "Bearer sk-admin").bodyValue("{\"weights\": {\"chain\": 0.000001}}")
                .exchange().expectStatus().isOk().expectBody().returnResult().getResponseBody());
        assertThat(changed.at("/history/0/weights/chain").asDouble()).isEqualTo(0.000001);
        for (int u = 0; u < 5; u++) {
            assertThat(complete("moved-" + u, false).at("/speculative/arm").asText()).isEqualTo("dyspec");
        }
        // disabled: requests fall back to the default strategy, outside any experiment
        web.patch().uri("/v1/experiments/tree-vs-chain").contentType(MediaType.APPLICATION_JSON)
                .header("Authorization", "Bearer sk-admin").bodyValue("{\"enabled\": false}").exchange().expectStatus().isOk();
        assertThat(complete("after-disable", false).at("/speculative/arm").isMissingNode()).isTrue();
        web.patch().uri("/v1/experiments/tree-vs-chain").contentType(MediaType.APPLICATION_JSON)
                .header("Authorization", "Bearer sk-admin").bodyValue("{\"enabled\": true, \"weights\": {\"chain\": 1}}")
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.enabled").isEqualTo(true);
    }
}
