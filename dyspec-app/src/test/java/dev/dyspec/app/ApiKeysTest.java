package dev.dyspec.app;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"dyspec.security.api-keys[0]=sk-first", "dyspec.security.api-keys[1]=sk-second"})
@AutoConfigureWebTestClient
class ApiKeysTest extends ShippedPairServiceTest {

    @LocalServerPort
    int port;

    /** An absolute URI keeps its encoding as written; WebTestClient would re-encode a path string. */
    private URI raw(String path) {
        return URI.create("http://localhost:" + port + path);
    }


    @Test
    void everyV1CallNeedsAConfiguredKey() {
        web.get().uri("/v1/models").exchange().expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error.code").isEqualTo("invalid_api_key");
        web.get().uri("/v1/models").header("Authorization", "Bearer sk-wrong").exchange().expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error.message").isEqualTo("invalid API key");
        web.post().uri("/v1/completions").header("Content-Type", "application/json").bodyValue("{\"prompt\":\"a\"}")
                .exchange().expectStatus().isUnauthorized();
        web.get().uri("/v1/models").header("Authorization", "Bearer sk-second").exchange().expectStatus().isOk();
        web.post().uri("/v1/completions").header("Authorization", "Bearer sk-first")
                .header("Content-Type", "application/json").bodyValue("{\"prompt\":\"a\", \"max_tokens\": 3}")
                .exchange().expectStatus().isOk();
        // probes stay open for the orchestrator, on the management port
        management().get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        management().get().uri("/actuator/health/readiness").exchange().expectStatus().isOk();
    }

    /** The filter decides on the decoded, normalised path that routing uses, not on the raw one. */
    @ParameterizedTest
    @ValueSource(strings = {"/%76%31/models", "/v%31/models", "//v1/models", "/./v1/models", "/x/../v1/models",
            "/%76%31/calibration", "/%76%31/experiments", "/v1;a=b/models", "/V1/models", "/v1/models/"})
    void encodedAndOddPathsNeedAKeyToo(String rawPath) {
        web.get().uri(raw(rawPath)).exchange().expectStatus().isUnauthorized()
                .expectBody().jsonPath("$.error.code").isEqualTo("invalid_api_key");
    }

    @Test
    void encodedCompletionPathDoesNotGenerateWithoutAKey() {
        web.post().uri(raw("/%76%31/completions")).header("Content-Type", "application/json")
                .bodyValue("{\"prompt\":\"a\", \"max_tokens\": 3}").exchange().expectStatus().isUnauthorized();
        web.post().uri(raw("/%76%31/completions")).header("Authorization", "Bearer sk-first")
                .header("Content-Type", "application/json").bodyValue("{\"prompt\":\"a\", \"max_tokens\": 3}")
                .exchange().expectStatus().isOk();
    }

    /** Deny by default: metrics, other actuator endpoints and unknown paths are not public either. */
    @ParameterizedTest
    @ValueSource(strings = {"/actuator/prometheus", "/actuator/metrics", "/actuator/info", "/actuator/health",
            "/actuator/%68ealth/components", "/anything", "/"})
    void everythingButTheProbesNeedsAKey(String rawPath) {
        web.get().uri(raw(rawPath)).exchange().expectStatus().isUnauthorized();
    }
}
