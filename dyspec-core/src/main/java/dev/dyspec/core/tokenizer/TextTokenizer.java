package dev.dyspec.core.tokenizer;

/** Text to token ids and back, for one model family. */
public interface TextTokenizer extends AutoCloseable {

    /** Encodes text without special tokens (the caller adds the start token). */
    int[] encode(String text);

    /**
     * Decodes ids to text, skipping special tokens. Decoding a whole sequence and slicing off the
     * prompt's text gives the generated text with its leading space intact.
     */
    String decode(int[] ids);

    int vocabSize();

    @Override
    default void close() {
    }
}
