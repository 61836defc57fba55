package dev.gradc.dsl;

import com.github.javaparser.JavaParser;
import com.github.javaparser.JavaToken;
import com.github.javaparser.ParseResult;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.Position;
import com.github.javaparser.TokenRange;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Modifier;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.NodeList;
import com.github.javaparser.ast.body.BodyDeclaration;
import com.github.javaparser.ast.body.ClassOrInterfaceDeclaration;
import com.github.javaparser.ast.body.ConstructorDeclaration;
import com.github.javaparser.ast.body.FieldDeclaration;
import com.github.javaparser.ast.body.InitializerDeclaration;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.Parameter;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.body.VariableDeclarator;
import com.github.javaparser.ast.expr.ArrayAccessExpr;
import com.github.javaparser.ast.expr.ArrayInitializerExpr;
import com.github.javaparser.ast.expr.AssignExpr;
import com.github.javaparser.ast.expr.BinaryExpr;
import com.github.javaparser.ast.expr.DoubleLiteralExpr;
import com.github.javaparser.ast.expr.EnclosedExpr;
import com.github.javaparser.ast.expr.Expression;
import com.github.javaparser.ast.expr.FieldAccessExpr;
import com.github.javaparser.ast.expr.IntegerLiteralExpr;
import com.github.javaparser.ast.expr.MethodCallExpr;
import com.github.javaparser.ast.expr.NameExpr;
import com.github.javaparser.ast.expr.UnaryExpr;
import com.github.javaparser.ast.expr.VariableDeclarationExpr;
import com.github.javaparser.ast.stmt.BlockStmt;
import com.github.javaparser.ast.stmt.ExpressionStmt;
import com.github.javaparser.ast.stmt.ForStmt;
import com.github.javaparser.ast.stmt.ReturnStmt;
import com.github.javaparser.ast.stmt.Statement;
import dev.gradc.runtime.internal.Initializer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Parses a {@code .grad} file with JavaParser and elaborates it into a {@link Model}: constants
 * folded, helper methods inlined at their call sites, names resolved. Methods are named after the
 * grammar rules they check. Anything outside the language is a {@link CompileException} at its
 * position; nothing else escapes for bad input.
 */
public final class ModelParser {
    private static final String BATCH = "batch";
    /** The type a for loop's counter has in its scope: an int the body may read but not assign. */
    private static final String LOOP = "loop counter";
    /** Loops and repeat() are unrolled when compiling; beyond this a model is surely a mistake. */
    static final int MAX_UNROLL = 10_000;
    /**
     * Built-in calls and operators in the whole elaborated model (helpers inlined, loops unrolled):
     * a bound on what the back end is asked to compile, and on the time spent here.
     */
    static final int MAX_OPERATIONS = 100_000;
    /**
     * Statements run, loop iterations and helper calls inlined while elaborating: bounds the time of
     * nested loops and of helpers calling helpers, which may multiply without making operations.
     */
    static final int MAX_STEPS = 500_000;
    /**
     * Parsing and elaboration run on a thread of their own with this stack, so that how deep a model
     * may nest does not depend on the caller's thread. {@link Nesting} keeps every model it lets
     * through far below it; the stack is reserved address space, committed only as it is used.
     */
    private static final long STACK_BYTES = 64L << 20;
    private static final String TOO_DEEP = Nesting.TOO_DEEP;

    private final Source source;
    private final Map<String, SourcePos> declared = new HashMap<>();
    private final Map<String, Model.Constant> constants = new LinkedHashMap<>();
    private final Map<String, Model.InputDecl> inputs = new LinkedHashMap<>();
    private final Map<String, Model.ParamDecl> params = new LinkedHashMap<>();
    private final Map<String, MethodDeclaration> methods = new LinkedHashMap<>();
    /** Param[] arrays by name, with their lengths. */
    private final Map<String, Integer> paramArrays = new LinkedHashMap<>();
    private final Deque<String> inlining = new ArrayDeque<>();
    private final Map<CallKey, Expr> inlined = new HashMap<>();
    private Model.OptimizerDecl optimizer;
    private final List<Diagnostic> errors = new ArrayList<>();
    private final java.util.Set<String> failed = new java.util.HashSet<>();
    private final List<Model.ClipDecl> clips = new ArrayList<>();
    private int operations, steps;
    /** Methods whose signature passed {@link #methodSignature}: checked once, not at every call. */
    private final java.util.Set<MethodDeclaration> signatureChecked = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());

    private ModelParser(Source source) {
        this.source = source;
    }

    /**
     * Parses and elaborates a model file.
     *
     * @throws CompileException for anything outside the language or beyond its limits, with positions
     */
    public static Model parse(Source source) {
        java.util.concurrent.Future<Model> result = WORKERS.submit(() -> new ModelParser(source).modelFile());
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) { // parsing is short and bounded: finish it, keep the interrupt
                    interrupted = true;
                }
            }
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error r) throw r;
            throw new IllegalStateException(e.getCause());
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /**
     * Threads with {@link #STACK_BYTES} of stack, created as parses need them and kept a while:
     * starting a thread costs more than parsing a small model.
     */
    private static final java.util.concurrent.ExecutorService WORKERS = new java.util.concurrent.ThreadPoolExecutor(
            0, Integer.MAX_VALUE, 30, java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>(), task -> {
                Thread t = new Thread(null, task, "gradc-parse", STACK_BYTES);
                t.setDaemon(true);
                return t;
            });

    // modelFile: classDeclaration, alone

    private Model modelFile() {
        ParserConfiguration config = new ParserConfiguration()
                .setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_17)
                .setTabSize(1)
                .setAttributeComments(false);
        Nesting.check(source);
        ParseResult<CompilationUnit> result;
        try {
            result = new JavaParser(config).parse(source.text());
        } catch (RuntimeException e) { // the parser's own failure on odd input is still the file's error
            throw error(new SourcePos(1, 1), "syntax error: " + SyntaxErrors.firstLine(e.getMessage()));
        } catch (StackOverflowError e) { // JavaParser recurses once per nesting level
            throw error(new SourcePos(1, 1), TOO_DEEP);
        }
        if (!result.isSuccessful() || result.getResult().isEmpty()) throw SyntaxErrors.of(source, result.getProblems());
        CompilationUnit unit = result.getResult().get();
        unit.getPackageDeclaration().ifPresent(p -> { throw unsupported(p, "package declaration"); });
        if (!unit.getImports().isEmpty()) throw unsupported(unit.getImports().get(0), "import");
        if (unit.getTypes().isEmpty()) throw error(new SourcePos(1, 1), "expected a class declaring the model");
        if (unit.getTypes().size() > 1) throw error(pos(unit.getType(1)), "a model file declares exactly one class");
        return classDeclaration(unit.getType(0));
    }

    // classDeclaration: 'class' NAME '{' member* '}'

    private Model classDeclaration(TypeDeclaration<?> type) {
        if (!(type instanceof ClassOrInterfaceDeclaration cls) || cls.isInterface()) {
            throw unsupported(type, describe(type));
        }
        if (!cls.getAnnotations().isEmpty()) throw unsupported(cls.getAnnotation(0), "annotation");
        if (!cls.getModifiers().isEmpty()) throw unsupported(cls.getModifiers().get(0), "'" + cls.getModifiers().get(0).getKeyword().asString() + "' modifier");
        if (!cls.getTypeParameters().isEmpty()) throw unsupported(cls.getTypeParameter(0), "type parameter");
        if (!cls.getExtendedTypes().isEmpty()) throw unsupported(cls.getExtendedTypes(0), "extends clause");
        if (!cls.getImplementedTypes().isEmpty()) throw unsupported(cls.getImplementedTypes(0), "implements clause");
        if (!cls.getPermittedTypes().isEmpty()) throw unsupported(cls.getPermittedTypes().get(0), "permits clause");
        // Methods are known before any field, so a field's position in the file does not decide what
        // may be called; a call goes to the first method of that name.
        for (BodyDeclaration<?> member : cls.getMembers()) {
            if (member instanceof MethodDeclaration m) methods.putIfAbsent(m.getNameAsString(), m);
        }
        // Names are declared in source order, so a duplicate is reported at its second declaration.
        // Each declaration is checked on its own, so that one run reports the errors of all of them;
        // a name whose declaration failed is not reported again where it is used.
        for (BodyDeclaration<?> member : cls.getMembers()) {
            if (member instanceof MethodDeclaration m) {
                int before = errors.size();
                collect(() -> declare(m.getNameAsString(), pos(m.getName())), List.of());
                if (errors.size() > before) methods.remove(m.getNameAsString(), m);
                continue;
            }
            collect(() -> {
                if (member instanceof FieldDeclaration f) field(f);
                else throw unsupported(member, describe(member));
            }, member instanceof FieldDeclaration f ? f.getVariables().stream().map(VariableDeclarator::getNameAsString).toList() : List.of());
        }
        Expr[] loss = {null};
        List<Model.OutputDecl> outputs = new ArrayList<>();
        for (MethodDeclaration m : methods.values()) {
            collect(() -> {
                methodSignature(m);
                if (!m.getParameters().isEmpty()) {
                    inlineCall(m, List.of(), pos(m.getName()), false); // checks the body once even if never called
                    return;
                }
                Expr value = inlineCall(m, List.of(), pos(m.getName()), true);
                if (m.getNameAsString().equals("loss")) loss[0] = value;
                else outputs.add(new Model.OutputDecl(m.getNameAsString(), value, pos(m.getName())));
            }, List.of(m.getNameAsString()));
        }
        if (!errors.isEmpty()) {
            errors.sort(Comparator.comparingInt((Diagnostic d) -> d.pos().line()).thenComparingInt(d -> d.pos().column()));
            throw new CompileException(errors);
        }
        return new Model(source, cls.getNameAsString(), List.copyOf(constants.values()), List.copyOf(inputs.values()),
                List.copyOf(params.values()), loss[0], outputs, optimizer, List.copyOf(clips));
    }

    /** Runs one declaration's check, keeping its errors; its names then count as failed. */
    private void collect(Runnable declaration, List<String> names) {
        try {
            declaration.run();
        } catch (CompileException e) {
            for (Diagnostic d : e.diagnostics()) if (!errors.contains(d)) errors.add(d);
            failed.addAll(names);
        } catch (FailedName cascade) {
            failed.addAll(names); // already reported where that name was declared
        } catch (StackOverflowError tooDeep) { // deep nesting or a huge unrolled body; the stack has unwound to here
            errors.add(new Diagnostic(source, names.isEmpty() ? new SourcePos(1, 1) : declared.getOrDefault(names.get(0), new SourcePos(1, 1)), TOO_DEEP));
            failed.addAll(names);
        }
    }

    /** A use of a name whose own declaration failed: nothing new to report. */
    private static final class FailedName extends RuntimeException {
        FailedName() {
            super(null, null, false, false);
        }
    }

    private void declare(String name, SourcePos at) {
        if (name.equals(BATCH)) throw error(at, "'batch' is reserved for the batch dimension");
        SourcePos first = declared.putIfAbsent(name, at);
        if (first != null) throw error(at, "'" + name + "' is already declared at line " + first.line());
    }

    // field: constantField | inputField | paramField | optimizerField | clipField

    private void field(FieldDeclaration f) {
        if (!f.getAnnotations().isEmpty()) throw unsupported(f.getAnnotation(0), "annotation");
        boolean isStatic = f.hasModifier(Modifier.Keyword.STATIC), isFinal = f.hasModifier(Modifier.Keyword.FINAL);
        for (Modifier m : f.getModifiers()) {
            Modifier.Keyword k = m.getKeyword();
            if (k != Modifier.Keyword.STATIC && k != Modifier.Keyword.FINAL) throw unsupported(m, "'" + k.asString() + "' modifier");
        }
        String type = f.getElementType().asString();
        for (VariableDeclarator v : f.getVariables()) {
            if (!v.getType().isArrayType()) continue;
            if (!type.equals("Param") || v.getType().asArrayType().getArrayLevel() != 1 || isStatic || isFinal) {
                throw unsupported(v.getType(), "array of " + type + " (only Param[] arrays)");
            }
        }
        for (VariableDeclarator v : f.getVariables()) {
            String name = v.getNameAsString();
            if (v.getInitializer().isEmpty()) {
                throw error(pos(v.getName()), "'" + name + "' needs an initializer, as in `" + type + " " + name + " = ...;`");
            }
            Expression init = v.getInitializer().get();
            if (isStatic && isFinal && (type.equals("int") || type.equals("double"))) {
                constantField(name, type.equals("int"), init, pos(v.getName()));
            } else if (isStatic || isFinal) {
                throw error(pos(f), "only `static final int` and `static final double` constants take modifiers");
            } else if (type.equals("Input")) {
                inputField(name, init, pos(v.getName()));
            } else if (type.equals("Param") && v.getType().isArrayType()) {
                paramArrayField(name, init, pos(v.getName()));
            } else if (type.equals("Param")) {
                paramField(name, init, pos(v.getName()));
            } else if (type.equals("Optimizer")) {
                optimizerField(name, init, pos(v.getName()));
            } else if (type.equals("Clip")) {
                clipField(name, init, pos(v.getName()));
            } else {
                throw error(pos(f.getElementType()), "unsupported field type '" + type
                        + "'; expected Input, Param, Optimizer, Clip, or static final int/double");
            }
        }
    }

    // constantField: 'static' 'final' ('int' | 'double') NAME '=' constant ';'

    private void constantField(String name, boolean isInt, Expression init, SourcePos at) {
        declare(name, at);
        Expr.Num value = constant(init, Scope.NONE);
        if (isInt && !value.integral()) throw error(pos(init), "'" + name + "' is an int constant but its value is not an int");
        constants.put(name, new Model.Constant(name, value.value(), isInt, at));
    }

    // inputField: 'Input' NAME '=' 'input' '(' dim (',' dim)* ')' ';'

    private void inputField(String name, Expression init, SourcePos at) {
        declare(name, at);
        MethodCallExpr call = fieldCall(init, "an input is declared as `Input " + name + " = input(batch, ...);`");
        if (!call.getNameAsString().equals("input")) {
            throw error(pos(call.getName()), "an input is declared with input(dims...), not " + call.getNameAsString() + "(...)");
        }
        List<Integer> shape = new ArrayList<>();
        for (Expression arg : call.getArguments()) shape.add(dim(arg, true));
        inputs.put(name, new Model.InputDecl(name, shape, at));
    }

    // paramField: 'Param' NAME '=' initializer '(' number* dim* ')' ';'

    private void paramField(String name, Expression init, SourcePos at) {
        declare(name, at);
        params.put(name, paramDecl(name, init, at));
    }

    // paramArrayField: 'Param' '[' ']' NAME '=' ('{' initializer (',' initializer)* '}' | 'repeat' '(' constant ',' initializer ')') ';'
    //   elements are parameters named NAME[0], NAME[1], ...

    private void paramArrayField(String name, Expression init, SourcePos at) {
        declare(name, at);
        List<Expression> elements = new ArrayList<>();
        if (init instanceof ArrayInitializerExpr list) {
            elements.addAll(list.getValues());
        } else if (init instanceof MethodCallExpr call && call.getScope().isEmpty() && call.getNameAsString().equals("repeat")
                && call.getArguments().size() == 2) {
            Expr.Num count = constant(call.getArgument(0), Scope.NONE);
            if (!count.integral() || count.value() < 1 || count.value() > MAX_UNROLL) {
                throw error(pos(call.getArgument(0)), "repeat needs a positive int count, at most " + MAX_UNROLL);
            }
            for (int i = 0; i < (int) count.value(); i++) elements.add(call.getArgument(1));
        } else {
            throw error(pos(init), "a parameter array is declared as `Param[] " + name + " = repeat(N, zeros(...));` "
                    + "or `Param[] " + name + " = { zeros(...), ... };`");
        }
        if (elements.isEmpty()) throw error(pos(init), "a parameter array needs at least one element");
        for (int i = 0; i < elements.size(); i++) {
            String element = name + "[" + i + "]";
            params.put(element, paramDecl(element, elements.get(i), pos(elements.get(i))));
        }
        paramArrays.put(name, elements.size());
    }

    private Model.ParamDecl paramDecl(String name, Expression init, SourcePos at) {
        String known = Arrays.stream(Initializer.values()).map(i -> i.functionName).collect(Collectors.joining(", "));
        MethodCallExpr call = fieldCall(init, "a parameter is declared with an initializer, one of " + known);
        Initializer initializer = Initializer.byName(call.getNameAsString());
        if (initializer == null) {
            throw error(pos(call.getName()), "unknown initializer '" + call.getNameAsString() + "'; known initializers: " + known);
        }
        NodeList<Expression> args = call.getArguments();
        int scalars = initializer.scalars.size();
        if (args.size() < scalars) {
            throw error(pos(call.getName()), initializer.functionName + " needs " + String.join(", ", initializer.scalars)
                    + " before the shape, as in " + initializer.functionName + "(" + String.join(", ", initializer.scalars) + ", dims...)");
        }
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < scalars; i++) values.add(constant(args.get(i), Scope.NONE).value());
        List<Integer> shape = new ArrayList<>();
        for (int i = scalars; i < args.size(); i++) shape.add(dim(args.get(i), false));
        if (initializer.needsFans() && shape.size() < 2) {
            throw error(pos(call.getName()), initializer.functionName + " scales by fan-in and fan-out and needs a weight "
                    + "of at least 2 dimensions, got " + shape.size());
        }
        return new Model.ParamDecl(name, initializer, values, shape, at);
    }

    // optimizerField: 'Optimizer' NAME '=' NAME '(' constant* ')' ';'

    private void optimizerField(String name, Expression init, SourcePos at) {
        declare(name, at);
        MethodCallExpr call = fieldCall(init, "an optimizer is declared as `Optimizer " + name + " = sgd(0.1);`");
        if (optimizer != null) throw error(at, "a model has one optimizer; another is declared at line " + optimizer.pos().line());
        List<Expr> args = new ArrayList<>();
        for (Expression arg : call.getArguments()) args.add(constant(arg, Scope.NONE));
        optimizer = new Model.OptimizerDecl(call.getNameAsString(), args, pos(call.getName()));
    }

    // clipField: 'Clip' NAME '=' NAME '(' constant* ')' ';'

    private void clipField(String name, Expression init, SourcePos at) {
        declare(name, at);
        MethodCallExpr call = fieldCall(init, "gradient clipping is declared as `Clip " + name + " = clipNorm(1.0);`");
        List<Expr> args = new ArrayList<>();
        for (Expression arg : call.getArguments()) args.add(constant(arg, Scope.NONE));
        clips.add(new Model.ClipDecl(call.getNameAsString(), args, pos(call.getName())));
    }

    private MethodCallExpr fieldCall(Expression init, String expected) {
        if (init instanceof MethodCallExpr call && call.getScope().isEmpty() && call.getTypeArguments().isEmpty()) return call;
        throw error(pos(init), expected);
    }

    /** A positive int constant, or {@code batch} ({@link dev.gradc.runtime.TensorInfo#BATCH}) where allowed. */
    private int dim(Expression e, boolean batchAllowed) {
        if (e instanceof NameExpr n && n.getNameAsString().equals(BATCH) && !constants.containsKey(BATCH)) {
            if (!batchAllowed) throw error(pos(e), "a parameter's shape is fixed: batch is not allowed here");
            return dev.gradc.runtime.TensorInfo.BATCH;
        }
        Expr.Num n = constant(e, Scope.NONE);
        if (!n.integral()) throw error(pos(e), "a dimension must be an int, got " + n.value());
        if (n.value() < 1) throw error(pos(e), "a dimension must be positive, got " + (long) n.value());
        return (int) n.value();
    }

    /** An expression that must fold to a number. */
    private Expr.Num constant(Expression e, Scope scope) {
        Expr value = expression(e, scope);
        if (value instanceof Expr.Num n) return n;
        throw error(pos(e), "expected a constant number here");
    }

    // method: 'Tensor' NAME '(' ('Tensor' NAME (',' 'Tensor' NAME)*)? ')' block

    private void methodSignature(MethodDeclaration m) {
        if (signatureChecked.contains(m)) return;
        if (!m.getModifiers().isEmpty()) throw unsupported(m.getModifiers().get(0), "'" + m.getModifiers().get(0).getKeyword().asString() + "' modifier");
        if (!m.getAnnotations().isEmpty()) throw unsupported(m.getAnnotation(0), "annotation");
        if (!m.getTypeParameters().isEmpty()) throw unsupported(m.getTypeParameter(0), "type parameter");
        if (!m.getThrownExceptions().isEmpty()) throw unsupported(m.getThrownException(0), "throws clause");
        if (!m.getType().asString().equals("Tensor")) {
            throw error(pos(m.getType()), "a method returns Tensor, not " + m.getType().asString());
        }
        if (m.getReceiverParameter().isPresent()) throw unsupported(m.getReceiverParameter().get(), "receiver parameter");
        for (Parameter p : m.getParameters()) {
            if (!p.getAnnotations().isEmpty()) throw unsupported(p.getAnnotation(0), "annotation");
            for (Modifier mod : p.getModifiers()) {
                if (mod.getKeyword() != Modifier.Keyword.FINAL) throw unsupported(mod, "'" + mod.getKeyword().asString() + "' modifier");
            }
            if (!p.getType().asString().equals("Tensor") || p.isVarArgs()) {
                throw error(pos(p.getType()), "a method parameter is a Tensor, not " + p.getType().asString() + (p.isVarArgs() ? "..." : ""));
            }
            if (p.getNameAsString().equals(BATCH)) throw error(pos(p.getName()), "'batch' is reserved for the batch dimension");
        }
        if (m.getBody().isEmpty()) throw error(pos(m.getName()), "method '" + m.getNameAsString() + "' needs a body");
        signatureChecked.add(m);
    }

    /**
     * Elaborates a call of method {@code m}: its body with the parameters bound to {@code args}.
     * Methods are pure, so a call with the same arguments is the same value: sharing it
     * keeps the expression a DAG, and keeps helpers that call helpers twice from growing exponentially.
     */
    private Expr inlineCall(MethodDeclaration m, List<Expr> args, SourcePos at, boolean checkedArity) {
        String name = m.getNameAsString();
        if (inlining.contains(name)) throw error(at, "recursive call to '" + name + "'");
        CallKey key = checkedArity ? new CallKey(m, args) : null;
        Expr known = key == null ? null : inlined.get(key);
        if (known != null) return known;
        step(at);
        Scope scope = new Scope(null);
        for (int i = 0; i < m.getParameters().size(); i++) {
            Parameter p = m.getParameter(i);
            // A body checked without a call binds parameters to themselves: a placeholder input.
            Expr value = checkedArity ? args.get(i) : new Expr.InputRef(p.getNameAsString(), pos(p.getName()));
            if (!scope.define(p.getNameAsString(), value)) {
                throw error(pos(p.getName()), "'" + p.getNameAsString() + "' is already a parameter of '" + name + "'");
            }
        }
        inlining.push(name);
        try {
            Expr value = block(m, m.getBody().get(), scope);
            if (key != null) inlined.put(key, value);
            return value;
        } finally {
            inlining.pop();
        }
    }

    // block: '{' statement* returnStatement '}'

    private Expr block(MethodDeclaration m, BlockStmt body, Scope scope) {
        Expr result = statements(body.getStatements(), scope, true);
        if (result == null) throw error(pos(m.getName()), "method '" + m.getNameAsString() + "' must end with a return statement");
        return result;
    }

    // statement: localDeclaration | assignment | forStatement | '{' statement* '}' | returnStatement

    private Expr statements(List<Statement> list, Scope scope, boolean returnAllowed) {
        Expr result = null;
        for (Statement s : list) {
            if (result != null) throw error(pos(s), "unreachable statement after return");
            step(pos(s));
            if (s instanceof ReturnStmt r) {
                if (!returnAllowed) throw error(pos(r), "return only at the end of a method, not inside a loop or block");
                if (r.getExpression().isEmpty()) throw error(pos(r), "return needs a value");
                result = expression(r.getExpression().get(), scope);
            } else if (s instanceof ExpressionStmt es && es.getExpression() instanceof VariableDeclarationExpr decl) {
                localDeclaration(decl, scope);
            } else if (s instanceof ExpressionStmt es && es.getExpression() instanceof AssignExpr assign) {
                assignment(assign, scope);
            } else if (s instanceof ForStmt loop) {
                forStatement(loop, scope);
            } else if (s instanceof BlockStmt inner) {
                statements(inner.getStatements(), new Scope(scope), false);
            } else {
                throw unsupported(s, describe(s));
            }
        }
        return result;
    }

    // assignment: NAME ('=' | '+=' | '-=' | '*=' | '/=') expression ';'   only locals are reassigned

    private void assignment(AssignExpr a, Scope scope) {
        if (!(a.getTarget() instanceof NameExpr target)) throw unsupported(a.getTarget(), "assignment to " + describe(a.getTarget()));
        String name = target.getNameAsString();
        String type = scope.typeOf(name);
        if (type == null) {
            throw error(pos(target), "cannot assign to '" + name + "': only local variables of a method can be reassigned");
        }
        if (type.equals(LOOP)) throw error(pos(target), "the loop variable '" + name + "' changes only in the for statement's update");
        Expr value = expression(a.getValue(), scope);
        SourcePos at = pos(a);
        switch (a.getOperator()) {
            case ASSIGN: break;
            case PLUS: value = arithmetic("add", scope.lookup(name), value, at); break;
            case MINUS: value = arithmetic("sub", scope.lookup(name), value, at); break;
            case MULTIPLY: value = arithmetic("mul", scope.lookup(name), value, at); break;
            case DIVIDE: value = arithmetic("div", scope.lookup(name), value, at); break;
            default: throw unsupported(a, "'" + a.getOperator().asString() + "' assignment");
        }
        scope.assign(name, typed(type, name, value, a.getValue()));
    }

    // forStatement: 'for' '(' 'int' NAME '=' constant ';' NAME compare constant ';' update ')' statement
    //   unrolled at compile time; update: NAME '++' | NAME '--' | NAME '+=' constant | NAME '-=' constant

    private void forStatement(ForStmt f, Scope outer) {
        if (f.getInitialization().size() != 1 || !(f.getInitialization().get(0) instanceof VariableDeclarationExpr init)
                || init.getVariables().size() != 1 || !init.getVariable(0).getTypeAsString().equals("int")
                || init.getVariable(0).getInitializer().isEmpty()) {
            throw error(pos(f), "a for loop counts with one int: for (int i = 0; i < N; i++)");
        }
        String counter = init.getVariable(0).getNameAsString();
        if (outer.lookup(counter) != null) throw error(pos(init.getVariable(0).getName()), "'" + counter + "' is already defined in this method");
        Scope loop = new Scope(outer);
        Expr.Num start = constant(init.getVariable(0).getInitializer().get(), outer);
        if (!start.integral()) throw error(pos(init.getVariable(0).getInitializer().get()), "the loop counter starts at an int");
        loop.define(counter, LOOP, start);

        if (f.getCompare().isEmpty() || !(f.getCompare().get() instanceof BinaryExpr compare)
                || !(compare.getLeft() instanceof NameExpr left) || !left.getNameAsString().equals(counter)) {
            throw error(pos(f), "a for loop's condition compares its counter with a constant: " + counter + " < N");
        }
        long limit = (long) constant(compare.getRight(), outer).value();
        long step = loopStep(f, counter, outer);
        long value = (long) start.value();
        List<Statement> body = f.getBody() instanceof BlockStmt b ? b.getStatements() : List.of(f.getBody());
        int iterations = 0;
        while (holds(compare.getOperator(), value, limit, compare)) {
            if (++iterations > MAX_UNROLL) throw error(pos(f), "this loop runs more than " + MAX_UNROLL + " times; loops are unrolled when compiling");
            step(pos(f));
            statements(body, new Scope(loop), false);
            value += step;
            loop.assign(counter, new Expr.Num(value, true, start.pos()));
        }
    }

    private long loopStep(ForStmt f, String counter, Scope scope) {
        if (f.getUpdate().size() == 1) {
            Expression u = f.getUpdate().get(0);
            if (u instanceof UnaryExpr unary && unary.getExpression() instanceof NameExpr n && n.getNameAsString().equals(counter)) {
                if (unary.getOperator() == UnaryExpr.Operator.POSTFIX_INCREMENT || unary.getOperator() == UnaryExpr.Operator.PREFIX_INCREMENT) return 1;
                if (unary.getOperator() == UnaryExpr.Operator.POSTFIX_DECREMENT || unary.getOperator() == UnaryExpr.Operator.PREFIX_DECREMENT) return -1;
            }
            if (u instanceof AssignExpr a && a.getTarget() instanceof NameExpr n && n.getNameAsString().equals(counter)) {
                Expr.Num by = constant(a.getValue(), scope);
                if (by.integral() && by.value() != 0) {
                    if (a.getOperator() == AssignExpr.Operator.PLUS) return (long) by.value();
                    if (a.getOperator() == AssignExpr.Operator.MINUS) return -(long) by.value();
                }
            }
        }
        throw error(pos(f), "a for loop's update steps its counter by a constant: " + counter + "++, " + counter + "--, "
                + counter + " += k or " + counter + " -= k");
    }

    private boolean holds(BinaryExpr.Operator op, long value, long limit, BinaryExpr at) {
        switch (op) {
            case LESS: return value < limit;
            case LESS_EQUALS: return value <= limit;
            case GREATER: return value > limit;
            case GREATER_EQUALS: return value >= limit;
            case NOT_EQUALS: return value != limit;
            default: throw error(operatorPos(at), "a for loop's condition is <, <=, >, >= or !=");
        }
    }

    // localDeclaration: ('Tensor' | 'int' | 'double') NAME '=' expression (',' NAME '=' expression)* ';'

    private void localDeclaration(VariableDeclarationExpr decl, Scope scope) {
        for (Modifier mod : decl.getModifiers()) {
            if (mod.getKeyword() != Modifier.Keyword.FINAL) throw unsupported(mod, "'" + mod.getKeyword().asString() + "' modifier");
        }
        if (!decl.getAnnotations().isEmpty()) throw unsupported(decl.getAnnotation(0), "annotation");
        for (VariableDeclarator v : decl.getVariables()) {
            String type = v.getTypeAsString();
            String name = v.getNameAsString();
            if (!type.equals("Tensor") && !type.equals("int") && !type.equals("double")) {
                throw error(pos(v.getType()), "a local variable is a Tensor, int or double, not " + type);
            }
            if (v.getInitializer().isEmpty()) throw error(pos(v.getName()), "'" + name + "' needs a value");
            if (name.equals(BATCH)) throw error(pos(v.getName()), "'batch' is reserved for the batch dimension");
            if (scope.lookup(name) != null) throw error(pos(v.getName()), "'" + name + "' is already defined in this method");
            Expr value = typed(type, name, expression(v.getInitializer().get(), scope), v.getInitializer().get());
            scope.define(name, type, value);
        }
    }

    /** Checks a value against a local's declared type: int and double locals hold constants. */
    private Expr typed(String type, String name, Expr value, Expression source) {
        if (type.equals("Tensor")) return value;
        if (!(value instanceof Expr.Num n)) throw error(pos(source), "'" + name + "' is declared " + type + " but its value is not a constant");
        if (type.equals("int") && !n.integral()) throw error(pos(source), "'" + name + "' is declared int but its value is not an int");
        return type.equals("double") ? new Expr.Num(n.value(), false, n.pos()) : n;
    }

    // expression: literal | NAME | '(' expression ')' | '-' expression | expression op expression | call

    private Expr expression(Expression e, Scope scope) {
        if (e instanceof EnclosedExpr enclosed) return expression(enclosed.getInner(), scope);
        if (e instanceof IntegerLiteralExpr i) return new Expr.Num(intLiteral(i, false), true, pos(e));
        if (e instanceof DoubleLiteralExpr d) {
            if (d.getValue().endsWith("f") || d.getValue().endsWith("F")) throw unsupported(e, "float literal (write " + d.getValue().replaceAll("[fF]$", "") + ")");
            double value;
            try {
                value = Double.parseDouble(d.getValue().replace("_", ""));
            } catch (NumberFormatException bad) {
                throw error(pos(e), "malformed number '" + d.getValue() + "'");
            }
            if (Double.isInfinite(value)) throw error(pos(e), "double literal out of range: " + d.getValue());
            return new Expr.Num(value, false, pos(e));
        }
        if (e instanceof NameExpr n) return name(n.getNameAsString(), pos(e), scope);
        if (e instanceof com.github.javaparser.ast.expr.BooleanLiteralExpr b) return new Expr.Bool(b.getValue(), pos(e));
        if (e instanceof UnaryExpr u) return unary(u, scope);
        if (e instanceof BinaryExpr b) return binary(b, scope);
        if (e instanceof MethodCallExpr call) return call(call, scope);
        if (e instanceof ArrayAccessExpr access) return arrayElement(access, scope);
        if (e instanceof FieldAccessExpr field && field.getNameAsString().equals("length")
                && field.getScope() instanceof NameExpr array && paramArrays.containsKey(array.getNameAsString())) {
            return new Expr.Num(paramArrays.get(array.getNameAsString()), true, pos(e));
        }
        throw unsupported(e, describe(e));
    }

    // arrayElement: NAME '[' constant ']'   an element of a Param[] array

    private Expr arrayElement(ArrayAccessExpr access, Scope scope) {
        if (!(access.getName() instanceof NameExpr array) || !paramArrays.containsKey(array.getNameAsString())) {
            throw error(pos(access.getName()), "only Param[] arrays can be indexed");
        }
        String name = array.getNameAsString();
        Expr.Num index = constant(access.getIndex(), scope);
        int size = paramArrays.get(name);
        if (!index.integral() || index.value() < 0 || index.value() >= size) {
            throw error(pos(access.getIndex()), "index " + (index.integral() ? Long.toString((long) index.value()) : Double.toString(index.value()))
                    + " is outside " + name + " (" + size + " elements)");
        }
        return new Expr.ParamRef(name + "[" + (long) index.value() + "]", pos(access));
    }

    private Expr name(String name, SourcePos at, Scope scope) {
        Expr local = scope.lookup(name);
        if (local != null) return local;
        Model.Constant c = constants.get(name);
        if (c != null) return new Expr.Num(c.value(), c.integral(), at);
        if (inputs.containsKey(name)) return new Expr.InputRef(name, at);
        if (params.containsKey(name)) return new Expr.ParamRef(name, at);
        if (name.equals(BATCH)) return new Expr.Batch(at);
        if (failed.contains(name)) throw new FailedName();
        if (methods.containsKey(name)) throw error(at, "'" + name + "' is a method; call it as " + name + "(...)");
        if (paramArrays.containsKey(name)) throw error(at, "'" + name + "' is an array of parameters; index it, as in " + name + "[0]");
        List<String> known = new ArrayList<>(scope.names());
        known.addAll(constants.keySet());
        known.addAll(inputs.keySet());
        known.addAll(params.keySet());
        known.add(BATCH);
        throw error(at, "unknown name '" + name + "'" + Suggestions.didYouMean(name, known));
    }

    /**
     * An int literal with Java's rules: decimal up to 2147483647 (2147483648 only after a minus),
     * hex, octal and binary up to 32 bits, which may wrap to negative.
     */
    private int intLiteral(IntegerLiteralExpr literal, boolean negated) {
        String text = literal.getValue().replace("_", "");
        String lower = text.toLowerCase();
        int radix = lower.startsWith("0x") ? 16 : lower.startsWith("0b") ? 2 : lower.length() > 1 && lower.startsWith("0") ? 8 : 10;
        String digits = radix == 16 || radix == 2 ? text.substring(2) : radix == 8 ? text.substring(1) : text;
        java.math.BigInteger value;
        try {
            value = new java.math.BigInteger(digits, radix);
        } catch (NumberFormatException bad) {
            throw error(pos(literal), "malformed int literal '" + literal.getValue() + "'");
        }
        if (radix != 10 && value.bitLength() <= 32) return negated ? -value.intValue() : value.intValue();
        long limit = negated ? 1L << 31 : Integer.MAX_VALUE;
        if (radix != 10 || value.bitLength() > 32 || value.longValue() > limit) {
            throw error(pos(literal), "int literal out of range: " + literal.getValue());
        }
        return negated ? (int) -value.longValue() : value.intValue();
    }

    private Expr unary(UnaryExpr u, Scope scope) {
        if (u.getOperator() == UnaryExpr.Operator.MINUS && u.getExpression() instanceof IntegerLiteralExpr literal) {
            return new Expr.Num(intLiteral(literal, true), true, pos(u)); // -2147483648 is an int, its magnitude alone is not
        }
        Expr x = expression(u.getExpression(), scope);
        switch (u.getOperator()) {
            case PLUS:
                return x;
            case MINUS:
                if (x instanceof Expr.Num n) {
                    if (n.integral() && n.value() == Integer.MIN_VALUE) throw error(pos(u), "int constant overflows: " + -(long) n.value());
                    return new Expr.Num(-n.value(), n.integral(), pos(u));
                }
                return operation("neg", List.of(x), pos(u));
            default:
                throw unsupported(u, "'" + u.getOperator().asString() + "' operator");
        }
    }

    private Expr binary(BinaryExpr b, Scope scope) {
        String function;
        switch (b.getOperator()) {
            case PLUS: function = "add"; break;
            case MINUS: function = "sub"; break;
            case MULTIPLY: function = "mul"; break;
            case DIVIDE: function = "div"; break;
            case REMAINDER: function = "rem"; break;
            case GREATER: function = "gt"; break;
            case GREATER_EQUALS: function = "ge"; break;
            case LESS: function = "lt"; break;
            case LESS_EQUALS: function = "le"; break;
            case EQUALS: function = "eq"; break;
            case NOT_EQUALS: function = "ne"; break;
            default: throw error(operatorPos(b), "unsupported Java construct: '" + b.getOperator().asString() + "' operator");
        }
        Expr left = expression(b.getLeft(), scope), right = expression(b.getRight(), scope);
        SourcePos at = operatorPos(b);
        if (left instanceof Expr.Num l && right instanceof Expr.Num r && fold(function, l, r, at) instanceof Expr.Num n) return n;
        if (function.equals("rem")) throw error(at, "'%' works on constants only");
        return operation(function, List.of(left, right), at);
    }

    /** {@code l op r} as the binary operator would build it (constants folded). */
    private Expr arithmetic(String function, Expr l, Expr r, SourcePos at) {
        if (l instanceof Expr.Num a && r instanceof Expr.Num b && fold(function, a, b, at) instanceof Expr.Num n) return n;
        return operation(function, List.of(l, r), at);
    }

    /** Java's arithmetic on constants: int op int stays int (division truncates), else double. Comparisons stay calls. */
    private Expr fold(String function, Expr.Num l, Expr.Num r, SourcePos at) {
        if (!List.of("add", "sub", "mul", "div", "rem").contains(function)) return null;
        boolean ints = l.integral() && r.integral();
        double a = l.value(), b = r.value();
        if (ints && b == 0 && (function.equals("div") || function.equals("rem"))) throw error(at, "division by zero in a constant");
        double v;
        switch (function) {
            case "add": v = a + b; break;
            case "sub": v = a - b; break;
            case "mul": v = a * b; break;
            case "div": v = ints ? (long) a / (long) b : a / b; break;
            default: v = ints ? (long) a % (long) b : a % b; break;
        }
        if (ints && v != (int) v) throw error(at, "int constant overflows: " + (long) v);
        return new Expr.Num(v, ints, at);
    }

    // call: NAME '(' (expression (',' expression)*)? ')'   a helper is inlined, a built-in kept

    private Expr call(MethodCallExpr call, Scope scope) {
        if (call.getScope().isPresent()) throw unsupported(call, "method call on a receiver (" + call.getScope().get() + "." + call.getNameAsString() + ")");
        if (call.getTypeArguments().isPresent()) throw unsupported(call, "type arguments");
        SourcePos at = pos(call.getName());
        List<Expr> args = new ArrayList<>();
        for (Expression arg : call.getArguments()) args.add(expression(arg, scope));
        if (failed.contains(call.getNameAsString())) throw new FailedName();
        MethodDeclaration m = methods.get(call.getNameAsString());
        if (m == null) return operation(call.getNameAsString(), args, at);
        methodSignature(m);
        if (args.size() != m.getParameters().size()) {
            throw error(at, "wrong number of arguments to '" + m.getNameAsString() + "': expected "
                    + m.getParameters().size() + ", got " + args.size());
        }
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i) instanceof Expr.Batch) throw error(args.get(i).pos(), "batch is a dimension, not a tensor");
        }
        return inlineCall(m, args, at, true);
    }

    /** A built-in call or operator, counted against the model's limit. */
    private Expr operation(String function, List<Expr> args, SourcePos at) {
        if (++operations > MAX_OPERATIONS) {
            throw error(at, "the model elaborates to more than " + MAX_OPERATIONS + " operations (helpers inlined, loops "
                    + "unrolled); that is more than gradc compiles");
        }
        return new Expr.Call(function, args, at);
    }

    /** One statement, loop iteration or inlined call, counted against the model's limit. */
    private void step(SourcePos at) {
        if (++steps > MAX_STEPS) {
            throw error(at, "elaborating the model takes more than " + MAX_STEPS + " steps (statements of unrolled loops "
                    + "and inlined helpers, loop iterations and helper calls); loops are unrolled when compiling");
        }
    }

    // positions and errors

    private SourcePos pos(Node n) {
        return n.getBegin().map(ModelParser::pos).orElse(new SourcePos(1, 1));
    }

    private static SourcePos pos(Position p) {
        return new SourcePos(p.line, p.column);
    }

    /** The position of a binary expression's operator token, so errors point at the {@code +}. */
    private SourcePos operatorPos(BinaryExpr b) {
        JavaToken t = b.getLeft().getTokenRange().map(TokenRange::getEnd).flatMap(JavaToken::getNextToken).orElse(null);
        while (t != null && t.getCategory().isWhitespaceOrComment()) t = t.getNextToken().orElse(null);
        if (t != null && t.getRange().isPresent()) return pos(t.getRange().get().begin);
        return pos(b);
    }

    private CompileException error(SourcePos at, String message) {
        return new CompileException(source, at, message);
    }

    private CompileException unsupported(Node n, String what) {
        return error(pos(n), "unsupported Java construct: " + what);
    }

    /** "IfStmt" -> "if statement", "ConditionalExpr" -> "conditional expression"; types and class members by their Java names. */
    private static String describe(Node n) {
        if (n instanceof TypeDeclaration<?> t) {
            String kind = t instanceof ClassOrInterfaceDeclaration c ? (c.isInterface() ? "interface" : "class")
                    : t.isEnumDeclaration() ? "enum" : t.isRecordDeclaration() ? "record" : "annotation type";
            return t.isTopLevelType() ? kind : "nested " + kind;
        }
        if (n instanceof InitializerDeclaration init) return init.isStatic() ? "static initializer block" : "initializer block";
        if (n instanceof ConstructorDeclaration) return "constructor";
        String simple = n.getClass().getSimpleName().replaceAll("Stmt$", "Statement").replaceAll("Expr$", "Expression");
        return simple.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase();
    }
}
