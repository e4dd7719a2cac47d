package dev.dyspec.app.chat;

import java.util.HashMap;
import java.util.Map;

/** Variables visible to a template: a chain of frames (a for-loop body or macro call opens one). */
final class Scope {

    private final Scope parent;
    private final Map<String, Object> vars = new HashMap<>();
    final Builtins builtins;

    Scope(Scope parent, Builtins builtins) {
        this.parent = parent;
        this.builtins = builtins;
    }

    Scope child() {
        return new Scope(this, builtins);
    }

    Object get(String name) {
        for (Scope s = this; s != null; s = s.parent) {
            if (s.vars.containsKey(name)) {
                return s.vars.get(name);
            }
        }
        Object global = builtins.global(name);
        return global != null ? global : new Values.Undefined(name);
    }

    void set(String name, Object value) {
        vars.put(name, value);
    }
}
