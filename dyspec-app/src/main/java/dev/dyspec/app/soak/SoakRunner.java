package dev.dyspec.app.soak;

import dev.dyspec.app.experiment.Statistics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives a running server with many concurrent clients: completions and chats, streamed or not, a share
 * of streams cut by the client, a share of generated hostile requests, clients that retry 429s without
 * pause; checks readiness throughout and samples the server's resident memory.
 */
public final class SoakRunner {

    /**
     * @param url the API base, e.g. http://127.0.0.1:8080
     * @param managementUrl the actuator base for readiness (null to skip)
     * @param pid the server's process id for RSS sampling (0 to skip)
     * @param cutShare share of streams the client cuts after the first event
     * @param hostileShare share of requests from {@link HostileRequests}
     */
    public record Settings(String url, String managementUrl, String apiKey, int concurrency, Duration duration,
                           double cutShare, double hostileShare, int maxTokens, long pid, long seed) {
    }

    private final Settings s;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong broken = new AtomicLong();
    private final AtomicLong cut = new AtomicLong();
    private final AtomicLong badBodies = new AtomicLong();
    private final AtomicLong hostile = new AtomicLong();
    private final AtomicLong readinessChecks = new AtomicLong();
    private final AtomicLong readinessDown = new AtomicLong();
    private final List<Double> ttft = Collections.synchronizedList(new ArrayList<>());
    private final List<Double> latency = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> rss = Collections.synchronizedList(new ArrayList<>());

    public SoakRunner(Settings settings) {
        this.s = settings;
    }

    public SoakReport run() throws InterruptedException {
        long deadline = System.nanoTime() + s.duration().toNanos();
        ExecutorService clients = Executors.newFixedThreadPool(s.concurrency() + 1);
        for (int c = 0; c < s.concurrency(); c++) {
            long clientSeed = s.seed() * 1_000_003 + c;
            clients.submit(() -> client(clientSeed, deadline));
        }
        clients.submit(() -> monitor(deadline));
        clients.shutdown();
        if (!clients.awaitTermination(s.duration().toSeconds() + 120, TimeUnit.SECONDS)) {
            clients.shutdownNow();
        }
        Map<Integer, Long> byStatus = new java.util.TreeMap<>();
        statuses.forEach((k, v) -> byStatus.put(k, v.get()));
        return new SoakReport(requests.get(), byStatus, broken.get(), cut.get(), badBodies.get(), hostile.get(),
                readinessChecks.get(), readinessDown.get(), Statistics.quantile(ttft, 0.5), Statistics.quantile(ttft, 0.95),
                Statistics.quantile(latency, 0.5), Statistics.quantile(latency, 0.95), List.copyOf(rss));
    }

    private void client(long seed, long deadline) {
        SplittableRandom random = new SplittableRandom(seed);
        HostileRequests generator = new HostileRequests(seed);
        while (System.nanoTime() < deadline) {
            try {
                if (random.nextDouble() < s.hostileShare()) {
                    hostile.incrementAndGet();
                    send(generator.next());
                } else {
                    normal(random);
                }
            } catch (IOException e) {
                count(0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                count(0);
            }
        }
    }

    private void normal(SplittableRandom random) throws IOException, InterruptedException {
        boolean chat = random.nextBoolean();
        boolean stream = random.nextBoolean();
        String body = (chat ? "{\"messages\": [{\"role\": \"user\", \"content\": \"Tell me about the sea\"}]"
                : "{\"prompt\": \"And God said\"") + ", \"max_tokens\": " + (1 + random.nextInt(s.maxTokens()))
                + ", \"temperature\": " + (random.nextBoolean() ? 0 : 0.8) + ", \"stream\": " + stream + "}";
        HttpRequest request = builder(chat ? "/v1/chat/completions" : "/v1/completions")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long start = System.nanoTime();
        HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        count(response.statusCode());
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                checkErrorBody(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                return;
            }
            if (!stream) {
                in.readAllBytes();
                latency.add((System.nanoTime() - start) / 1e6);
                return;
            }
            boolean cutIt = random.nextDouble() < s.cutShare();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            boolean first = true;
            boolean done = false;
            for (String line; (line = reader.readLine()) != null; ) {
                if (!line.startsWith("data: ")) {
                    continue;
                }
                if (first) {
                    ttft.add((System.nanoTime() - start) / 1e6);
                    first = false;
                    if (cutIt) {
                        cut.incrementAndGet();
                        return; // closing the stream cuts the connection mid-generation
                    }
                }
                if (line.equals("data: [DONE]") || line.startsWith("data: {\"error\"")) {
                    done = true;
                }
            }
            latency.add((System.nanoTime() - start) / 1e6);
            if (!done) {
                broken.incrementAndGet();
            }
        }
    }

    private void send(HostileRequests.Request r) throws IOException, InterruptedException {
        HttpRequest.Builder b = builder(r.path());
        if (r.contentType() != null) {
            b.header("Content-Type", r.contentType());
        }
        b.method(r.method(), r.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(r.body()));
        HttpResponse<String> response = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        count(response.statusCode());
        if (response.statusCode() >= 400) {
            checkErrorBody(response.body());
        }
    }

    private HttpRequest.Builder builder(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(s.url() + path)).timeout(Duration.ofMinutes(5));
        if (s.apiKey() != null) {
            b.header("Authorization", "Bearer " + s.apiKey());
        }
        return b;
    }

    private void checkErrorBody(String body) {
        if (!isOpenAiErrorBody(body)) {
            badBodies.incrementAndGet();
        }
    }

    /** An OpenAI error body: {"error": {"message": ..., "type": ...}}, without Java internals. */
    public static boolean isOpenAiErrorBody(String body) {
        boolean shaped = body.startsWith("{\"error\":{") && body.contains("\"message\":") && body.contains("\"type\":");
        boolean leaks = body.contains("java.") || body.contains("dev.dyspec.") || body.contains("\tat ");
        return shaped && !leaks;
    }

    private void count(int status) {
        requests.incrementAndGet();
        statuses.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
    }

    private void monitor(long deadline) {
        while (System.nanoTime() < deadline) {
            if (s.managementUrl() != null) {
                readinessChecks.incrementAndGet();
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(s.managementUrl()
                            + "/actuator/health/readiness")).timeout(Duration.ofSeconds(10)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() != 200) {
                        readinessDown.incrementAndGet();
                    }
                } catch (IOException e) {
                    readinessDown.incrementAndGet();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (s.pid() > 0) {
                rss.add(residentKiB(s.pid()));
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    static long residentKiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
