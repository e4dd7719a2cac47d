package dev.dyspec.app.chat;

import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The filters, tests, string/dict methods and globals that chat templates use, with Jinja's and
 * Python's semantics. Globals include transformers' {@code raise_exception} and {@code strftime_now}.
 */
final class Builtins {

    private final Supplier<ZonedDateTime> clock;
    private final Map<String, Expr.Callable> globals;

    Builtins(Supplier<ZonedDateTime> clock) {
        this.clock = clock;
        this.globals = Map.of(
                "raise_exception", (args, kw) -> {
                    throw new TemplateException(args.isEmpty() ? "raise_exception called" : Values.str(args.get(0)), true);
                },
                "strftime_now", (args, kw) -> strftime(Values.str(args.get(0)), this.clock.get()),
                "namespace", (args, kw) -> {
                    Map<String, Object> ns = Values.dict();
                    ns.putAll(kw);
                    return ns;
                },
                "dict", (args, kw) -> {
                    Map<String, Object> d = Values.dict();
                    d.putAll(kw);
                    return d;
                },
                "range", (args, kw) -> range(args));
    }

    Object global(String name) {
        return globals.get(name);
    }

    Object lookup(Object target, Object key) {
        if (target instanceof Values.Undefined u) {
            throw new TemplateException("'" + u.name() + "' is undefined");
        }
        if (target == null) {
            throw new TemplateException("'None' has no attribute " + Values.repr(key));
        }
        if (target instanceof Map<?, ?> m) {
            String k = Values.str(key);
            return m.containsKey(k) ? m.get(k) : new Values.Undefined(k);
        }
        if (target instanceof List<?> l && Values.isNumber(key)) {
            int i = (int) Values.number(key);
            int index = i < 0 ? l.size() + i : i;
            if (index < 0 || index >= l.size()) {
                return new Values.Undefined("[" + i + "]");
            }
            return l.get(index);
        }
        if (target instanceof String s && Values.isNumber(key)) {
            List<Object> chars = Values.iterate(s);
            int i = (int) Values.number(key);
            int index = i < 0 ? chars.size() + i : i;
            return index < 0 || index >= chars.size() ? new Values.Undefined("[" + i + "]") : chars.get(index);
        }
        return new Values.Undefined(Values.str(key));
    }

    static Object slice(Object target, Object start, Object stop, Object step) {
        List<Object> items = target instanceof String s ? Values.iterate(s) : target instanceof List<?> l ? new ArrayList<>(l) : null;
        if (items == null) {
            throw new TemplateException("cannot slice " + Values.typeName(target));
        }
        int n = items.size();
        int st = step == null ? 1 : (int) Values.number(step);
        if (st == 0) {
            throw new TemplateException("slice step cannot be zero");
        }
        int a = start == null ? (st > 0 ? 0 : n - 1) : clamp((int) Values.number(start), n, st);
        int b = stop == null ? (st > 0 ? n : -1) : clamp((int) Values.number(stop), n, st);
        List<Object> out = new ArrayList<>();
        for (int i = a; st > 0 ? i < b : i > b; i += st) {
            out.add(items.get(i));
        }
        if (target instanceof String) {
            StringBuilder sb = new StringBuilder();
            out.forEach(c -> sb.append(c));
            return sb.toString();
        }
        return out;
    }

    private static int clamp(int i, int n, int step) {
        int v = i < 0 ? i + n : i;
        if (step > 0) {
            return Math.max(0, Math.min(n, v));
        }
        return Math.max(-1, Math.min(n - 1, v));
    }

    static Object binary(String op, Object a, Object b) {
        switch (op) {
            case "==":
                return Values.equal(a, b);
            case "!=":
                return !Values.equal(a, b);
            case "<":
                return Values.compare(a, b) < 0;
            case "<=":
                return Values.compare(a, b) <= 0;
            case ">":
                return Values.compare(a, b) > 0;
            case ">=":
                return Values.compare(a, b) >= 0;
            case "in":
                return Values.contains(b, a);
            case "~":
                return Values.str(a) + Values.str(b);
            case "+":
                if (a instanceof String x && b instanceof String y) {
                    return x + y;
                }
                if (a instanceof List<?> x && b instanceof List<?> y) {
                    List<Object> out = new ArrayList<>(x);
                    out.addAll(y);
                    return out;
                }
                return arithmetic(op, a, b);
            default:
                return arithmetic(op, a, b);
        }
    }

    private static Object arithmetic(String op, Object a, Object b) {
        if (!(Values.isNumber(a) || a instanceof Boolean) || !(Values.isNumber(b) || b instanceof Boolean)) {
            throw new TemplateException("unsupported operand types for " + op + ": " + Values.typeName(a) + " and "
                    + Values.typeName(b));
        }
        boolean ints = !(a instanceof Double) && !(b instanceof Double);
        double x = Values.number(a);
        double y = Values.number(b);
        switch (op) {
            case "+":
                return ints ? (Object) ((long) x + (long) y) : (Object) (x + y);
            case "-":
                return ints ? (Object) ((long) x - (long) y) : (Object) (x - y);
            case "*":
                return ints ? (Object) ((long) x * (long) y) : (Object) (x * y);
            case "/":
                if (y == 0) {
                    throw new TemplateException("division by zero");
                }
                return x / y;
            case "//":
                if (y == 0) {
                    throw new TemplateException("division by zero");
                }
                return ints ? (Object) Math.floorDiv((long) x, (long) y) : (Object) Math.floor(x / y);
            case "%":
                if (y == 0) {
                    throw new TemplateException("modulo by zero");
                }
                return ints ? (Object) Math.floorMod((long) x, (long) y) : (Object) (x - y * Math.floor(x / y));
            default:
                throw new TemplateException("unknown operator " + op);
        }
    }

    Object method(Object target, String name, List<Object> args, Map<String, Object> kw) {
        if (target instanceof String s) {
            return stringMethod(s, name, args);
        }
        if (target instanceof Map<?, ?> m) {
            switch (name) {
                case "items":
                    return items(m);
                case "keys":
                    return new ArrayList<>(m.keySet());
                case "values":
                    return new ArrayList<>(m.values());
                case "get":
                    Object key = args.get(0);
                    return m.containsKey(Values.str(key)) ? m.get(Values.str(key)) : args.size() > 1 ? args.get(1) : null;
                default:
                    break;
            }
        }
        throw new TemplateException(Values.typeName(target) + " has no method '" + name + "'");
    }

    private static List<Object> items(Map<?, ?> m) {
        List<Object> out = new ArrayList<>();
        for (Map.Entry<?, ?> e : m.entrySet()) {
            out.add(java.util.Arrays.asList(e.getKey(), e.getValue()));
        }
        return out;
    }

    private static Object stringMethod(String s, String name, List<Object> args) {
        String arg = args.isEmpty() || args.get(0) == null ? null : Values.str(args.get(0));
        switch (name) {
            case "startswith":
                return s.startsWith(arg);
            case "endswith":
                return s.endsWith(arg);
            case "strip":
                return strip(s, arg, true, true);
            case "lstrip":
                return strip(s, arg, true, false);
            case "rstrip":
                return strip(s, arg, false, true);
            case "upper":
                return s.toUpperCase(Locale.ROOT);
            case "lower":
                return s.toLowerCase(Locale.ROOT);
            case "title":
                return title(s);
            case "capitalize":
                return s.isEmpty() ? s : s.substring(0, 1).toUpperCase(Locale.ROOT) + s.substring(1).toLowerCase(Locale.ROOT);
            case "replace":
                return s.replace(arg, Values.str(args.get(1)));
            case "split":
                return split(s, arg, args.size() > 1 ? (int) Values.number(args.get(1)) : -1);
            case "find":
                return (long) s.indexOf(arg);
            case "count":
                return (long) (s.isEmpty() ? 0 : (s.length() - s.replace(arg, "").length()) / Math.max(1, arg.length()));
            case "join":
                return String.join(s, Values.iterate(args.get(0)).stream().map(Values::str).toList());
            default:
                throw new TemplateException("str has no method '" + name + "'");
        }
    }

    private static String strip(String s, String chars, boolean left, boolean right) {
        int a = 0;
        int b = s.length();
        while (left && a < b && (chars == null ? Character.isWhitespace(s.charAt(a)) : chars.indexOf(s.charAt(a)) >= 0)) {
            a++;
        }
        while (right && b > a && (chars == null ? Character.isWhitespace(s.charAt(b - 1)) : chars.indexOf(s.charAt(b - 1)) >= 0)) {
            b--;
        }
        return s.substring(a, b);
    }

    private static List<Object> split(String s, String sep, int max) {
        List<Object> out = new ArrayList<>();
        if (sep == null) {
            for (String part : s.trim().split("\\s+", max < 0 ? 0 : max + 1)) {
                if (!part.isEmpty()) {
                    out.add(part);
                }
            }
            return out;
        }
        int from = 0;
        while (max < 0 || out.size() < max) {
            int at = s.indexOf(sep, from);
            if (at < 0) {
                break;
            }
            out.add(s.substring(from, at));
            from = at + sep.length();
        }
        out.add(s.substring(from));
        return out;
    }

    private static String title(String s) {
        StringBuilder b = new StringBuilder();
        boolean start = true;
        for (char c : s.toCharArray()) {
            b.append(start ? Character.toUpperCase(c) : Character.toLowerCase(c));
            start = !Character.isLetterOrDigit(c);
        }
        return b.toString();
    }

    Object filter(String name, Object value, List<Object> args, Map<String, Object> kw) {
        switch (name) {
            case "length", "count":
                return (long) Values.length(value);
            case "tojson":
                Object indent = kw.containsKey("indent") ? kw.get("indent") : args.isEmpty() ? null : args.get(0);
                return Values.toJson(value, indent == null ? null : (int) Values.number(indent));
            case "trim":
                return Values.str(value).strip();
            case "string":
                return Values.str(value);
            case "upper":
                return Values.str(value).toUpperCase(Locale.ROOT);
            case "lower":
                return Values.str(value).toLowerCase(Locale.ROOT);
            case "capitalize", "title":
                return stringMethod(Values.str(value), name, List.of());
            case "replace":
                return Values.str(value).replace(Values.str(args.get(0)), Values.str(args.get(1)));
            case "first": {
                List<Object> l = Values.iterate(value);
                return l.isEmpty() ? new Values.Undefined("first") : l.get(0);
            }
            case "last": {
                List<Object> l = Values.iterate(value);
                return l.isEmpty() ? new Values.Undefined("last") : l.get(l.size() - 1);
            }
            case "reverse": {
                if (value instanceof String s) {
                    return new StringBuilder(s).reverse().toString();
                }
                List<Object> l = Values.iterate(value);
                Collections.reverse(l);
                return l;
            }
            case "list":
                return Values.iterate(value);
            case "join": {
                String sep = args.isEmpty() ? "" : Values.str(args.get(0));
                return String.join(sep, Values.iterate(value).stream().map(Values::str).toList());
            }
            case "items":
                if (value instanceof Map<?, ?> m) {
                    return items(m);
                }
                throw new TemplateException("items needs a dict, got " + Values.typeName(value));
            case "default", "d": {
                boolean falsy = args.size() > 1 && Values.truthy(args.get(1));
                boolean missing = value instanceof Values.Undefined || (falsy && !Values.truthy(value));
                return missing ? (args.isEmpty() ? "" : args.get(0)) : value;
            }
            case "safe", "e", "escape":
                return value;
            case "int":
                return value instanceof String s ? Long.parseLong(s.trim()) : (long) Values.number(value);
            case "float":
                return value instanceof String s ? Double.parseDouble(s.trim()) : Values.number(value);
            case "abs":
                return value instanceof Long l ? (Object) Math.abs(l) : (Object) Math.abs(Values.number(value));
            case "select", "reject": {
                List<Object> out = new ArrayList<>();
                for (Object item : Values.iterate(value)) {
                    boolean passes = args.isEmpty() ? Values.truthy(item)
                            : test(Values.str(args.get(0)), item, args.subList(1, args.size()));
                    if (passes == name.equals("select")) {
                        out.add(item);
                    }
                }
                return out;
            }
            case "selectattr", "rejectattr": {
                List<Object> out = new ArrayList<>();
                for (Object item : Values.iterate(value)) {
                    Object attr = lookup(item, args.get(0));
                    boolean passes = args.size() < 2 ? Values.truthy(attr)
                            : test(Values.str(args.get(1)), attr, args.subList(2, args.size()));
                    if (passes == name.equals("selectattr")) {
                        out.add(item);
                    }
                }
                return out;
            }
            case "map": {
                List<Object> out = new ArrayList<>();
                for (Object item : Values.iterate(value)) {
                    if (kw.containsKey("attribute")) {
                        Object v = lookup(item, kw.get("attribute"));
                        out.add(v instanceof Values.Undefined && kw.containsKey("default") ? kw.get("default") : v);
                    } else {
                        out.add(filter(Values.str(args.get(0)), item, args.subList(1, args.size()), Values.dict()));
                    }
                }
                return out;
            }
            case "indent": {
                int width = args.isEmpty() ? 4 : (int) Values.number(args.get(0));
                boolean first = args.size() > 1 && Values.truthy(args.get(1));
                String pad = " ".repeat(width);
                String s = Values.str(value).replace("\n", "\n" + pad);
                return first ? pad + s : s;
            }
            default:
                throw new TemplateException("unknown filter '" + name + "'");
        }
    }

    boolean test(String name, Object value, List<Object> args) {
        switch (name) {
            case "defined":
                return !(value instanceof Values.Undefined);
            case "undefined":
                return value instanceof Values.Undefined;
            case "none":
                return value == null;
            case "string":
                return value instanceof String;
            case "number":
                return Values.isNumber(value);
            case "integer":
                return value instanceof Long;
            case "float":
                return value instanceof Double;
            case "boolean":
                return value instanceof Boolean;
            case "true":
                return Boolean.TRUE.equals(value);
            case "false":
                return Boolean.FALSE.equals(value);
            case "mapping":
                return value instanceof Map;
            case "sequence", "iterable":
                return value instanceof List || value instanceof String || value instanceof Map;
            case "callable":
                return value instanceof Expr.Callable;
            case "equalto", "eq", "==", "sameas":
                return Values.equal(value, args.get(0));
            case "ne", "!=":
                return !Values.equal(value, args.get(0));
            case "odd":
                return Values.number(value) % 2 != 0;
            case "even":
                return Values.number(value) % 2 == 0;
            case "lower":
                return Values.str(value).equals(Values.str(value).toLowerCase(Locale.ROOT));
            case "upper":
                return Values.str(value).equals(Values.str(value).toUpperCase(Locale.ROOT));
            case "in":
                return Values.contains(args.get(0), value);
            default:
                throw new TemplateException("unknown test '" + name + "'");
        }
    }

    private static List<Object> range(List<Object> args) {
        long start = args.size() > 1 ? (long) Values.number(args.get(0)) : 0;
        long stop = (long) Values.number(args.get(args.size() > 1 ? 1 : 0));
        long step = args.size() > 2 ? (long) Values.number(args.get(2)) : 1;
        if (step == 0 || Math.abs((stop - start) / step) > 100_000) {
            throw new TemplateException("range too large");
        }
        List<Object> out = new ArrayList<>();
        for (long i = start; step > 0 ? i < stop : i > stop; i += step) {
            out.add(i);
        }
        return out;
    }

    /** The C strftime directives templates use for dates. */
    static String strftime(String format, ZonedDateTime t) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 >= format.length()) {
                b.append(c);
                continue;
            }
            char d = format.charAt(++i);
            switch (d) {
                case 'd' -> b.append(String.format("%02d", t.getDayOfMonth()));
                case 'e' -> b.append(String.format("%2d", t.getDayOfMonth()));
                case 'm' -> b.append(String.format("%02d", t.getMonthValue()));
                case 'Y' -> b.append(t.getYear());
                case 'y' -> b.append(String.format("%02d", t.getYear() % 100));
                case 'b', 'h' -> b.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'B' -> b.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'a' -> b.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case 'A' -> b.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case 'H' -> b.append(String.format("%02d", t.getHour()));
                case 'I' -> b.append(String.format("%02d", (t.getHour() + 11) % 12 + 1));
                case 'M' -> b.append(String.format("%02d", t.getMinute()));
                case 'S' -> b.append(String.format("%02d", t.getSecond()));
                case 'p' -> b.append(t.getHour() < 12 ? "AM" : "PM");
                case 'j' -> b.append(String.format("%03d", t.getDayOfYear()));
                case '%' -> b.append('%');
                default -> b.append('%').append(d);
            }
        }
        return b.toString();
    }
}
