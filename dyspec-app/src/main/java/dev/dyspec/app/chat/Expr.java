package dev.dyspec.app.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A parsed template expression. */
sealed interface Expr {

    Object eval(Scope s);

    record Literal(Object value) implements Expr {
        public Object eval(Scope s) {
            return value;
        }
    }

    record Name(String name) implements Expr {
        public Object eval(Scope s) {
            return s.get(name);
        }
    }

    record ListOf(List<Expr> items) implements Expr {
        public Object eval(Scope s) {
            List<Object> out = new ArrayList<>();
            for (Expr e : items) {
                out.add(e.eval(s));
            }
            return out;
        }
    }

    record DictOf(List<Expr> keys, List<Expr> values) implements Expr {
        public Object eval(Scope s) {
            Map<String, Object> out = Values.dict();
            for (int i = 0; i < keys.size(); i++) {
                out.put(Values.str(keys.get(i).eval(s)), values.get(i).eval(s));
            }
            return out;
        }
    }

    /** {@code a.b} and {@code a['b']}: attribute or item, as Jinja looks up both. */
    record Lookup(Expr target, Expr key) implements Expr {
        public Object eval(Scope s) {
            return s.builtins.lookup(target.eval(s), key.eval(s));
        }
    }

    record Slice(Expr target, Expr start, Expr stop, Expr step) implements Expr {
        public Object eval(Scope s) {
            return Builtins.slice(target.eval(s), value(start, s), value(stop, s), value(step, s));
        }

        private static Object value(Expr e, Scope s) {
            return e == null ? null : e.eval(s);
        }
    }

    /** A call: a global function or macro, or a method of the target value. */
    record Call(Expr callee, List<Expr> args, List<String> keywordNames, List<Expr> keywordValues) implements Expr {
        public Object eval(Scope s) {
            List<Object> positional = evalAll(args, s);
            Map<String, Object> keywords = evalKeywords(keywordNames, keywordValues, s);
            if (callee instanceof Lookup l && l.key() instanceof Literal name && name.value() instanceof String method) {
                Object target = l.target().eval(s);
                if (!(target instanceof Map<?, ?> m && m.get(method) instanceof Callable)) {
                    return s.builtins.method(target, method, positional, keywords);
                }
            }
            Object f = callee.eval(s);
            if (f instanceof Callable c) {
                return c.call(positional, keywords);
            }
            throw new TemplateException("'" + describe(callee) + "' is not callable");
        }

        private static String describe(Expr e) {
            return e instanceof Name n ? n.name() : "expression";
        }
    }

    record Filter(Expr value, String name, List<Expr> args, List<String> keywordNames, List<Expr> keywordValues)
            implements Expr {
        public Object eval(Scope s) {
            List<Object> positional = evalAll(args, s);
            Map<String, Object> keywords = evalKeywords(keywordNames, keywordValues, s);
            return s.builtins.filter(name, value.eval(s), positional, keywords);
        }
    }

    record Test(Expr value, String name, List<Expr> args, boolean negated) implements Expr {
        public Object eval(Scope s) {
            List<Object> positional = evalAll(args, s);
            return negated != s.builtins.test(name, value.eval(s), positional);
        }
    }

    record Not(Expr value) implements Expr {
        public Object eval(Scope s) {
            return !Values.truthy(value.eval(s));
        }
    }

    record Negate(Expr value) implements Expr {
        public Object eval(Scope s) {
            Object v = value.eval(s);
            return v instanceof Long l ? (Object) (-l) : (Object) (-Values.number(v));
        }
    }

    record And(Expr left, Expr right) implements Expr {
        public Object eval(Scope s) {
            Object l = left.eval(s);
            return Values.truthy(l) ? right.eval(s) : l;
        }
    }

    record Or(Expr left, Expr right) implements Expr {
        public Object eval(Scope s) {
            Object l = left.eval(s);
            return Values.truthy(l) ? l : right.eval(s);
        }
    }

    record Conditional(Expr condition, Expr then, Expr otherwise) implements Expr {
        public Object eval(Scope s) {
            if (Values.truthy(condition.eval(s))) {
                return then.eval(s);
            }
            return otherwise == null ? new Values.Undefined("else branch") : otherwise.eval(s);
        }
    }

    record Binary(String op, Expr left, Expr right) implements Expr {
        public Object eval(Scope s) {
            return Builtins.binary(op, left.eval(s), right.eval(s));
        }
    }

    static List<Object> evalAll(List<Expr> args, Scope s) {
        List<Object> out = new ArrayList<>();
        for (Expr a : args) {
            out.add(a.eval(s));
        }
        return out;
    }

    static Map<String, Object> evalKeywords(List<String> names, List<Expr> values, Scope s) {
        Map<String, Object> out = Values.dict();
        for (int i = 0; i < names.size(); i++) {
            out.put(names.get(i), values.get(i).eval(s));
        }
        return out;
    }

    /** Something a call can invoke: a global function or a macro. */
    interface Callable {
        Object call(List<Object> args, Map<String, Object> keywords);
    }
}
