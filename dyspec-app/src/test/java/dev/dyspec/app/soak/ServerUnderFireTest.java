package dev.dyspec.app.soak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dyspec.app.ShippedPair;
import dev.dyspec.app.engine.ModelService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The server under fire, on the shipped pair: a thousand generated hostile requests (wrong types and
 * ranges, odd unicode, nesting, malformed JSON, encoded paths, wrong methods and content types) get only
 * 4xx with OpenAI error bodies; and the short form of {@code ./dyspec soak} that CI runs — mixed completions
 * and chats, streamed or not, a fifth of streams cut by the client, a fifth hostile requests, for 15 s.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ServerUnderFireTest {

    @DynamicPropertySource
    static void models(DynamicPropertyRegistry registry) {
        ShippedPair.register(registry);
    }

    @LocalServerPort
    int port;

    @LocalManagementPort
    int managementPort;

    @Autowired
    ModelService models;

    @Test
    void everyHostileRequestGetsAClientErrorAndTheServerStaysHealthy() throws Exception {
        ShippedPair.awaitLoaded(models);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HostileRequests generator = new HostileRequests(42);
        Map<Integer, Integer> statuses = new TreeMap<>();
        HostileRequests.Request previous = null;
        for (int i = 0; i < 1000; i++) {
            HostileRequests.Request r = generator.next();
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + r.path()))
                    .timeout(Duration.ofSeconds(30));
            if (r.contentType() != null) {
                b.header("Content-Type", r.contentType());
            }
            b.method(r.method(), r.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(r.body()));
            HttpResponse<String> response;
            try {
                response = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException e) {
                throw new AssertionError("no answer to " + r.method() + " " + r.path() + " " + r.body()
                        + " (request " + i + ", after " + previous + ")", e);
            }
            previous = r;
            statuses.merge(response.statusCode(), 1, Integer::sum);
            assertThat(response.statusCode()).as("%s %s %s", r.method(), r.path(), r.body()).isLessThan(500);
            if (response.statusCode() >= 400) {
                assertThat(SoakRunner.isOpenAiErrorBody(response.body())).as("%s %s -> %s", r.path(), r.body(),
                        response.body()).isTrue();
            }
        }
        System.out.println("hostile requests by status: " + statuses);
        assertThat(statuses.keySet()).anyMatch(s -> s >= 400);
        HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"prompt\": \"And God said\", \"max_tokens\": 4}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort
                + "/actuator/health/readiness")).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    @Test
    void aShortSoakSeesNoServerErrorsNoBrokenStreamsAndStaysReady() throws Exception {
        ShippedPair.awaitLoaded(models);
        SoakReport report = new SoakRunner(new SoakRunner.Settings("http://127.0.0.1:" + port,
                "http://127.0.0.1:" + managementPort, null, 8, Duration.ofSeconds(15), 0.2, 0.2, 16,
                ProcessHandle.current().pid(), 7)).run();
        System.out.println("short soak: " + report);
        assertThat(report.requests()).isGreaterThan(20);
        assertThat(report.cutStreams()).isPositive();
        assertThat(report.serverErrors()).as("%s", report.statuses()).isZero();
        assertThat(report.brokenStreams()).isZero();
        assertThat(report.badErrorBodies()).isZero();
        assertThat(report.readinessDown()).isZero();
    }
}
