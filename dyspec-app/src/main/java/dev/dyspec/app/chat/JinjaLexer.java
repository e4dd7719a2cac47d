package dev.dyspec.app.chat;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits template source into text, {@code {{ expression }}} and {@code {% statement %}} segments,
 * applying Jinja's whitespace control as transformers configures it: {@code -} on a tag strips all
 * whitespace on that side, {@code trim_blocks} drops the first newline after a block or comment tag,
 * {@code lstrip_blocks} drops spaces and tabs before a block or comment tag that starts its line.
 */
final class JinjaLexer {

    enum Kind { TEXT, OUTPUT, STATEMENT }

    record Segment(Kind kind, String content, int line) {
    }

    private JinjaLexer() {
    }

    static List<Segment> lex(String source) {
        List<Segment> out = new ArrayList<>();
        int i = 0;
        boolean stripNextLeading = false;
        boolean trimNextNewline = false;
        StringBuilder text = new StringBuilder();
        int line = 1;
        while (i < source.length()) {
            int open = nextTag(source, i);
            String before = source.substring(i, open < 0 ? source.length() : open);
            boolean lineStart = i == 0 || source.charAt(i - 1) == '\n';
            if (stripNextLeading) {
                before = stripLeading(before);
            } else if (trimNextNewline && before.startsWith("\n")) {
                before = before.substring(1);
                lineStart = true;
            } else if (trimNextNewline && before.startsWith("\r\n")) {
                before = before.substring(2);
                lineStart = true;
            }
            stripNextLeading = false;
            trimNextNewline = false;
            if (open < 0) {
                text.append(before);
                break;
            }
            char type = source.charAt(open + 1);
            boolean block = type == '%' || type == '#';
            boolean minusLeft = open + 2 < source.length() && source.charAt(open + 2) == '-';
            boolean plusLeft = open + 2 < source.length() && source.charAt(open + 2) == '+';
            if (minusLeft) {
                before = stripTrailing(before);
            } else if (block && !plusLeft) {
                before = lstripBlock(before, lineStart);
            }
            text.append(before);
            String close = type == '{' ? "}}" : type == '%' ? "%}" : "#}";
            int end = type == '#' ? source.indexOf(close, open + 2) : closingDelimiter(source, close, open + 2);
            if (end < 0) {
                throw new TemplateException("unclosed '" + source.substring(open, open + 2) + "' at line " + lineOf(source, open));
            }
            boolean minusRight = end > open + 2 && source.charAt(end - 1) == '-';
            boolean plusRight = end > open + 2 && source.charAt(end - 1) == '+';
            String inner = source.substring(open + 2 + (minusLeft || plusLeft ? 1 : 0), end - (minusRight || plusRight ? 1 : 0)).trim();
            line = lineOf(source, open);
            if (text.length() > 0) {
                out.add(new Segment(Kind.TEXT, text.toString(), line));
                text.setLength(0);
            }
            if (type == '{') {
                out.add(new Segment(Kind.OUTPUT, inner, line));
            } else if (type == '%') {
                out.add(new Segment(Kind.STATEMENT, inner, line));
            }
            stripNextLeading = minusRight;
            trimNextNewline = block && !minusRight && !plusRight;
            i = end + 2;
        }
        if (text.length() > 0) {
            out.add(new Segment(Kind.TEXT, text.toString(), line));
        }
        return out;
    }

    /** The closing delimiter of an expression or statement tag, skipping string literals that contain it. */
    private static int closingDelimiter(String s, String close, int from) {
        char quote = 0;
        for (int i = from; i < s.length() - 1; i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (s.startsWith(close, i)) {
                return i;
            }
        }
        return -1;
    }

    private static int nextTag(String s, int from) {
        for (int i = from; i < s.length() - 1; i++) {
            if (s.charAt(i) == '{') {
                char c = s.charAt(i + 1);
                if (c == '{' || c == '%' || c == '#') {
                    return i;
                }
            }
        }
        return -1;
    }

    private static String stripLeading(String s) {
        int k = 0;
        while (k < s.length() && Character.isWhitespace(s.charAt(k))) {
            k++;
        }
        return s.substring(k);
    }

    private static String stripTrailing(String s) {
        int k = s.length();
        while (k > 0 && Character.isWhitespace(s.charAt(k - 1))) {
            k--;
        }
        return s.substring(0, k);
    }

    /** Removes spaces and tabs between the line's start and the tag, if nothing else is on the line before it. */
    private static String lstripBlock(String s, boolean startsAtLineStart) {
        int k = s.length();
        while (k > 0 && (s.charAt(k - 1) == ' ' || s.charAt(k - 1) == '\t')) {
            k--;
        }
        boolean atLineStart = k == 0 ? startsAtLineStart : s.charAt(k - 1) == '\n';
        return atLineStart ? s.substring(0, k) : s;
    }

    private static int lineOf(String s, int index) {
        int line = 1;
        for (int i = 0; i < index; i++) {
            if (s.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }
}
