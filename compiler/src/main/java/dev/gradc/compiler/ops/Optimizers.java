package dev.gradc.compiler.ops;

import dev.gradc.compiler.ir.GraphBuilder;
import dev.gradc.compiler.ir.Node;
import dev.gradc.compiler.ir.Shape;
import dev.gradc.dsl.SourcePos;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Optimizers compiled into the step, with PyTorch's hyper-parameters, defaults and update rules
 * (positional arguments in PyTorch's order, learning rate first). Each appends one in-place update
 * per parameter, and per state buffer it keeps (zero-initialized {@link Leaf#STATE} leaves).
 *
 * <p>Hyper-parameters are {@link Leaf#HYPER} leaves the host may change between steps, with one
 * exception each way: a term whose hyper-parameter is declared 0 (momentum, dampening, weight
 * decay, learning-rate decay) is compiled out, and that hyper-parameter does not exist at run
 * time, so plain {@code sgd(lr)} costs one multiply-add per weight and setting a hyper-parameter
 * that would do nothing is an error rather than silently ignored; {@code nesterov} is a
 * compile-time switch (0 or 1, the language has no booleans).
 */
public final class Optimizers {
    private Optimizers() {}

    /** How a hyper-parameter is compiled. */
    public enum Kind {
        /** Always a hyper leaf. */
        VALUE,
        /** A hyper leaf unless declared 0; then its term is left out. */
        OPTIONAL,
        /** 0 or 1, fixed at compile time. */
        SWITCH
    }

    public record Hyper(String name, double defaultValue, Kind kind) {}

    interface Rule {
        void build(Context c);
    }

    /** {@code required} leading hyper-parameters must be given; the rest default. */
    public record Optimizer(String name, int required, List<Hyper> hypers, Rule rule) {}

    public static final Map<String, Optimizer> ALL = new LinkedHashMap<>();

    private static void define(String name, int required, List<Hyper> hypers, Rule rule) {
        ALL.put(name, new Optimizer(name, required, hypers, rule));
    }

    private static Hyper value(String name, double defaultValue) {
        return new Hyper(name, defaultValue, Kind.VALUE);
    }

    private static Hyper optional(String name, double defaultValue) {
        return new Hyper(name, defaultValue, Kind.OPTIONAL);
    }

    /** Gradient clipping declared in the model: its kind (one of {@link #CLIPS}, also its hyper-parameter's name) and limit. */
    public record Clip(String function, double limit, SourcePos pos) {}

    public static final List<String> CLIPS = List.of("clipNorm", "clipValue");

    /** What an optimizer adds to a graph: the gradients it reads (after clipping) and its updates, by buffer name. */
    public record Result(Map<String, Node> grads, Map<String, Node> updates) {}

    /**
     * Appends {@code opt}'s updates to the graph for {@code grads} (parameter name to gradient),
     * given the declared value of every hyper-parameter (in declaration order, defaults filled in),
     * after clipping the gradients as {@code clips} say. Hyper-parameters that exist at run time
     * become {@link Leaf#HYPER} leaves holding their initial values. A value PyTorch would reject is
     * an IllegalArgumentException.
     */
    public static Result build(Optimizer opt, Map<String, Double> declared, List<Clip> clips, GraphBuilder b, Map<String, Node> grads) {
        Context c = new Context(opt.name(), declared, b, new LinkedHashMap<>(grads));
        for (Hyper h : opt.hypers()) {
            double v = declared.get(h.name());
            if (!(v >= 0)) throw c.error(h.name() + " must be at least 0, got " + v);
            if (h.kind() == Kind.SWITCH && v != 0 && v != 1) throw c.error(h.name() + " must be 0 or 1, got " + v);
            if (h.kind() == Kind.VALUE || (h.kind() == Kind.OPTIONAL && v != 0)) {
                c.values.put(h.name(), v);
                c.hypers.put(h.name(), b.hyper(h.name(), v));
            }
        }
        SourcePos at = b.pos();
        for (Clip clip : clips) {
            b.at(clip.pos());
            clip(b, clip.function(), b.hyper(clip.function(), clip.limit()), c.grads);
        }
        b.at(at);
        opt.rule().build(c);
        return new Result(c.grads, c.updates);
    }

    /**
     * Replaces the gradients by clipped ones, which the optimizer then reads and the trainer's
     * gradient views show (as after PyTorch's in-place clip_grad_norm_ / clip_grad_value_).
     */
    private static void clip(GraphBuilder b, String function, Node limit, Map<String, Node> grads) {
        if (function.equals("clipNorm")) {
            // By global norm, as torch.nn.utils.clip_grad_norm_ but without its 1e-6, so that the
            // clipped norm is exactly clipNorm (a zero norm gives clipNorm/0 = inf and a factor of 1):
            //   norm = sqrt(sum over parameters of sum(grad^2));   grad = grad * min(1, clipNorm/norm)
            Node squares = null;
            for (Node g : grads.values()) {
                Node s = b.sum(b.mul(g, g), java.util.stream.IntStream.range(0, g.shape.rank()).boxed().toList(), false);
                squares = squares == null ? s : b.add(squares, s);
            }
            if (squares == null) return;
            Node norm = sqrt(b, squares);
            Node factor = b.apply(Elementwise.MINIMUM_OP, b.constant(1), b.div(limit, norm));
            grads.replaceAll((name, g) -> b.mul(g, factor));
        } else {
            // By value, as torch.nn.utils.clip_grad_value_:   grad = min(max(grad, -clipValue), clipValue)
            Node low = b.neg(limit);
            grads.replaceAll((name, g) -> b.apply(Elementwise.MINIMUM_OP, b.maximum(g, low), limit));
        }
    }

    static {
        // SGD (torch.optim.SGD):
        //   g = grad + weightDecay*p
        //   buf = momentum*buf + (1 - dampening)*g        (buf = g on the first step)
        //   g = nesterov ? g + momentum*buf : buf
        //   p = p - lr*g
        define("sgd", 1, List.of(value("lr", 1e-3), optional("momentum", 0), optional("dampening", 0),
                optional("weightDecay", 0), new Hyper("nesterov", 0, Kind.SWITCH)), c -> {
            GraphBuilder b = c.b;
            boolean momentum = c.has("momentum"), nesterov = c.on("nesterov");
            if (nesterov && (!momentum || c.has("dampening"))) throw c.error("nesterov needs a momentum and zero dampening");
            Node gWeight = momentum && c.has("dampening") ? dampening(c) : b.constant(1);
            c.forEachParam((name, p, grad) -> {
                Node g = c.l2(p, grad);
                if (momentum) {
                    Node buf = b.add(b.mul(c.h("momentum"), c.state(name + ".momentum", p.shape)), b.mul(gWeight, g));
                    c.update(name + ".momentum", buf);
                    g = nesterov ? b.add(g, b.mul(c.h("momentum"), buf)) : buf;
                }
                c.update(name, b.sub(p, b.mul(c.h("lr"), g)));
            });
        });

        // Adam (torch.optim.Adam), t counting steps from 1:
        //   g = grad + weightDecay*p
        //   m = beta1*m + (1 - beta1)*g;   v = beta2*v + (1 - beta2)*g^2
        //   p = p - lr/(1 - beta1^t) * m / (sqrt(v)/sqrt(1 - beta2^t) + eps)
        define("adam", 0, List.of(value("lr", 1e-3), value("beta1", 0.9), value("beta2", 0.999), value("eps", 1e-8),
                optional("weightDecay", 0)), c -> adam(c, false));

        // AdamW (torch.optim.AdamW): weight decay decoupled from the gradient,
        //   p = p*(1 - lr*weightDecay), then Adam's step with g = grad
        define("adamW", 0, List.of(value("lr", 1e-3), value("beta1", 0.9), value("beta2", 0.999), value("eps", 1e-8),
                optional("weightDecay", 1e-2)), c -> adam(c, true));

        // RMSprop (torch.optim.RMSprop, not centered):
        //   g = grad + weightDecay*p
        //   v = alpha*v + (1 - alpha)*g^2;   d = g/(sqrt(v) + eps)
        //   buf = momentum*buf + d;   p = p - lr*buf          (p = p - lr*d without momentum)
        define("rmsprop", 0, List.of(value("lr", 1e-2), value("alpha", 0.99), value("eps", 1e-8),
                optional("weightDecay", 0), optional("momentum", 0)), c -> {
            GraphBuilder b = c.b;
            Node one = b.constant(1);
            c.forEachParam((name, p, grad) -> {
                Node g = c.l2(p, grad);
                Node v = b.add(b.mul(c.h("alpha"), c.state(name + ".avgSq", p.shape)), b.mul(b.sub(one, c.h("alpha")), b.mul(g, g)));
                c.update(name + ".avgSq", v);
                Node d = b.div(g, b.add(sqrt(b, v), c.h("eps")));
                if (c.has("momentum")) {
                    d = b.add(b.mul(c.h("momentum"), c.state(name + ".momentum", p.shape)), d);
                    c.update(name + ".momentum", d);
                }
                c.update(name, b.sub(p, b.mul(c.h("lr"), d)));
            });
        });

        // Adagrad (torch.optim.Adagrad, initial accumulator 0), t counting steps from 1:
        //   g = grad + weightDecay*p
        //   sum = sum + g^2
        //   p = p - lr/(1 + (t - 1)*lrDecay) * g/(sqrt(sum) + eps)
        define("adagrad", 0, List.of(value("lr", 1e-2), optional("lrDecay", 0), optional("weightDecay", 0),
                value("eps", 1e-10)), c -> {
            GraphBuilder b = c.b;
            Node lr = c.h("lr");
            if (c.has("lrDecay")) {
                Node t = c.counter("adagrad.t");
                lr = b.div(lr, b.add(b.constant(1), b.mul(b.sub(t, b.constant(1)), c.h("lrDecay"))));
            }
            Node clr = lr;
            c.forEachParam((name, p, grad) -> {
                Node g = c.l2(p, grad);
                Node sum = b.add(c.state(name + ".sumSq", p.shape), b.mul(g, g));
                c.update(name + ".sumSq", sum);
                c.update(name, b.sub(p, b.mul(clr, b.div(g, b.add(sqrt(b, sum), c.h("eps"))))));
            });
        });
    }

    /**
     * SGD's weight on g in the momentum buffer: 1 - dampening, except 1 on the first step, which
     * copies g into the buffer. A scalar state {@code sgd.started} is 0 during that step, 1 after.
     */
    private static Node dampening(Context c) {
        GraphBuilder b = c.b;
        Node started = c.state("sgd.started", Shape.SCALAR);
        // started*0 + 1 rather than the constant 1: an update is a value computed by the step.
        c.update("sgd.started", b.add(b.mul(started, b.constant(0)), b.constant(1)));
        return b.sub(b.constant(1), b.mul(c.h("dampening"), started));
    }

    private static void adam(Context c, boolean decoupled) {
        GraphBuilder b = c.b;
        for (String beta : List.of("beta1", "beta2")) {
            if (c.values.get(beta) >= 1) throw c.error(beta + " must be below 1, got " + c.values.get(beta));
        }
        Node one = b.constant(1), lr = c.h("lr"), beta1 = c.h("beta1"), beta2 = c.h("beta2");
        Node t = c.counter(c.name + ".t");
        // 1 - beta^t with the current beta, as PyTorch computes it: Math.pow, one rounding,
        // exact for any t (exp(t*log(beta)) would lose ulps as t grows).
        Node correction1 = b.sub(one, b.powt(beta1, t));
        Node correction2 = b.sub(one, b.powt(beta2, t));
        Node stepSize = b.div(lr, correction1);
        Node correction2Sqrt = sqrt(b, correction2);
        Node keep = decoupled && c.has("weightDecay") ? b.sub(one, b.mul(lr, c.h("weightDecay"))) : one;
        c.forEachParam((name, p, grad) -> {
            Node g = decoupled ? grad : c.l2(p, grad);
            Node m = b.add(b.mul(beta1, c.state(name + ".avg", p.shape)), b.mul(b.sub(one, beta1), g));
            Node v = b.add(b.mul(beta2, c.state(name + ".avgSq", p.shape)), b.mul(b.sub(one, beta2), b.mul(g, g)));
            c.update(name + ".avg", m);
            c.update(name + ".avgSq", v);
            Node denominator = b.add(b.div(sqrt(b, v), correction2Sqrt), c.h("eps"));
            c.update(name, b.sub(b.mul(p, keep), b.mul(stepSize, b.div(m, denominator))));
        });
    }

    private static Node sqrt(GraphBuilder b, Node x) {
        return b.apply(Elementwise.SQRT_OP, x);
    }

    interface ParamRule {
        void build(String name, Node param, Node grad);
    }

    /** An optimizer being compiled: its hyper-parameters, state and updates. */
    static final class Context {
        final String name;
        final GraphBuilder b;
        final Map<String, Double> declared;
        /** Hyper-parameters that exist at run time, with their initial values and leaves. */
        final Map<String, Double> values = new LinkedHashMap<>();
        final Map<String, Node> hypers = new LinkedHashMap<>();
        /** The gradients the updates read (clipped in place of the raw ones), and the updates by buffer name. */
        final Map<String, Node> grads;
        final Map<String, Node> updates = new LinkedHashMap<>();

        Context(String name, Map<String, Double> declared, GraphBuilder b, Map<String, Node> grads) {
            this.name = name;
            this.declared = declared;
            this.b = b;
            this.grads = grads;
        }

        /** A run-time hyper-parameter. */
        Node h(String hyper) {
            Node n = hypers.get(hyper);
            if (n == null) throw new IllegalStateException(name + " has no run-time hyper-parameter " + hyper);
            return n;
        }

        /** Whether an optional hyper-parameter was declared non-zero, so its term is compiled in. */
        boolean has(String hyper) {
            return hypers.containsKey(hyper);
        }

        /** A compile-time switch. */
        boolean on(String hyper) {
            return declared.get(hyper) != 0;
        }

        Node state(String stateName, Shape shape) {
            return b.state(stateName, shape);
        }

        /** A scalar state counting steps: returns its new value, 1 during the first step. */
        Node counter(String stateName) {
            Node t = b.add(state(stateName, Shape.SCALAR), b.constant(1));
            update(stateName, t);
            return t;
        }

        void update(String leaf, Node value) {
            updates.put(leaf, value);
        }

        /** PyTorch's (coupled) weight decay: grad + weightDecay*p, or grad when it is compiled out. */
        Node l2(Node p, Node grad) {
            return has("weightDecay") ? b.add(grad, b.mul(h("weightDecay"), p)) : grad;
        }

        /** Every parameter that has a gradient, in declaration order. */
        void forEachParam(ParamRule rule) {
            Map<String, Node> params = new LinkedHashMap<>();
            for (Node p : b.nodes()) if (p.op == Leaf.PARAM) params.put(Leaf.bufferName(p), p);
            new LinkedHashMap<>(grads).forEach((param, grad) -> rule.build(param, params.get(param), grad));
        }

        IllegalArgumentException error(String message) {
            return new IllegalArgumentException(name + ": " + message);
        }
    }
}
