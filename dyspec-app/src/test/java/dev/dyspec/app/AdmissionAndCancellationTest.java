package dev.dyspec.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dyspec.app.engine.ModelService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"dyspec.limits.max-concurrent=2", "dyspec.limits.max-queued=0", "dyspec.limits.max-tokens=100000"})
class AdmissionAndCancellationTest {

    @DynamicPropertySource
    static void models(DynamicPropertyRegistry registry) {
        ShippedPair.register(registry);
    }

    @LocalServerPort
    int port;

    @Autowired
    ModelService models;

    private WebClient client;
    private final List<String> streamFailures = java.util.Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void setUp() throws InterruptedException {
        ShippedPair.awaitLoaded(models);
        client = WebClient.create("http://localhost:" + port);
    }

    private Flux<ServerSentEvent<String>> longStream() {
        // A wide DySpec tree with one draft forward per node makes each step slow, so the generation
        // holds its slot for seconds.
        return client.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"prompt\": \"Once\", \"max_tokens\": 100000, \"stream\": true, \"temperature\": 1,"
                        + " \"dyspec\": {\"strategy\": \"dyspec\", \"budget\": 64}}")
                .retrieve().bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() { });
    }

    private int status(String body) {
        return client.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchangeToMono(r -> Mono.just(r.statusCode().value())).block(Duration.ofSeconds(60));
    }

    @Test
    void fullQueueAnswers429AndACancelledStreamFreesItsSlot() throws InterruptedException {
        List<Disposable> streams = new ArrayList<>();
        List<Integer> received = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            streams.add(longStream().subscribe(e -> {
                synchronized (received) {
                    received.add(1);
                }
            }, this::streamFailed));
        }
        awaitActive(2);
        String small = "{\"prompt\": \"Once\", \"max_tokens\": 2}";
        var refused = client.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON).bodyValue(small)
                .exchangeToMono(r -> r.bodyToMono(String.class).map(b -> r.statusCode().value() + " "
                        + r.headers().asHttpHeaders().getFirst("Retry-After") + " " + b))
                .block(Duration.ofSeconds(30));
        assertThat(refused).startsWith("429 1 ").contains("rate_limit_exceeded");

        streams.get(0).dispose(); // the client goes away
        awaitActive(1);
        assertThat(status(small)).isEqualTo(200);
        streams.get(1).dispose();
        awaitActive(0);
        synchronized (received) {
            assertThat(received).isNotEmpty();
        }
    }

    /**
     * A retry storm is slowed down: while the engine is full each refusal waits the busy delay (200 ms by
     * default) before its 429, so a client retrying at once cannot spin thousands of times a second.
     */
    @Test
    void refusalsForLackOfRoomComeAfterTheBusyDelay() throws InterruptedException {
        List<Disposable> streams = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            streams.add(longStream().subscribe(e -> { }, this::streamFailed));
        }
        awaitActive(2);
        long start = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            assertThat(status("{\"prompt\": \"Once\", \"max_tokens\": 2}")).isEqualTo(429);
        }
        assertThat((System.nanoTime() - start) / 1e6).isGreaterThanOrEqualTo(5 * 190.0);
        streams.forEach(Disposable::dispose);
        awaitActive(0);
    }

    @Test
    void concurrentStreamsAllFinishWithTheirOwnText() {
        List<Mono<List<ServerSentEvent<String>>>> calls = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String body = "{\"prompt\": \"Lily\", \"max_tokens\": 20, \"temperature\": 0, \"stream\": true,"
                    + " \"dyspec\": {\"strategy\": \"" + (i == 0 ? "dyspec" : "chain") + "\"}}";
            calls.add(client.post().uri("/v1/completions").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                    .retrieve().bodyToFlux(new ParameterizedTypeReference<ServerSentEvent<String>>() { }).collectList());
        }
        List<List<ServerSentEvent<String>>> results = Flux.merge(calls).collectList().block(Duration.ofSeconds(60));
        assertThat(results).hasSize(2);
        List<String> texts = new ArrayList<>();
        for (List<ServerSentEvent<String>> events : results) {
            assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
            StringBuilder text = new StringBuilder();
            for (ServerSentEvent<String> e : events.subList(0, events.size() - 1)) {
                String d = e.data();
                int at = d.indexOf("\"text\":\"");
                if (at >= 0) {
                    text.append(d, at + 8, d.indexOf("\",\"logprobs\"", at));
                }
            }
            texts.add(text.toString());
        }
        assertThat(texts.get(0)).isEqualTo(texts.get(1)).isNotEmpty(); // greedy: both equal target-only
    }

    private void awaitActive(int n) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (models.engine().activeGenerations() != n && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(models.engine().activeGenerations()).as(() -> "generating (" + models.engine().queueDepth()
                + " queued; the long streams' failures: " + streamFailures + ")").isEqualTo(n);
    }

    /** What refused or ended a long stream, with the server's words: an assertion on the slots then says why. */
    private void streamFailed(Throwable e) {
        streamFailures.add(e instanceof WebClientResponseException w
                ? w.getStatusCode().value() + " " + w.getResponseBodyAsString() : e.toString());
    }
}
