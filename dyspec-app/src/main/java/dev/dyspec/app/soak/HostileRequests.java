package dev.dyspec.app.soak;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Generated hostile requests: wrong types, out-of-range and non-finite numbers, odd unicode, deeply
 * nested and oversized bodies, malformed JSON, encoded and odd paths, wrong methods and content types.
 * Seeded, so a failing request can be reproduced from its seed.
 */
public final class HostileRequests {

    /** One request to send: method, raw path (sent as written), content type (or null) and body (or null). */
    public record Request(String method, String path, String contentType, String body) {
    }

    private static final List<String> PATHS = List.of("/v1/completions", "/v1/chat/completions");
    private static final List<String> ODD_PATHS = List.of("/v1/completions/", "//v1/completions", "/v1/./completions",
            "/v1/x/../completions", "/%76%31/completions", "/v1/completions%00", "/v1/completions;x=y", "/v1/models/%2e%2e",
            "/v1/models/" + "a".repeat(3000), "/v1/experiments/%2F", "/v1/nothing", "/v2/completions");
    private static final List<String> FIELDS = List.of("prompt", "max_tokens", "max_completion_tokens", "temperature",
            "top_p", "stop", "seed", "stream", "n", "user", "logprobs", "messages", "model", "dyspec", "stream_options",
            "presence_penalty", "logit_bias", "response_format", "tools", "echo", "suffix", "best_of");

    private final SplittableRandom random;

    public HostileRequests(long seed) {
        this.random = new SplittableRandom(seed);
    }

    public Request next() {
        int kind = random.nextInt(10);
        String path = PATHS.get(random.nextInt(PATHS.size()));
        return switch (kind) {
            case 0 -> new Request("POST", path, "application/json", malformedJson());
            case 1 -> new Request("POST", ODD_PATHS.get(random.nextInt(ODD_PATHS.size())), "application/json",
                    "{\"prompt\": \"a\", \"max_tokens\": 2}");
            case 2 -> new Request(random.nextBoolean() ? "PUT" : "DELETE", path, "application/json", "{}");
            case 3 -> new Request("POST", path, random.nextBoolean() ? "text/plain" : "application/xml", "<a>b</a>");
            case 4 -> new Request("POST", path, "application/json", nested(200 + random.nextInt(2000)));
            default -> new Request("POST", path, "application/json", wrongFields(path.contains("chat")));
        };
    }

    private String malformedJson() {
        List<String> broken = List.of("{", "{\"prompt\": ", "[1, 2", "{\"prompt\": \"a\",}", "nul", "{\"a\" 1}",
                "\"just a string\"", "42", "[]", "{\"prompt\": \"\\ud800\"}", "{\"prompt\": \"\\u00\"}", "\u0000",
                "{\"prompt\": NaN}", "{\"max_tokens\": 1e999}", "{'prompt': 'a'}");
        return broken.get(random.nextInt(broken.size()));
    }

    private String nested(int depth) {
        String kind = random.nextBoolean() ? "[" : "{\"a\":";
        String close = kind.equals("[") ? "]" : "}";
        return "{\"prompt\": " + kind.repeat(depth) + "1" + close.repeat(depth) + "}";
    }

    /** A body with one to three fields set to values of the wrong type or range. */
    private String wrongFields(boolean chat) {
        StringBuilder b = new StringBuilder("{");
        b.append(chat ? "\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]" : "\"prompt\": \"hi\"");
        b.append(", \"max_tokens\": 2"); // a request that turns out valid stays short
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            b.append(", \"").append(FIELDS.get(random.nextInt(FIELDS.size()))).append("\": ").append(hostileValue());
        }
        return b.append('}').toString();
    }

    private String hostileValue() {
        List<String> values = List.of("-1", "0", "1e308", "-1e308", "9223372036854775808", "2.5", "-0.0", "\"many\"", "\"\"",
                "true", "null", "[]", "{}", "[1, \"x\", null]", "{\"strategy\": \"magic\"}", "{\"budget\": 1000000}",
                "\"" + "x".repeat(5000) + "\"", "\"\\u202e\\u0000\\uffff\"", "\"😀𝔘\"", "[" + "\"s\",".repeat(50) + "\"s\"]",
                "{\"type\": \"bogus\"}", "[{\"role\": 7}]", "[{\"content\": \"no role\"}]", "[{\"role\": \"user\", \"content\": [{\"type\": \"image_url\"}]}]");
        return values.get(random.nextInt(values.size()));
    }
}
