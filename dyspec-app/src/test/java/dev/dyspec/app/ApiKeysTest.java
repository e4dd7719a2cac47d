package dev.dyspec.app;

import dev.dyspec.app.engine.ModelService;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"dyspec.security.api-keys[0]=sk-first", "dyspec.security.api-keys[1]=sk-second"})
@AutoConfigureWebTestClient
class ApiKeysTest {

    @DynamicPropertySource
    static void models(DynamicPropertyRegistry registry) {
        SharedPair.register(registry);
    }

    @Autowired
    WebTestClient web;

    @Autowired
    ModelService models;

    @BeforeEach
    void loaded() throws InterruptedException {
        SharedPair.awaitLoaded(models);
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
        // probes stay open for the orchestrator
        web.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
    }
}
