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

    /**
     * The UTF-8 bytes token {@code id} adds in the middle of a text (empty for a special token), or null
     * where only {@link #decode} knows: with them a caller builds text incrementally without decoding.
     */
    default byte[] bytesOf(int id) {
        return null;
    }

    /** How many leading spaces {@link #decode} drops from the start of a whole text. */
    default int strippedLeadingSpaces() {
        return 0;
    }

    @Override
    default void close() {
    }
}
