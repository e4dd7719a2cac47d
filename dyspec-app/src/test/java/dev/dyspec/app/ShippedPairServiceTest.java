package dev.dyspec.app;

import dev.dyspec.app.engine.ModelService;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.json.JsonMapper;

/** What every service test on the shared pair needs: the models, a client, and a wait for loading. */
abstract class ShippedPairServiceTest {

    @DynamicPropertySource
    static void models(DynamicPropertyRegistry registry) {
        ShippedPair.register(registry);
    }

    @Autowired
    WebTestClient web;

    @Autowired
    ModelService models;

    @Autowired
    JsonMapper json;

    @LocalManagementPort
    int managementPort;

    /** Actuator lives on the management port, apart from the API. */
    WebTestClient management() {
        return WebTestClient.bindToServer().baseUrl("http://localhost:" + managementPort)
                .responseTimeout(Duration.ofSeconds(60)).build();
    }

    @BeforeEach
    void loaded() throws InterruptedException {
        ShippedPair.awaitLoaded(models);
        // a loaded CI machine can stall a response past WebTestClient's 5 s default
        // A fresh connection per request: in about one full run in six a request sent on a reused keep-alive
        // connection of the test client was never seen by the server (idle engine, no exposure logged) until
        // the 60 s timeout. Real clients in the soak (JDK HttpClient, keep-alive) never hit it; the cause is
        // open — see the closing note of the session that added this.
        web = web.mutate().responseTimeout(Duration.ofSeconds(60)).defaultHeader("Connection", "close").build();
    }
}
