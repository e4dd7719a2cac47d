package dev.dyspec.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ServiceConfigurationError;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * Builds the service image from the Dockerfile and calls it, where a Docker engine exists. Our
 * machines have none, so it is skipped there with that reason; everything it checks is also covered
 * in-process by the WebTestClient tests.
 */
class DyspecContainerIT {

    @Test
    void imageServesCompletionsWithMountedModels() throws Exception {
        assumeTrue(dockerAvailable(), "no Docker engine on this machine: the container test needs one"
                + " (the docker CLI alone is not enough); CompletionsApiTest covers the same behaviour in-process");
        Path root = Path.of(System.getProperty("dyspec.root", "..")).toAbsolutePath().normalize();
        Path models = ShippedPair.target().getParent();
        try (GenericContainer<?> app = new GenericContainer<>(new ImageFromDockerfile("dyspec-it", false)
                .withFileFromPath(".", root))
                .withExposedPorts(8080, 8081)
                .withFileSystemBind(models.toString(), "/models", BindMode.READ_ONLY)
                .withEnv("DYSPEC_MODELS_TARGET", "/models/" + ShippedPair.TARGET)
                .withEnv("DYSPEC_MODELS_DRAFT", "/models/" + ShippedPair.DRAFT)
                .waitingFor(Wait.forHttp("/actuator/health/readiness").forPort(8081).forStatusCode(200)
                        .withStartupTimeout(Duration.ofMinutes(5)))) {
            app.start();
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://" + app.getHost() + ":" + app.getMappedPort(8080);
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"And God said\", \"max_tokens\": 16,"
                            + " \"temperature\": 0}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("\"text_completion\"", "\"speculative\"");
            HttpResponse<String> bad = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"prompt\": \"a\", \"temperature\": 9}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(bad.statusCode()).isEqualTo(400);
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | ServiceConfigurationError e) {
            // no engine, or no usable Docker client configuration on this machine
            return false;
        }
    }
}
