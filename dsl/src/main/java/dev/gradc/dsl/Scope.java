package dev.gradc.dsl;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The local names of a method body, loop body or block; inner scopes see and may reassign outer names. */
final class Scope {
    static final Scope NONE = new Scope(null);

    private final Scope parent;
    private final Map<String, Expr> values = new HashMap<>();
    private final Map<String, String> types = new HashMap<>();

    Scope(Scope parent) {
        this.parent = parent;
    }

    Expr lookup(String name) {
        for (Scope s = this; s != null; s = s.parent) if (s.values.containsKey(name)) return s.values.get(name);
        return null;
    }

    String typeOf(String name) {
        for (Scope s = this; s != null; s = s.parent) if (s.types.containsKey(name)) return s.types.get(name);
        return null;
    }

    /** A method parameter; false if the name is taken. */
    boolean define(String name, Expr value) {
        if (lookup(name) != null) return false;
        define(name, "Tensor", value);
        return true;
    }

    void define(String name, String type, Expr value) {
        values.put(name, value);
        types.put(name, type);
    }

    void assign(String name, Expr value) {
        for (Scope s = this; s != null; s = s.parent) {
            if (s.values.containsKey(name)) {
                s.values.put(name, value);
                return;
            }
        }
        throw new IllegalStateException("assignment to undefined " + name);
    }

    List<String> names() {
        List<String> out = new ArrayList<>();
        for (Scope s = this; s != null; s = s.parent) out.addAll(s.values.keySet());
        return out;
    }
}
