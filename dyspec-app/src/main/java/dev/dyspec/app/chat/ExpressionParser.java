package dev.dyspec.app.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Jinja's expression grammar, lowest precedence first: conditional ({@code a if c else b}), or, and,
 * not, comparisons and {@code in}, + and -, {@code ~}, * / // %, unary minus, then a primary with
 * postfix lookups, slices and calls, then filters ({@code |f}) and tests ({@code is t}).
 */
final class ExpressionParser {

    record Token(String kind, String text) {
    }

    private static final Set<String> COMPARE = Set.of("==", "!=", "<", "<=", ">", ">=");

    private final List<Token> tokens;
    private int pos;

    ExpressionParser(String source) {
        this.tokens = tokenize(source);
    }

    static Expr parse(String source) {
        ExpressionParser p = new ExpressionParser(source);
        Expr e = p.expression();
        p.expectEnd();
        return e;
    }

    boolean atEnd() {
        return pos >= tokens.size();
    }

    void expectEnd() {
        if (!atEnd()) {
            throw new TemplateException("unexpected '" + peek().text() + "' in expression");
        }
    }

    Token peek() {
        return pos < tokens.size() ? tokens.get(pos) : new Token("end", "");
    }

    boolean peekIs(String text) {
        Token t = peek();
        return !t.kind().equals("string") && t.text().equals(text);
    }

    boolean accept(String text) {
        if (peekIs(text)) {
            pos++;
            return true;
        }
        return false;
    }

    void expect(String text) {
        if (!accept(text)) {
            throw new TemplateException("expected '" + text + "' but found '" + peek().text() + "'");
        }
    }

    String name() {
        Token t = peek();
        if (!t.kind().equals("name")) {
            throw new TemplateException("expected a name but found '" + t.text() + "'");
        }
        pos++;
        return t.text();
    }

    Expr expression() {
        Expr e = or();
        if (accept("if")) {
            Expr condition = or();
            Expr otherwise = accept("else") ? expression() : null;
            return new Expr.Conditional(condition, e, otherwise);
        }
        return e;
    }

    /** An expression without a trailing {@code if}: the iterable of {@code for x in y if cond}. */
    Expr orExpression() {
        return or();
    }

    private Expr or() {
        Expr e = and();
        while (accept("or")) {
            e = new Expr.Or(e, and());
        }
        return e;
    }

    private Expr and() {
        Expr e = not();
        while (accept("and")) {
            e = new Expr.And(e, not());
        }
        return e;
    }

    private Expr not() {
        if (accept("not")) {
            return new Expr.Not(not());
        }
        return compare();
    }

    private Expr compare() {
        Expr e = add();
        while (true) {
            Token t = peek();
            if (!t.kind().equals("string") && COMPARE.contains(t.text())) {
                pos++;
                e = new Expr.Binary(t.text(), e, add());
            } else if (accept("in")) {
                e = new Expr.Binary("in", e, add());
            } else if (peekIs("not") && pos + 1 < tokens.size() && tokens.get(pos + 1).text().equals("in")) {
                pos += 2;
                e = new Expr.Not(new Expr.Binary("in", e, add()));
            } else {
                return e;
            }
        }
    }

    private Expr add() {
        Expr e = concat();
        while (peekIs("+") || peekIs("-")) {
            String op = peek().text();
            pos++;
            e = new Expr.Binary(op, e, concat());
        }
        return e;
    }

    private Expr concat() {
        Expr e = multiply();
        while (accept("~")) {
            e = new Expr.Binary("~", e, multiply());
        }
        return e;
    }

    private Expr multiply() {
        Expr e = unary();
        while (peekIs("*") || peekIs("/") || peekIs("//") || peekIs("%")) {
            String op = peek().text();
            pos++;
            e = new Expr.Binary(op, e, unary());
        }
        return e;
    }

    private Expr unary() {
        if (accept("-")) {
            return new Expr.Negate(unary());
        }
        if (accept("+")) {
            return unary();
        }
        return filters(postfix(primary()));
    }

    private Expr primary() {
        Token t = peek();
        pos++;
        switch (t.kind()) {
            case "string":
                return new Expr.Literal(t.text());
            case "int":
                return new Expr.Literal(Long.parseLong(t.text()));
            case "float":
                return new Expr.Literal(Double.parseDouble(t.text()));
            case "name":
                return switch (t.text()) {
                    case "true", "True" -> new Expr.Literal(Boolean.TRUE);
                    case "false", "False" -> new Expr.Literal(Boolean.FALSE);
                    case "none", "None" -> new Expr.Literal(null);
                    default -> new Expr.Name(t.text());
                };
            default:
                break;
        }
        if (t.text().equals("(")) {
            Expr inner = expression();
            if (accept(",")) {
                List<Expr> items = new ArrayList<>(List.of(inner));
                while (!peekIs(")")) {
                    items.add(expression());
                    if (!accept(",")) {
                        break;
                    }
                }
                expect(")");
                return new Expr.ListOf(items);
            }
            expect(")");
            return inner;
        }
        if (t.text().equals("[")) {
            List<Expr> items = new ArrayList<>();
            while (!peekIs("]")) {
                items.add(expression());
                if (!accept(",")) {
                    break;
                }
            }
            expect("]");
            return new Expr.ListOf(items);
        }
        if (t.text().equals("{")) {
            List<Expr> keys = new ArrayList<>();
            List<Expr> values = new ArrayList<>();
            while (!peekIs("}")) {
                keys.add(expression());
                expect(":");
                values.add(expression());
                if (!accept(",")) {
                    break;
                }
            }
            expect("}");
            return new Expr.DictOf(keys, values);
        }
        throw new TemplateException("unexpected '" + t.text() + "' in expression");
    }

    private Expr postfix(Expr e) {
        while (true) {
            if (accept(".")) {
                e = new Expr.Lookup(e, new Expr.Literal(name()));
            } else if (accept("[")) {
                e = subscript(e);
            } else if (peekIs("(")) {
                pos++;
                e = call(e);
            } else {
                return e;
            }
        }
    }

    private Expr subscript(Expr target) {
        Expr start = peekIs(":") ? null : expression();
        if (!peekIs(":")) {
            expect("]");
            return new Expr.Lookup(target, start);
        }
        expect(":");
        Expr stop = peekIs(":") || peekIs("]") ? null : expression();
        Expr step = null;
        if (accept(":")) {
            step = peekIs("]") ? null : expression();
        }
        expect("]");
        return new Expr.Slice(target, start, stop, step);
    }

    private Expr.Call call(Expr callee) {
        List<Expr> args = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Expr> values = new ArrayList<>();
        arguments(args, names, values);
        return new Expr.Call(callee, args, names, values);
    }

    /** Reads {@code a, b, k=v)} after an opening parenthesis. */
    private void arguments(List<Expr> args, List<String> names, List<Expr> values) {
        while (!peekIs(")")) {
            if (peek().kind().equals("name") && pos + 1 < tokens.size() && tokens.get(pos + 1).text().equals("=")
                    && !tokens.get(pos + 1).kind().equals("string")) {
                names.add(name());
                expect("=");
                values.add(expression());
            } else {
                args.add(expression());
            }
            if (!accept(",")) {
                break;
            }
        }
        expect(")");
    }

    private Expr filters(Expr e) {
        while (true) {
            if (accept("|")) {
                String filter = name();
                List<Expr> args = new ArrayList<>();
                List<String> names = new ArrayList<>();
                List<Expr> values = new ArrayList<>();
                if (accept("(")) {
                    arguments(args, names, values);
                }
                e = new Expr.Filter(e, filter, args, names, values);
            } else if (accept("is")) {
                boolean negated = accept("not");
                String test = name();
                List<Expr> args = new ArrayList<>();
                if (accept("(")) {
                    arguments(args, new ArrayList<>(), new ArrayList<>());
                } else if (startsOperand()) {
                    args.add(add());
                }
                e = new Expr.Test(e, test, args, negated);
            } else {
                return e;
            }
        }
    }

    /** Whether a test argument without parentheses follows ({@code x is equalto 3}). */
    private boolean startsOperand() {
        Token t = peek();
        if (t.kind().equals("string") || t.kind().equals("int") || t.kind().equals("float")) {
            return true;
        }
        return t.kind().equals("name") && !Set.of("and", "or", "if", "else", "not", "in", "is").contains(t.text());
    }

    static List<Token> tokenize(String s) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (Character.isLetter(c) || c == '_') {
                int j = i;
                while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) {
                    j++;
                }
                out.add(new Token("name", s.substring(i, j)));
                i = j;
            } else if (Character.isDigit(c)) {
                int j = i;
                boolean dot = false;
                while (j < s.length() && (Character.isDigit(s.charAt(j)) || s.charAt(j) == '_'
                        || (s.charAt(j) == '.' && !dot && j + 1 < s.length() && Character.isDigit(s.charAt(j + 1))))) {
                    dot |= s.charAt(j) == '.';
                    j++;
                }
                out.add(new Token(dot ? "float" : "int", s.substring(i, j).replace("_", "")));
                i = j;
            } else if (c == '\'' || c == '"') {
                StringBuilder b = new StringBuilder();
                int j = i + 1;
                while (j < s.length() && s.charAt(j) != c) {
                    char ch = s.charAt(j);
                    if (ch == '\\' && j + 1 < s.length()) {
                        char n = s.charAt(++j);
                        switch (n) {
                            case 'n' -> b.append('\n');
                            case 't' -> b.append('\t');
                            case 'r' -> b.append('\r');
                            case '\\' -> b.append('\\');
                            case '\'' -> b.append('\'');
                            case '"' -> b.append('"');
                            case 'u' -> {
                                b.append((char) Integer.parseInt(s.substring(j + 1, j + 5), 16));
                                j += 4;
                            }
                            default -> b.append('\\').append(n);
                        }
                    } else {
                        b.append(ch);
                    }
                    j++;
                }
                if (j >= s.length()) {
                    throw new TemplateException("unterminated string in expression");
                }
                out.add(new Token("string", b.toString()));
                i = j + 1;
            } else {
                String two = i + 1 < s.length() ? s.substring(i, i + 2) : "";
                if (Set.of("==", "!=", "<=", ">=", "//", "**").contains(two)) {
                    out.add(new Token("op", two));
                    i += 2;
                } else if ("+-*/%~|.,:()[]{}<>=".indexOf(c) >= 0) {
                    out.add(new Token("op", String.valueOf(c)));
                    i++;
                } else {
                    throw new TemplateException("unexpected character '" + c + "' in expression");
                }
            }
        }
        return out;
    }
}
