package dev.dyspec.core.tokenizer;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.dyspec.core.checkpoint.CheckpointException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Reads the vocabulary size of a {@code tokenizer.json}: the highest id in the model and added tokens, plus one. */
final class TokenizerVocabulary {

    private TokenizerVocabulary() {
    }

    /** The parsed file. */
    static JsonObject read(Path tokenizerJson) {
        try {
            return JsonParser.parseString(Files.readString(tokenizerJson)).getAsJsonObject();
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(tokenizerJson, "cannot read tokenizer vocabulary: " + e.getMessage(), e);
        }
    }

    /** The vocabulary size of a parsed file; {@code tokenizerJson} names it in errors. */
    static int size(JsonObject root, Path tokenizerJson) {
        try {
            int max = -1;
            JsonElement vocab = root.getAsJsonObject("model").get("vocab");
            if (vocab != null && vocab.isJsonObject()) {
                for (Map.Entry<String, JsonElement> e : vocab.getAsJsonObject().entrySet()) {
                    max = Math.max(max, e.getValue().getAsInt());
                }
            } else if (vocab != null && vocab.isJsonArray()) {
                max = vocab.getAsJsonArray().size() - 1; // Unigram: [piece, score] pairs
            }
            if (root.has("added_tokens") && root.get("added_tokens").isJsonArray()) {
                for (JsonElement t : root.getAsJsonArray("added_tokens")) {
                    max = Math.max(max, t.getAsJsonObject().get("id").getAsInt());
                }
            }
            if (max < 0) {
                throw new CheckpointException(tokenizerJson, "tokenizer has an empty vocabulary");
            }
            return max + 1;
        } catch (RuntimeException e) {
            if (e instanceof CheckpointException ce) {
                throw ce;
            }
            throw new CheckpointException(tokenizerJson, "cannot read tokenizer vocabulary: " + e.getMessage(), e);
        }
    }
}
