package dev.gradc.compiler;

import dev.gradc.compiler.ir.Graph;
import dev.gradc.compiler.ir.GraphBuilder;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ir.Roles;
import dev.gradc.compiler.ir.Shape;
import dev.gradc.compiler.ops.Functions;
import dev.gradc.compiler.ops.Leaf;
import dev.gradc.compiler.ops.Optimizers;
import dev.gradc.dsl.CompileException;
import dev.gradc.dsl.Expr;
import dev.gradc.dsl.Model;
import dev.gradc.dsl.SourcePos;
import dev.gradc.dsl.Suggestions;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the forward graph of an elaborated model: leaves for inputs and parameters, one node per
 * built-in call (names resolved against {@link Functions}), the loss and the outputs. Then, after
 * autodiff, {@link #training} appends the optimizer's updates and those of gradient accumulation.
 * Expressions are walked with an explicit stack, so the depth of a model never meets the Java stack's.
 */
public final class ModelToGraph {
    /** The forward graph under construction: the builder to extend, and the forward roles. */
    public record Forward(GraphBuilder builder, Roles roles) {
        public Graph graph() {
            return builder.graph(roles);
        }
    }

    private final Model model;
    private final GraphBuilder b;
    private final Map<String, Node> inputs = new LinkedHashMap<>();
    private final Map<String, Node> params = new LinkedHashMap<>();
    /** Nodes already built for an expression, one map for the training graph and one for outputs. */
    private final Map<Expr, Node> builtForTraining = new IdentityHashMap<>(), builtForOutputs = new IdentityHashMap<>();
    private Map<Expr, Node> built = builtForTraining;
    /** Dropout is active in the loss (the training step) and the identity in outputs. */
    private boolean training = true;
    private int masks;
    /** Running statistics the training step updates outside the optimizer, by state name. */
    private final Map<String, Node> stateUpdates = new LinkedHashMap<>();
    /** State names by the parameter they are named after, and how many fell back to a number. */
    private final Map<String, Expr.Call> stateOwners = new LinkedHashMap<>();
    private int unnamedStates;
    private int minBatch = 1;

    private ModelToGraph(Model model) {
        this.model = model;
        this.b = new GraphBuilder(model.source(), model.name());
    }

    /** The forward graph: the loss (with dropout, and without: evalLoss) and the outputs. */
    public static Forward forward(Model model) {
        ModelToGraph m = new ModelToGraph(model);
        return new Forward(m.b, m.build());
    }

    private Roles build() {
        for (Model.InputDecl in : model.inputs()) {
            b.at(in.pos());
            inputs.put(in.name(), b.input(in.name(), shapeOf(in.shape())));
        }
        for (Model.ParamDecl p : model.params()) {
            b.at(p.pos());
            Leaf.Param param = new Leaf.Param(p.name(), p.init(), p.initArgs());
            params.put(p.name(), b.param(param, Shape.of(p.shape())));
        }
        if (model.loss() == null) {
            throw error(new SourcePos(1, 1), "model " + model.name() + " has no loss() method; "
                    + "declare `Tensor loss() { ... }` returning a scalar");
        }
        // The loss and each output are built on their own, so one run reports the errors of all.
        List<dev.gradc.dsl.Diagnostic> errors = new java.util.ArrayList<>();
        Node[] loss = new Node[1];
        Map<String, Node> outputs = new LinkedHashMap<>();
        collect(errors, () -> {
            loss[0] = tensor(model.loss());
            if (loss[0].shape.rank() != 0) {
                throw error(model.loss().pos(), "loss() must return a scalar, but returns a tensor of shape "
                        + loss[0].shape + "; reduce it with sum(...) or mean(...)");
            }
            for (Node n : b.graph(Roles.forward(loss[0], null, Map.of())).needed(List.of(loss[0]))) {
                if (n.op == dev.gradc.compiler.ops.ArgMax.OP) {
                    throw error(n.pos, "argmax is not differentiable: use it in an output, not in loss()");
                }
            }
        });
        training = false;
        built = builtForOutputs;
        for (Model.OutputDecl out : model.outputs()) collect(errors, () -> outputs.put(out.name(), tensor(out.value())));
        if (!errors.isEmpty()) throw new CompileException(errors);
        Roles forward = Roles.forward(loss[0], tensor(model.loss()), outputs).withMinBatch(minBatch);
        return stateUpdates.isEmpty() ? forward : forward.withUpdates(stateUpdates);
    }

    private static void collect(List<dev.gradc.dsl.Diagnostic> errors, Runnable part) {
        try {
            part.run();
        } catch (CompileException e) {
            for (dev.gradc.dsl.Diagnostic d : e.diagnostics()) if (!errors.contains(d)) errors.add(d);
        }
    }

    /**
     * The training roles, appended to the forward graph with its gradients: the declared optimizer's
     * updates of {@code step()} (after any clipping, whose gradients become the trainer's gradient
     * views), and gradient accumulation's {@code accumulate()} and {@code update()}.
     */
    public static Roles training(Model model, GraphBuilder b, Roles backward) {
        Optimizers.Result step = optimizer(model, b, backward.grads());
        // Running statistics (batch normalization) are updated by the forward pass itself: by step() and accumulate().
        Map<String, Node> updates = new LinkedHashMap<>(backward.updates());
        updates.putAll(step.updates());
        Roles roles = backward.withGrads(views(b, step.grads())).withUpdates(updates);
        return accumulation(model, b, backward.grads(), backward.updates(), roles);
    }

    /**
     * The gradients as the trainer shows them. A gradient that is itself a named buffer (in
     * {@code a*b}, a's gradient is b) is copied, so that its view keeps showing the step's gradient
     * after the optimizer has updated b, or the host has fed a new input.
     */
    private static Map<String, Node> views(GraphBuilder b, Map<String, Node> grads) {
        Map<String, Node> out = new LinkedHashMap<>();
        SourcePos at = b.pos();
        grads.forEach((param, g) -> {
            Node v = g;
            while (v.op == dev.gradc.compiler.ops.Reshape.OP) v = v.input(0);
            out.put(param, Leaf.isNamedBuffer(v) ? b.at(g.pos).detach(g) : g);
        });
        b.at(at);
        return out;
    }

    /** Appends the declared optimizer's hyper-parameters and its updates from {@code grads}. */
    private static Optimizers.Result optimizer(Model model, GraphBuilder b, Map<String, Node> grads) {
        Model.OptimizerDecl decl = model.optimizer();
        if (decl == null) {
            throw new CompileException(model.source(), new SourcePos(1, 1), "model " + model.name()
                    + " declares no optimizer; add one such as `Optimizer optimizer = sgd(0.1);`");
        }
        Optimizers.Optimizer opt = Optimizers.ALL.get(decl.function());
        if (opt == null) {
            throw new CompileException(model.source(), decl.pos(), "unknown optimizer '" + decl.function()
                    + "'" + Suggestions.didYouMean(decl.function(), Optimizers.ALL.keySet())
                    + "; known optimizers: " + String.join(", ", Optimizers.ALL.keySet()));
        }
        int n = decl.args().size();
        if (n < opt.required() || n > opt.hypers().size()) {
            throw new CompileException(model.source(), decl.pos(), "wrong number of arguments to '"
                    + opt.name() + "': expected " + range(opt.required(), opt.hypers().size()) + ", got " + n);
        }
        Map<String, Double> values = new LinkedHashMap<>();
        b.at(decl.pos());
        for (int i = 0; i < opt.hypers().size(); i++) {
            Optimizers.Hyper h = opt.hypers().get(i);
            double value = h.defaultValue();
            if (i < n) {
                if (!(decl.args().get(i) instanceof Expr.Num num)) {
                    throw new CompileException(model.source(), decl.args().get(i).pos(),
                            opt.name() + ": " + h.name() + " must be a number constant");
                }
                value = num.value();
            }
            values.put(h.name(), value);
        }
        List<Optimizers.Clip> clips = new java.util.ArrayList<>();
        for (Model.ClipDecl clip : model.clips()) clips.add(clip(model, clip, clips));
        try {
            return Optimizers.build(opt, values, clips, b, grads);
        } catch (IllegalArgumentException e) {
            throw new CompileException(model.source(), decl.pos(), e.getMessage());
        }
    }

    private static Optimizers.Clip clip(Model model, Model.ClipDecl clip, List<Optimizers.Clip> earlier) {
        if (!Optimizers.CLIPS.contains(clip.function())) {
            throw new CompileException(model.source(), clip.pos(), "unknown gradient clipping '" + clip.function() + "'"
                    + Suggestions.didYouMean(clip.function(), Optimizers.CLIPS) + "; expected clipNorm(maxNorm) or clipValue(limit)");
        }
        if (clip.args().size() != 1 || !(clip.args().get(0) instanceof Expr.Num limit)) {
            throw new CompileException(model.source(), clip.pos(), clip.function() + " takes one number constant, the limit");
        }
        if (!(limit.value() > 0)) {
            throw new CompileException(model.source(), clip.args().get(0).pos(), clip.function() + ": the limit must be positive, got "
                    + limit.value());
        }
        if (earlier.stream().anyMatch(c -> c.function().equals(clip.function()))) {
            throw new CompileException(model.source(), clip.pos(), clip.function() + " is declared twice");
        }
        return new Optimizers.Clip(clip.function(), limit.value(), clip.pos());
    }

    /** The accumulators' example count; the dot keeps it apart from every model name. */
    public static final String EXAMPLES = "accumulated.examples";

    /**
     * Gradient accumulation, for hosts that stream micro-batches: {@code accumulate()} adds each
     * parameter's gradient, weighted by the micro-batch's size, to a buffer {@code <param>.gradSum}
     * and counts the examples; {@code update()} runs the optimizer on {@code gradSum / examples},
     * which for a loss that is a mean over the batch is the gradient of one batch of all the
     * examples, and the trainer then zeroes the sums. {@code rawGradients} are the gradients before
     * clipping: clipping applies to the accumulated ones.
     */
    private static Roles accumulation(Model model, GraphBuilder b, Map<String, Node> rawGradients, Map<String, Node> running,
                                      Roles roles) {
        if (rawGradients.isEmpty()) return roles;
        Node size = b.count(dev.gradc.compiler.ir.Size.BATCH);
        Node examples = b.state(EXAMPLES, Shape.SCALAR);
        Map<String, Node> averaged = new LinkedHashMap<>(), sums = new LinkedHashMap<>();
        rawGradients.forEach((param, g) -> {
            Node sum = b.state(param + ".gradSum", g.shape);
            sums.put(param + ".gradSum", b.add(sum, b.mul(g, size)));
            averaged.put(param, b.div(sum, examples));
        });
        sums.put(EXAMPLES, b.add(examples, size));
        sums.putAll(running);
        // The optimizer once more, reading the averages; its updates become update()'s, and its
        // (clipped) gradients what update() leaves in the gradient views.
        Optimizers.Result apply = optimizer(model, b, averaged);
        return roles.withAccumulation(sums, apply.updates(), views(b, apply.grads()));
    }

    private static String range(int min, int max) {
        return min == max ? Integer.toString(min) : min + " to " + max;
    }

    private Shape shapeOf(List<Integer> dims) {
        return Shape.of(dims);
    }

    /**
     * The node of an expression, its arguments first (depth-first with an explicit stack: an
     * unrolled loop makes expressions thousands deep), each expression built once.
     */
    private Node tensor(Expr root) {
        java.util.Deque<Expr> stack = new java.util.ArrayDeque<>();
        java.util.Set<Expr> expanded = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        stack.push(root);
        while (!stack.isEmpty()) {
            Expr e = stack.peek();
            if (built.containsKey(e)) {
                stack.pop();
            } else if (e instanceof Expr.Call call && expanded.add(e)) {
                check(call);
                for (int i = call.args().size() - 1; i >= 0; i--) {
                    Expr arg = call.args().get(i);
                    if (isTensor(arg) && !built.containsKey(arg)) stack.push(arg);
                }
            } else {
                stack.pop();
                built.put(e, node(e));
            }
        }
        return built.get(root);
    }

    /** Arguments that are tensors, built before their call; numbers, batch and booleans are read by the function itself. */
    private static boolean isTensor(Expr arg) {
        return !(arg instanceof Expr.Num) && !(arg instanceof Expr.Batch) && !(arg instanceof Expr.Bool);
    }

    /** The node of {@code e}, whose tensor arguments are built. */
    private Node node(Expr e) {
        Node n;
        if (e instanceof Expr.Num num) {
            n = b.at(num.pos()).constant(num.value());
        } else if (e instanceof Expr.InputRef ref) {
            n = inputs.get(ref.name());
        } else if (e instanceof Expr.ParamRef ref) {
            n = params.get(ref.name());
        } else if (e instanceof Expr.Batch) {
            throw error(e.pos(), "batch is a dimension, not a tensor; it can appear only where a shape is expected");
        } else if (e instanceof Expr.Bool) {
            throw error(e.pos(), "true and false only say keepDims, as the last argument of a reduction");
        } else {
            Expr.Call call = (Expr.Call) e;
            b.at(call.pos()); // the call's own nodes carry its position
            n = check(call).build(new CallArgs(call));
        }
        return n;
    }

    /** The function a call names, its argument count checked. */
    private Functions.Function check(Expr.Call call) {
        Functions.Function f = Functions.ALL.get(call.function());
        if (f == null) {
            throw error(call.pos(), "unknown function '" + call.function() + "'" + Suggestions.didYouMean(call.function(), Functions.ALL.keySet()));
        }
        int n = call.args().size();
        if (n < f.minArgs() || n > f.maxArgs()) {
            throw error(call.pos(), "wrong number of arguments to '" + f.name() + "': expected "
                    + range(f.minArgs(), f.maxArgs()) + ", got " + n + " (" + f.signature() + ")");
        }
        return f;
    }

    private CompileException error(SourcePos pos, String message) {
        return new CompileException(model.source(), pos, message);
    }

    private final class CallArgs implements Functions.Args {
        private final Expr.Call call;

        CallArgs(Expr.Call call) {
            this.call = call;
        }

        @Override public GraphBuilder builder() { return b; }
        @Override public boolean training() { return training; }
        @Override public String newMaskName() { return "dropout" + masks++; }

        @Override
        public String stateName(int i, String fallback) {
            if (!(expr(i) instanceof Expr.ParamRef p)) return fallback + unnamedStates++;
            Expr.Call first = stateOwners.putIfAbsent(p.name(), call); // the same call again when outputs are built
            if (first != null && first != call) {
                throw error(i, call.function() + ": parameter '" + p.name() + "' already names the running statistics of the call at "
                        + first.pos() + "; each call keeps its own, named after its own parameter");
            }
            return p.name();
        }

        @Override
        public void updateState(String state, Node value) {
            if (training) stateUpdates.put(state, value);
        }

        @Override
        public void requireBatch(int minimum) {
            if (training) minBatch = Math.max(minBatch, minimum);
        }
        @Override public int count() { return call.args().size(); }
        @Override public Expr expr(int i) { return call.args().get(i); }

        @Override
        public Node tensor(int i) {
            Node n = ModelToGraph.this.tensor(expr(i));
            b.at(call.pos());
            return n;
        }

        @Override
        public double number(int i) {
            if (expr(i) instanceof Expr.Num num) return num.value();
            throw error(i, call.function() + ": argument " + (i + 1) + " must be a number constant");
        }

        @Override
        public int integer(int i) {
            if (expr(i) instanceof Expr.Num num && num.integral()) return (int) num.value();
            throw error(i, call.function() + ": argument " + (i + 1) + " must be an int constant");
        }

        @Override
        public int dim(int i) {
            if (expr(i) instanceof Expr.Batch) return Shape.BATCH;
            if (expr(i) instanceof Expr.Num num && num.integral() && num.value() >= 1) return (int) num.value();
            throw error(i, call.function() + ": argument " + (i + 1) + " must be a dimension "
                    + "(a positive int constant or batch)");
        }

        @Override
        public RuntimeException error(int i, String message) {
            return ModelToGraph.this.error(expr(i).pos(), message);
        }
    }
}
