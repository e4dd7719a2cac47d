package dev.dyspec.app.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What bench-serve makes of servers that misbehave: a failed request in its level, never a hung benchmark. */
class ServeBenchRunnerTest {

    private static final String CHUNK = "data: {\"choices\":[{\"index\":0,\"text\":\" once\"}]}\n\n";

    @Test
    @Timeout(30)
    void aStreamThatNeverEndsAfterItsLastChunkCountsAsFailedAndIsReportedWithTheServersState() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/completions", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write((CHUNK + "data: {\"choices\":[],\"usage\":{\"completion_tokens\":1,\"prompt_tokens\":2}}\n\n"
                    + "data: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            try {
                release.await(20, TimeUnit.SECONDS); // the response is never finished while the client waits
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.createContext("/actuator/prometheus", exchange -> {
            byte[] page = "dyspec_active_generations 1.0\ndyspec_queue_depth 0.0\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort();
            ServeBenchRunner runner = new ServeBenchRunner(new ServeBenchRunner.Settings(url, url, null, List.of(1), List.of("target-only"),
                    1, 8, 0, 8, false, List.of(new BenchPrompt("continuation", "Once")), false, 0),
                    new PrintStream(errors, true, StandardCharsets.UTF_8), Duration.ofSeconds(2));
            List<ServeLevel> levels = runner.run(level -> { });
            assertThat(levels).singleElement().satisfies(level -> {
                assertThat(level.failed()).isEqualTo(1);
                assertThat(level.requests()).isZero();
            });
            assertThat(errors.toString(StandardCharsets.UTF_8)).contains("[DONE] among them, without ending")
                    .contains("(the server then: 1 generating, 0 queued)");
        } finally {
            release.countDown();
            server.stop(0);
        }
    }
}
