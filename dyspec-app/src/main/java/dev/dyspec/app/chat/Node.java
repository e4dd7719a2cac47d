package dev.dyspec.app.chat;

import java.util.List;
import java.util.Map;

/** A parsed template statement; rendering appends to the output. */
sealed interface Node {

    void render(Scope s, StringBuilder out);

    static void renderAll(List<Node> body, Scope s, StringBuilder out) {
        for (Node n : body) {
            n.render(s, out);
        }
    }

    /** Loop control ({@code break}/{@code continue}, Jinja's loopcontrols extension), unwinding to the loop. */
    final class LoopSignal extends RuntimeException {
        final boolean isBreak;

        LoopSignal(boolean isBreak) {
            super(null, null, false, false);
            this.isBreak = isBreak;
        }
    }

    record Text(String text) implements Node {
        public void render(Scope s, StringBuilder out) {
            out.append(text);
        }
    }

    record Output(Expr value) implements Node {
        public void render(Scope s, StringBuilder out) {
            out.append(Values.str(value.eval(s)));
        }
    }

    record If(List<Expr> conditions, List<List<Node>> branches, List<Node> otherwise) implements Node {
        public void render(Scope s, StringBuilder out) {
            for (int i = 0; i < conditions.size(); i++) {
                if (Values.truthy(conditions.get(i).eval(s))) {
                    renderAll(branches.get(i), s, out);
                    return;
                }
            }
            renderAll(otherwise, s, out);
        }
    }

    record For(List<String> targets, Expr iterable, Expr filter, List<Node> body, List<Node> otherwise) implements Node {
        public void render(Scope s, StringBuilder out) {
            List<Object> all = Values.iterate(iterable.eval(s));
            List<Object> items = new java.util.ArrayList<>();
            for (Object item : all) {
                if (filter == null) {
                    items.add(item);
                    continue;
                }
                Scope probe = s.child();
                bind(probe, item);
                if (Values.truthy(filter.eval(probe))) {
                    items.add(item);
                }
            }
            if (items.isEmpty()) {
                renderAll(otherwise, s, out);
                return;
            }
            for (int i = 0; i < items.size(); i++) {
                Scope body = s.child();
                bind(body, items.get(i));
                Map<String, Object> loop = Values.dict();
                loop.put("index", (long) i + 1);
                loop.put("index0", (long) i);
                loop.put("revindex", (long) (items.size() - i));
                loop.put("revindex0", (long) (items.size() - i - 1));
                loop.put("first", i == 0);
                loop.put("last", i == items.size() - 1);
                loop.put("length", (long) items.size());
                loop.put("previtem", i > 0 ? items.get(i - 1) : new Values.Undefined("previtem"));
                loop.put("nextitem", i + 1 < items.size() ? items.get(i + 1) : new Values.Undefined("nextitem"));
                body.set("loop", loop);
                try {
                    renderAll(this.body, body, out);
                } catch (LoopSignal signal) {
                    if (signal.isBreak) {
                        break;
                    }
                }
            }
        }

        private void bind(Scope scope, Object item) {
            if (targets.size() == 1) {
                scope.set(targets.get(0), item);
                return;
            }
            List<Object> parts = Values.iterate(item);
            if (parts.size() != targets.size()) {
                throw new TemplateException("cannot unpack " + parts.size() + " values into " + targets);
            }
            for (int k = 0; k < targets.size(); k++) {
                scope.set(targets.get(k), parts.get(k));
            }
        }
    }

    record Set(String name, String attribute, Expr value, List<Node> block) implements Node {
        @SuppressWarnings("unchecked")
        public void render(Scope s, StringBuilder out) {
            Object v;
            if (block != null) {
                StringBuilder captured = new StringBuilder();
                renderAll(block, s, captured);
                v = captured.toString();
            } else {
                v = value.eval(s);
            }
            if (attribute == null) {
                s.set(name, v);
                return;
            }
            Object target = s.get(name);
            if (!(target instanceof Map)) {
                throw new TemplateException("cannot set '" + attribute + "' on " + Values.typeName(target));
            }
            ((Map<String, Object>) target).put(attribute, v);
        }
    }

    record Macro(String name, List<String> params, List<Expr> defaults, List<Node> body) implements Node {
        public void render(Scope s, StringBuilder out) {
            s.set(name, (Expr.Callable) (args, keywords) -> {
                Scope call = s.child();
                for (int i = 0; i < params.size(); i++) {
                    String p = params.get(i);
                    Object v = i < args.size() ? args.get(i) : keywords.containsKey(p) ? keywords.get(p)
                            : defaults.get(i) != null ? defaults.get(i).eval(s) : new Values.Undefined(p);
                    call.set(p, v);
                }
                StringBuilder text = new StringBuilder();
                renderAll(body, call, text);
                return text.toString();
            });
        }
    }

    record Loop(boolean isBreak) implements Node {
        public void render(Scope s, StringBuilder out) {
            throw new LoopSignal(isBreak);
        }
    }

    /** Blocks a template may carry that change nothing in the text ({@code generation} markers). */
    record Group(List<Node> body) implements Node {
        public void render(Scope s, StringBuilder out) {
            renderAll(body, s, out);
        }
    }
}
