package dev.gradc.dsl;

import dev.gradc.runtime.internal.Initializer;
import java.util.List;

/** A checked, elaborated model file: what the compiler builds its graph from. */
public record Model(
        Source source,
        String name,
        List<Constant> constants,
        List<InputDecl> inputs,
        List<ParamDecl> params,
        Expr loss,
        List<OutputDecl> outputs,
        OptimizerDecl optimizer,
        List<ClipDecl> clips) {

    /** {@code static final int HIDDEN = 16;} */
    public record Constant(String name, double value, boolean integral, SourcePos pos) {}

    /** {@code Input x = input(batch, 2);} */
    /** The shape's dimensions, {@link dev.gradc.runtime.TensorInfo#BATCH} standing for {@code batch}. */
    public record InputDecl(String name, List<Integer> shape, SourcePos pos) {}

    /** {@code Param w = uniform(-1, 1, 2, 16);}: the initializer, its scalar arguments, then the shape. */
    public record ParamDecl(String name, Initializer init, List<Double> initArgs, List<Integer> shape, SourcePos pos) {}

    /** A zero-argument method other than {@code loss()}: compiled into an inference entry point. */
    public record OutputDecl(String name, Expr value, SourcePos pos) {}

    /** {@code Optimizer opt = sgd(1.0);}: validated by the compiler, which knows the optimizers. */
    public record OptimizerDecl(String function, List<Expr> args, SourcePos pos) {}

    /** {@code Clip clip = clipNorm(1.0);} or {@code clipValue(0.5)}: gradient clipping before the optimizer, validated by the compiler. */
    public record ClipDecl(String function, List<Expr> args, SourcePos pos) {}
}
