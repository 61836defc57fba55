package dev.gradc.dsl;

import com.github.javaparser.ast.body.MethodDeclaration;
import java.util.List;

/**
 * A method applied to the same argument values: the same objects, or leaves that mean the same
 * (references to one input or parameter, equal numbers). Never a structural comparison of
 * trees, which would cost as much as the duplication it avoids.
 */
record CallKey(MethodDeclaration method, List<Expr> args) {
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CallKey k) || k.method != method || k.args.size() != args.size()) return false;
        for (int i = 0; i < args.size(); i++) if (!sameValue(k.args.get(i), args.get(i))) return false;
        return true;
    }

    @Override
    public int hashCode() {
        int h = System.identityHashCode(method);
        for (Expr a : args) h = 31 * h + leafHash(a);
        return h;
    }

    private static boolean sameValue(Expr a, Expr b) {
        if (a == b) return true;
        if (a instanceof Expr.InputRef x && b instanceof Expr.InputRef y) return x.name().equals(y.name());
        if (a instanceof Expr.ParamRef x && b instanceof Expr.ParamRef y) return x.name().equals(y.name());
        if (a instanceof Expr.Num x && b instanceof Expr.Num y) return x.integral() == y.integral() && Double.compare(x.value(), y.value()) == 0;
        if (a instanceof Expr.Bool x && b instanceof Expr.Bool y) return x.value() == y.value();
        return a instanceof Expr.Batch && b instanceof Expr.Batch;
    }

    private static int leafHash(Expr e) {
        if (e instanceof Expr.InputRef r) return r.name().hashCode();
        if (e instanceof Expr.ParamRef r) return ~r.name().hashCode();
        if (e instanceof Expr.Num n) return Double.hashCode(n.value());
        if (e instanceof Expr.Bool b) return Boolean.hashCode(b.value());
        if (e instanceof Expr.Batch) return 17;
        return System.identityHashCode(e);
    }
}
