package dev.dyspec.core.model;

import dev.dyspec.core.checkpoint.ModelConfig;
import dev.dyspec.core.tokenizer.TextTokenizer;
import java.nio.file.Path;

/** A loaded model ready to serve: its forward, its tokenizer and where it came from. */
public record LanguageModel(String name, Path source, CausalLm lm, TextTokenizer tokenizer, PromptTemplate chat)
        implements AutoCloseable {

    public ModelConfig config() {
        return lm.config();
    }

    public int bosId() {
        return config().bosTokenId();
    }

    public int eosId() {
        return config().eosTokenId();
    }

    @Override
    public void close() {
        lm.close();
        tokenizer.close();
    }
}
