package dev.dyspec.app.chat;

import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A Jinja template as Hugging Face transformers renders chat templates: jinja2 semantics with
 * {@code trim_blocks} and {@code lstrip_blocks}, loop controls, {@code tojson} without ASCII escaping or
 * key sorting, {@code raise_exception} and {@code strftime_now}. Covers the statements, expressions,
 * filters and tests released chat templates use; anything else fails with a {@link TemplateException}
 * naming it, never silently.
 */
public final class JinjaTemplate {

    private final List<Node> body;

    private JinjaTemplate(List<Node> body) {
        this.body = body;
    }

    public static JinjaTemplate parse(String source) {
        List<JinjaLexer.Segment> segments = JinjaLexer.lex(source);
        Parser p = new Parser(segments);
        List<Node> body = p.block(List.of());
        if (p.pos < segments.size()) {
            throw new TemplateException("unexpected '{% " + segments.get(p.pos).content() + " %}' at line "
                    + segments.get(p.pos).line());
        }
        return new JinjaTemplate(body);
    }

    /** Renders with these variables; {@code now} feeds {@code strftime_now}. */
    public String render(Map<String, Object> variables, Supplier<ZonedDateTime> now) {
        Scope scope = new Scope(null, new Builtins(now));
        variables.forEach(scope::set);
        StringBuilder out = new StringBuilder();
        try {
            Node.renderAll(body, scope, out);
        } catch (Node.LoopSignal s) {
            throw new TemplateException("'break' or 'continue' outside a loop");
        } catch (StackOverflowError e) {
            throw new TemplateException("the template recursed too deeply");
        } catch (RuntimeException e) {
            if (e instanceof TemplateException t) {
                throw t;
            }
            throw new TemplateException("the template failed: " + e);
        }
        return out.toString();
    }

    /** Turns segments into nodes; a block ends at one of the given statement keywords. */
    private static final class Parser {
        private final List<JinjaLexer.Segment> segments;
        int pos;

        Parser(List<JinjaLexer.Segment> segments) {
            this.segments = segments;
        }

        private static String keyword(String statement) {
            int space = statement.indexOf(' ');
            return space < 0 ? statement : statement.substring(0, space);
        }

        List<Node> block(List<String> terminators) {
            List<Node> nodes = new ArrayList<>();
            while (pos < segments.size()) {
                JinjaLexer.Segment seg = segments.get(pos);
                try {
                    switch (seg.kind()) {
                        case TEXT -> {
                            nodes.add(new Node.Text(seg.content()));
                            pos++;
                        }
                        case OUTPUT -> {
                            nodes.add(new Node.Output(ExpressionParser.parse(seg.content())));
                            pos++;
                        }
                        case STATEMENT -> {
                            String kw = keyword(seg.content());
                            if (terminators.contains(kw)) {
                                return nodes;
                            }
                            pos++;
                            nodes.add(statement(kw, seg.content().substring(kw.length()).trim(), seg.line()));
                        }
                        default -> throw new IllegalStateException();
                    }
                } catch (TemplateException e) {
                    if (e.getMessage().contains(" at line ")) {
                        throw e;
                    }
                    throw new TemplateException(e.getMessage() + " at line " + seg.line());
                }
            }
            if (!terminators.isEmpty()) {
                throw new TemplateException("missing '{% " + terminators.get(terminators.size() - 1) + " %}'");
            }
            return nodes;
        }

        private String expectStatement(String... keywords) {
            if (pos >= segments.size()) {
                throw new TemplateException("missing '{% " + keywords[keywords.length - 1] + " %}'");
            }
            String kw = keyword(segments.get(pos).content());
            pos++;
            return kw;
        }

        private String rest() {
            String c = segments.get(pos - 1).content();
            return c.substring(keyword(c).length()).trim();
        }

        private Node statement(String kw, String rest, int line) {
            switch (kw) {
                case "if": {
                    List<Expr> conditions = new ArrayList<>();
                    List<List<Node>> branches = new ArrayList<>();
                    conditions.add(ExpressionParser.parse(rest));
                    branches.add(block(List.of("elif", "else", "endif")));
                    List<Node> otherwise = List.of();
                    while (true) {
                        String end = expectStatement("endif");
                        if (end.equals("elif")) {
                            conditions.add(ExpressionParser.parse(rest()));
                            branches.add(block(List.of("elif", "else", "endif")));
                        } else if (end.equals("else")) {
                            otherwise = block(List.of("endif"));
                        } else {
                            return new Node.If(conditions, branches, otherwise);
                        }
                    }
                }
                case "for": {
                    ExpressionParser p = new ExpressionParser(rest);
                    List<String> targets = new ArrayList<>();
                    targets.add(p.name());
                    while (p.accept(",")) {
                        targets.add(p.name());
                    }
                    p.expect("in");
                    Expr iterable = p.orExpression();
                    Expr filter = p.accept("if") ? p.expression() : null;
                    p.expectEnd();
                    List<Node> body = block(List.of("else", "endfor"));
                    List<Node> otherwise = List.of();
                    if (expectStatement("endfor").equals("else")) {
                        otherwise = block(List.of("endfor"));
                        expectStatement("endfor");
                    }
                    return new Node.For(targets, iterable, filter, body, otherwise);
                }
                case "set": {
                    int eq = topLevelEquals(rest);
                    String target = (eq < 0 ? rest : rest.substring(0, eq)).trim();
                    String name = target;
                    String attribute = null;
                    if (target.contains(".")) {
                        name = target.substring(0, target.indexOf('.')).trim();
                        attribute = target.substring(target.indexOf('.') + 1).trim();
                    }
                    if (eq < 0) {
                        List<Node> body = block(List.of("endset"));
                        expectStatement("endset");
                        return new Node.Set(name, attribute, null, body);
                    }
                    return new Node.Set(name, attribute, ExpressionParser.parse(rest.substring(eq + 1)), null);
                }
                case "macro": {
                    ExpressionParser p = new ExpressionParser(rest);
                    String name = p.name();
                    p.expect("(");
                    List<String> params = new ArrayList<>();
                    List<Expr> defaults = new ArrayList<>();
                    while (!p.peekIs(")")) {
                        params.add(p.name());
                        defaults.add(p.accept("=") ? p.expression() : null);
                        if (!p.accept(",")) {
                            break;
                        }
                    }
                    p.expect(")");
                    List<Node> body = block(List.of("endmacro"));
                    expectStatement("endmacro");
                    return new Node.Macro(name, params, defaults, body);
                }
                case "break", "continue":
                    return new Node.Loop(kw.equals("break"));
                case "generation": {
                    List<Node> body = block(List.of("endgeneration"));
                    expectStatement("endgeneration");
                    return new Node.Group(body);
                }
                default:
                    throw new TemplateException("unsupported statement '{% " + kw + " %}' at line " + line);
            }
        }

        /** The '=' of {@code set x = ...}, not one inside {@code ==} or a string. */
        private static int topLevelEquals(String s) {
            char quote = 0;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (quote != 0) {
                    if (c == quote) {
                        quote = 0;
                    }
                } else if (c == '\'' || c == '"') {
                    quote = c;
                } else if (c == '=' && (i + 1 >= s.length() || s.charAt(i + 1) != '=')
                        && (i == 0 || "=!<>".indexOf(s.charAt(i - 1)) < 0)) {
                    return i;
                }
            }
            return -1;
        }
    }
}
