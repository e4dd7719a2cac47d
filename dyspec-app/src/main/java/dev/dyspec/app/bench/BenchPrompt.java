package dev.dyspec.app.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** One benchmark prompt: a JSON line {"category": ..., "prompt": ...}. */
public record BenchPrompt(String category, String prompt) {

    public static List<BenchPrompt> shipped() {
        try (InputStream in = BenchPrompt.class.getResourceAsStream("/prompts/default.jsonl")) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "prompts/default.jsonl");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the shipped prompts", e);
        }
    }

    public static List<BenchPrompt> read(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read prompts: " + e.getMessage());
        }
    }

    static List<BenchPrompt> parse(String text, String source) {
        JsonMapper json = JsonMapper.builder().build();
        List<BenchPrompt> out = new ArrayList<>();
        int line = 0;
        for (String l : text.split("\n")) {
            line++;
            if (l.isBlank()) {
                continue;
            }
            try {
                JsonNode n = json.readTree(l);
                if (!n.has("prompt") || !n.get("prompt").isTextual()) {
                    throw new IllegalArgumentException("no \"prompt\" string");
                }
                out.add(new BenchPrompt(n.has("category") ? n.get("category").asText() : "unspecified",
                        n.get("prompt").asText()));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(source + " line " + line + ": " + e.getMessage());
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(source + ": no prompts");
        }
        return out;
    }
}
