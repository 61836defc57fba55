package dev.gradc.compiler;

import dev.gradc.dsl.CompileException;
import dev.gradc.dsl.Diagnostic;
import dev.gradc.dsl.Model;
import dev.gradc.runtime.Trainer;
import dev.gradc.runtime.internal.CompiledTrainer;
import dev.gradc.runtime.internal.Signature;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The typed methods a generated class adds (a setter per input, a method per output) must not
 * clash with a method every trainer has: any public or protected method of {@link Trainer},
 * {@link CompiledTrainer} or {@code Object}, read from the classes themselves, so the rule cannot
 * drift from them. A clash is an error at the declaration.
 */
final class Names {
    private Names() {}

    /** Method name to one of its signatures, for the message. */
    private static final Map<String, String> TAKEN = taken();

    private static Map<String, String> taken() {
        Map<String, String> out = new TreeMap<>();
        for (Class<?> c : List.of(Trainer.class, CompiledTrainer.class, Object.class)) {
            for (Method m : c.getDeclaredMethods()) {
                if (!Modifier.isPublic(m.getModifiers()) && !Modifier.isProtected(m.getModifiers())) continue;
                StringBuilder sig = new StringBuilder(c.getSimpleName()).append('.').append(m.getName()).append('(');
                for (int i = 0; i < m.getParameterCount(); i++) sig.append(i > 0 ? ", " : "").append(m.getParameterTypes()[i].getSimpleName());
                out.putIfAbsent(m.getName(), sig.append(')').toString());
            }
        }
        return out;
    }

    static void check(Model model) {
        List<Diagnostic> errors = new ArrayList<>();
        Map<String, String> typed = new HashMap<>(); // method name -> what declares it
        for (Model.InputDecl in : model.inputs()) {
            String setter = Signature.setter(in.name());
            if (TAKEN.containsKey(setter)) {
                errors.add(new Diagnostic(model.source(), in.pos(), "input '" + in.name() + "' would get the typed setter "
                        + setter + ", which clashes with " + TAKEN.get(setter) + " that every trainer has; rename the input"));
            }
            typed.put(setter, "the setter of input '" + in.name() + "'");
        }
        for (Model.OutputDecl out : model.outputs()) {
            String name = out.name();
            if (TAKEN.containsKey(name)) {
                errors.add(new Diagnostic(model.source(), out.pos(), "output method '" + name + "' clashes with "
                        + TAKEN.get(name) + " that every trainer has; rename it"));
            } else if (name.indexOf('$') >= 0) {
                errors.add(new Diagnostic(model.source(), out.pos(), "output method '" + name
                        + "': names with '$' are kept for the methods gradc generates; rename it"));
            } else if (typed.containsKey(name)) {
                errors.add(new Diagnostic(model.source(), out.pos(), "output method '" + name + "' clashes with "
                        + typed.get(name) + "; rename one of them"));
            }
        }
        if (!errors.isEmpty()) throw new CompileException(errors);
    }
}
