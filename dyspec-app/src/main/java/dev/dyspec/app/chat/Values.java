package dev.dyspec.app.chat;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Python's value semantics for template values: strings, Long and Double numbers, Boolean, null (None),
 * List, Map (dicts and namespaces), and {@link Undefined}.
 */
final class Values {

    private Values() {
    }

    /** A name or attribute that does not exist: falsy, prints as nothing, fails when used further. */
    record Undefined(String name) {
        @Override
        public String toString() {
            return "";
        }
    }

    static boolean truthy(Object v) {
        if (v == null || v instanceof Undefined) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s) {
            return !s.isEmpty();
        }
        if (v instanceof Long l) {
            return l != 0;
        }
        if (v instanceof Double d) {
            return d != 0;
        }
        if (v instanceof List<?> l) {
            return !l.isEmpty();
        }
        if (v instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        return true;
    }

    /** Python's str(). */
    static String str(Object v) {
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Undefined) {
            return "";
        }
        return repr(v);
    }

    /** Python's repr() of lists, dicts and scalars. */
    static String repr(Object v) {
        if (v == null) {
            return "None";
        }
        if (v instanceof Boolean b) {
            return b ? "True" : "False";
        }
        if (v instanceof Double d) {
            if (d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e16) {
                return String.valueOf(d.longValue()) + ".0";
            }
            return String.valueOf(d);
        }
        if (v instanceof String s) {
            return "'" + s.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n") + "'";
        }
        if (v instanceof List<?> l) {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < l.size(); i++) {
                b.append(i == 0 ? "" : ", ").append(repr(l.get(i)));
            }
            return b.append(']').toString();
        }
        if (v instanceof Map<?, ?> m) {
            StringBuilder b = new StringBuilder("{");
            boolean first = true;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                b.append(first ? "" : ", ").append(repr(e.getKey())).append(": ").append(repr(e.getValue()));
                first = false;
            }
            return b.append('}').toString();
        }
        if (v instanceof Undefined) {
            return "";
        }
        return String.valueOf(v);
    }

    static boolean isNumber(Object v) {
        return v instanceof Long || v instanceof Double;
    }

    static double number(Object v) {
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Double d) {
            return d;
        }
        if (v instanceof Boolean b) {
            return b ? 1 : 0;
        }
        throw new TemplateException("expected a number, got " + typeName(v));
    }

    static String typeName(Object v) {
        if (v == null) {
            return "None";
        }
        if (v instanceof Undefined u) {
            return "undefined '" + u.name() + "'";
        }
        if (v instanceof String) {
            return "str";
        }
        if (v instanceof Long) {
            return "int";
        }
        if (v instanceof Double) {
            return "float";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (v instanceof List) {
            return "list";
        }
        if (v instanceof Map) {
            return "dict";
        }
        return v.getClass().getSimpleName();
    }

    static boolean equal(Object a, Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (isNumber(a) && isNumber(b) || (a instanceof Boolean && isNumber(b)) || (isNumber(a) && b instanceof Boolean)) {
            return number(a) == number(b);
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!equal(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!y.containsKey(e.getKey()) || !equal(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Undefined || b instanceof Undefined) {
            return a instanceof Undefined && b instanceof Undefined;
        }
        return a.equals(b);
    }

    static int compare(Object a, Object b) {
        if (isNumber(a) && isNumber(b)) {
            return Double.compare(number(a), number(b));
        }
        if (a instanceof String x && b instanceof String y) {
            return x.compareTo(y);
        }
        throw new TemplateException("cannot compare " + typeName(a) + " with " + typeName(b));
    }

    static boolean contains(Object container, Object item) {
        if (container instanceof String s) {
            if (!(item instanceof String t)) {
                throw new TemplateException("'in <string>' needs a string, got " + typeName(item));
            }
            return s.contains(t);
        }
        if (container instanceof List<?> l) {
            return l.stream().anyMatch(x -> equal(x, item));
        }
        if (container instanceof Map<?, ?> m) {
            return m.containsKey(item);
        }
        throw new TemplateException("'in' needs a string, list or dict, got " + typeName(container));
    }

    /** What a for loop or a filter iterates: list items, dict keys, string characters. */
    static List<Object> iterate(Object v) {
        if (v instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        if (v instanceof Map<?, ?> m) {
            return new ArrayList<>(m.keySet());
        }
        if (v instanceof String s) {
            List<Object> chars = new ArrayList<>();
            s.codePoints().forEach(c -> chars.add(new String(Character.toChars(c))));
            return chars;
        }
        throw new TemplateException("cannot iterate over " + typeName(v));
    }

    static int length(Object v) {
        if (v instanceof String s) {
            return s.codePointCount(0, s.length());
        }
        if (v instanceof List<?> l) {
            return l.size();
        }
        if (v instanceof Map<?, ?> m) {
            return m.size();
        }
        throw new TemplateException("object of type " + typeName(v) + " has no length");
    }

    /** Python's json.dumps(ensure_ascii=False) with transformers' defaults: no key sorting. */
    static String toJson(Object v, Integer indent) {
        StringBuilder b = new StringBuilder();
        writeJson(b, v, indent, 0);
        return b.toString();
    }

    private static void writeJson(StringBuilder b, Object v, Integer indent, int depth) {
        if (v == null || v instanceof Undefined) {
            b.append("null");
        } else if (v instanceof Boolean bool) {
            b.append(bool ? "true" : "false");
        } else if (v instanceof Long || v instanceof Double) {
            b.append(repr(v));
        } else if (v instanceof String s) {
            b.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    case '\b' -> b.append("\\b");
                    case '\f' -> b.append("\\f");
                    default -> {
                        if (c < 0x20) {
                            b.append(String.format("\\u%04x", (int) c));
                        } else {
                            b.append(c);
                        }
                    }
                }
            }
            b.append('"');
        } else if (v instanceof List<?> l) {
            if (l.isEmpty()) {
                b.append("[]");
                return;
            }
            b.append('[');
            for (int i = 0; i < l.size(); i++) {
                b.append(i == 0 ? "" : ",");
                newline(b, indent, depth + 1, i > 0);
                writeJson(b, l.get(i), indent, depth + 1);
            }
            newline(b, indent, depth, false);
            b.append(']');
        } else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                b.append("{}");
                return;
            }
            b.append('{');
            Iterator<? extends Map.Entry<?, ?>> it = m.entrySet().iterator();
            boolean first = true;
            while (it.hasNext()) {
                Map.Entry<?, ?> e = it.next();
                b.append(first ? "" : ",");
                newline(b, indent, depth + 1, !first);
                writeJson(b, str(e.getKey()), indent, depth + 1);
                b.append(": ");
                writeJson(b, e.getValue(), indent, depth + 1);
                first = false;
            }
            newline(b, indent, depth, false);
            b.append('}');
        } else {
            writeJson(b, str(v), indent, depth);
        }
    }

    /** With an indent: a newline and indentation; without: Python's ", " item separator space. */
    private static void newline(StringBuilder b, Integer indent, int depth, boolean afterComma) {
        if (indent == null) {
            if (afterComma) {
                b.append(' ');
            }
            return;
        }
        b.append('\n').append(" ".repeat(indent * depth));
    }

    /** A fresh mutable dict, as {@code namespace()} and {@code dict()} create. */
    static Map<String, Object> dict() {
        return new LinkedHashMap<>();
    }
}
