package dev.dyspec.app;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"dyspec.security.api-keys[0]=sk-first", "dyspec.security.api-keys[1]=sk-second"})
@AutoConfigureWebTestClient
class ApiKeysTest extends SharedPairServiceTest {


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
        // probes stay open for the orchestrator
        web.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
    }
}
