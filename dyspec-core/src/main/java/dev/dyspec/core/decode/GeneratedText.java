package dev.dyspec.core.decode;

import dev.dyspec.core.tokenizer.TextTokenizer;
import java.util.Arrays;
import java.util.List;

/**
 * The generated text of one generation, decoded incrementally: decoding prompt plus output and
 * slicing off the prompt's text keeps the leading space a tokenizer would strip; a trailing
 * incomplete character (U+FFFD) is held back until its bytes arrive; stop strings cut the text.
 */
final class GeneratedText {

    private final TextTokenizer tokenizer;
    private final int[] prompt;
    private final String promptText;
    private final List<String> stopStrings;
    private int[] generated = new int[0];
    private int emittedChars;
    private boolean stopped;

    GeneratedText(TextTokenizer tokenizer, int[] prompt, List<String> stopStrings) {
        this.tokenizer = tokenizer;
        this.prompt = prompt;
        this.promptText = tokenizer.decode(prompt);
        this.stopStrings = stopStrings;
    }

    /** Appends tokens and returns the newly visible text. */
    String append(int[] tokens) {
        generated = concat(generated, tokens);
        String text = currentText();
        int visible = text.length();
        while (visible > 0 && text.charAt(visible - 1) == '\uFFFD') {
            visible--;
        }
        int searchFrom = Math.max(0, emittedChars - longestStop());
        int cut = -1;
        for (String s : stopStrings) {
            int at = text.indexOf(s, searchFrom);
            if (at >= 0 && (cut < 0 || at < cut)) {
                cut = at;
            }
        }
        if (cut >= 0) {
            stopped = true;
            visible = Math.max(cut, emittedChars);
        } else {
            visible -= partialStopSuffix(text, visible);
        }
        String delta = visible > emittedChars ? text.substring(emittedChars, visible) : "";
        emittedChars = Math.max(emittedChars, visible);
        return delta;
    }

    /** Releases text held back as a possible start of a stop string, once the generation ends otherwise. */
    String flush() {
        if (stopped) {
            return "";
        }
        String text = currentText();
        String delta = text.length() > emittedChars ? text.substring(emittedChars) : "";
        emittedChars = Math.max(emittedChars, text.length());
        return delta;
    }

    /** Length of the longest end of text[0, visible) that is a proper prefix of a stop string. */
    private int partialStopSuffix(String text, int visible) {
        int hold = 0;
        for (String s : stopStrings) {
            for (int k = Math.min(s.length() - 1, visible); k > hold; k--) {
                if (text.regionMatches(visible - k, s, 0, k)) {
                    hold = k;
                    break;
                }
            }
        }
        return Math.min(hold, Math.max(0, visible - emittedChars));
    }

    /** Whether a stop string was found. */
    boolean stopped() {
        return stopped;
    }

    /** The text emitted so far. */
    String text() {
        return currentText().substring(0, emittedChars);
    }

    private String currentText() {
        String full = tokenizer.decode(concat(prompt, generated));
        return full.startsWith(promptText) ? full.substring(promptText.length()) : tokenizer.decode(generated);
    }

    private int longestStop() {
        int max = 0;
        for (String s : stopStrings) {
            max = Math.max(max, s.length());
        }
        return max;
    }

    private static int[] concat(int[] a, int[] b) {
        int[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
