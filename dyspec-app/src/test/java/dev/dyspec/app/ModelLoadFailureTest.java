package dev.dyspec.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dyspec.app.engine.ModelService;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.web.reactive.server.WebTestClient;

/** A model that fails to load keeps readiness DOWN with the reason; the API answers 503, never 500. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"dyspec.models.target=/no/such/model", "dyspec.models.draft="})
@AutoConfigureWebTestClient
class ModelLoadFailureTest {

    @Autowired
    WebTestClient web;

    @Autowired
    ModelService models;

    @LocalManagementPort
    int managementPort;

    @Test
    void readinessStaysDownWithTheReason() throws InterruptedException {
        ShippedPair.awaitLoaded(models);
        // the first request of a JVM can take longer than WebTestClient's 5 s default on a busy machine
        WebTestClient web = this.web.mutate().responseTimeout(Duration.ofSeconds(60)).build();
        assertThat(models.state()).isEqualTo(ModelService.State.FAILED);
        WebTestClient management = WebTestClient.bindToServer().baseUrl("http://localhost:" + managementPort)
                .responseTimeout(Duration.ofSeconds(60)).build();
        management.get().uri("/actuator/health/readiness").exchange().expectStatus().isEqualTo(503)
                .expectBody().jsonPath("$.components.models.details.reason")
                .value(r -> assertThat((String) r).contains("/no/such/model", "not found"));
        management.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        web.post().uri("/v1/completions").header("Content-Type", "application/json").bodyValue("{\"prompt\": \"a\"}")
                .exchange().expectStatus().isEqualTo(503)
                .expectBody().jsonPath("$.error.code").isEqualTo("model_unavailable")
                .jsonPath("$.error.message").value(m -> assertThat((String) m).doesNotContain("/no/such/model"));
    }
}
