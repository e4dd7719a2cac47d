package dev.dyspec.core.decode;

import dev.dyspec.core.tokenizer.TextTokenizer;
import java.util.Arrays;
import java.util.List;

/**
 * The generated text of one generation, decoded incrementally: each step decodes only its new tokens
 * behind a few tokens of context and keeps the difference, so the work per step does not grow with the
 * length (decoding with context keeps the leading space a tokenizer strips at the start of a text); a
 * trailing incomplete character (U+FFFD) stays undecided until its bytes arrive; stop strings cut the text.
 */
final class GeneratedText {

    private final TextTokenizer tokenizer;
    private final int[] prompt;
    private final String promptText;
    private final List<String> stopStrings;
    /** Tokens of context decoded before the new ones, enough for any tokenizer's merge of a character. */
    private static final int CONTEXT = 6;

    private int[] generated = new int[0];
    private int emittedChars;
    private boolean stopped;
    // text of generated[0, decidedTokens), final: later tokens cannot change it
    private final StringBuilder decided = new StringBuilder();
    private int decidedTokens;

    GeneratedText(TextTokenizer tokenizer, int[] prompt, List<String> stopStrings) {
        this.tokenizer = tokenizer;
        this.prompt = prompt;
        this.promptText = tokenizer.decode(Arrays.copyOfRange(prompt, Math.max(0, prompt.length - CONTEXT), prompt.length));
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

    /** Decided text plus the undecided tail, decoded behind up to {@link #CONTEXT} earlier tokens. */
    private String currentText() {
        int[] context = contextBefore(decidedTokens);
        int[] tail = Arrays.copyOfRange(generated, decidedTokens, generated.length);
        String contextText = decidedTokens == 0 ? promptText : tokenizer.decode(context);
        String both = tokenizer.decode(concat(context, tail));
        if (!both.startsWith(contextText)) {
            // the tokenizer rewrote the context: fall back to decoding everything once
            String full = tokenizer.decode(concat(prompt, generated));
            String whole = tokenizer.decode(prompt);
            return full.startsWith(whole) ? full.substring(whole.length()) : tokenizer.decode(generated);
        }
        String tailText = both.substring(contextText.length());
        if (!tailText.endsWith("\uFFFD")) {
            decided.append(tailText);
            decidedTokens = generated.length;
            return decided.toString();
        }
        return decided + tailText;
    }

    /** Up to CONTEXT tokens before generated[end): the prompt's tail, then generated tokens. */
    private int[] contextBefore(int end) {
        int fromGenerated = Math.min(end, CONTEXT);
        int fromPrompt = Math.min(prompt.length, CONTEXT - fromGenerated);
        return concat(Arrays.copyOfRange(prompt, prompt.length - fromPrompt, prompt.length),
                Arrays.copyOfRange(generated, end - fromGenerated, end));
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
