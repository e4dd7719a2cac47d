package dev.dyspec.app.api;

import dev.dyspec.core.tokenizer.TextTokenizer;
import java.util.HashMap;
import java.util.Map;

/**
 * The text each token contributes in the middle of a sequence, as log-probability entries name it.
 * Decoding a token alone loses what a tokenizer strips at the start of a text (SentencePiece's leading
 * space), so each token is decoded after a fixed ordinary anchor token and the anchor's text is cut off.
 */
final class TokenPieces {

    private final TextTokenizer tokenizer;
    private final int[] anchor;
    private final String anchorText;
    private final Map<Integer, String> pieces = new HashMap<>();

    TokenPieces(TextTokenizer tokenizer) {
        this.tokenizer = tokenizer;
        int[] a = tokenizer.encode("a");
        this.anchor = a.length == 0 ? new int[0] : new int[] {a[0]};
        this.anchorText = tokenizer.decode(anchor);
    }

    String piece(int token) {
        return pieces.computeIfAbsent(token, t -> {
            int[] ids = java.util.Arrays.copyOf(anchor, anchor.length + 1);
            ids[anchor.length] = t;
            String text = tokenizer.decode(ids);
            return text.startsWith(anchorText) ? text.substring(anchorText.length()) : tokenizer.decode(new int[] {t});
        });
    }

    /** OpenAI's {@code bytes}: the piece's UTF-8 bytes as unsigned integers. */
    java.util.List<Integer> bytes(String piece) {
        byte[] b = piece.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Integer[] out = new Integer[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i] & 0xff;
        }
        return java.util.List.of(out);
    }
}
