package dev.gradc.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tiny programs and their elaboration, written inline. */
class ModelParserTest {
    /** The design document's example model. */
    static final String MOONS = """
            class Moons {
                static final int HIDDEN = 16;
                Input x = input(batch, 2);
                Input y = input(batch);
                Param w1 = uniform(-1, 1, 2, HIDDEN),      b1 = zeros(HIDDEN);
                Param w2 = uniform(-1, 1, HIDDEN, HIDDEN), b2 = zeros(HIDDEN);
                Param w3 = uniform(-1, 1, HIDDEN, 1),      b3 = zeros(1);
                Tensor score(Tensor x) {
                    Tensor h1 = relu(matmul(x, w1) + b1);
                    Tensor h2 = relu(matmul(h1, w2) + b2);
                    return reshape(matmul(h2, w3) + b3, batch);
                }
                Tensor loss() {
                    Tensor margin = mean(relu(1 - y * score(x)));
                    Tensor l2 = sum(w1 * w1) + sum(w2 * w2) + sum(w3 * w3);
                    return margin + 1e-4 * l2;
                }
                Tensor predict() { return score(x); }
                Optimizer optimizer = sgd(1.0);
            }
            """;

    static Model parse(String text) {
        return ModelParser.parse(new Source("T.grad", text));
    }

    /** The loss of a model with inputs x[batch, 2], y[batch] and params w[2, 3], b[3]. */
    static String loss(String body) {
        return ExprPrinter.print(parse("""
                class T {
                    static final int N = 3;
                    static final double RATE = 0.5;
                    Input x = input(batch, 2), y = input(batch);
                    Param w = uniform(-1, 1, 2, N), b = zeros(N);
                    Tensor sq(Tensor t) { return t * t; }
                    Tensor twice(Tensor t, Tensor u) { Tensor s = t + u; return s + s; }
                    Tensor loss() { BODY }
                    Optimizer o = sgd(RATE);
                }
                """.replace("BODY", body)).loss());
    }

    @Test
    void operatorsBecomeCalls() {
        assertEquals("sub(add(x, mul(y, b)), div(w, 2))", loss("return x + y * b - w / 2;"));
        assertEquals("neg(x)", loss("return -x;"));
        assertEquals("x", loss("return +x;"));
        assertEquals("mul(add(x, y), b)", loss("return (x + y) * b;"));
    }

    @Test
    void constantsFoldWithJavaArithmetic() {
        assertEquals("1", loss("return 7 / 4;"));
        assertEquals("1.75", loss("return 7 / 4.0;"));
        assertEquals("mul(6, x)", loss("return N * 2 * x;"));
        assertEquals("mul(0.5, x)", loss("return RATE * x;"));
        assertEquals("-3", loss("return -N;"));
        assertEquals("1", loss("return 10 % 3;"));
        assertEquals("add(x, 2.5)", loss("double c = 2 + RATE; return x + c;"));
        assertEquals("mul(x, 4)", loss("int k = N + 1; return x * k;"));
    }

    @Test
    void helpersAreInlined() {
        assertEquals("mul(matmul(x, w), matmul(x, w))", loss("return sq(matmul(x, w));"));
        assertEquals("add(add(x, b), add(x, b))", loss("return twice(x, b);"));
        assertEquals("sum(relu(x), 1)", loss("return sum(relu(x), 1);"));
    }

    @Test
    void builtinsAndBatchPassThrough() {
        assertEquals("reshape(matmul(x, w), batch, 3)", loss("return reshape(matmul(x, w), batch, N);"));
        assertEquals("unknownFunction(x)", loss("return unknownFunction(x);"));
    }

    @Test
    void aLocalUsedTwiceIsOneObject() {
        Expr.Call e = (Expr.Call) parse("""
                class T {
                    Input x = input(batch, 2);
                    Tensor loss() { Tensor h = relu(x); return h * h; }
                }
                """).loss();
        assertSame(e.args().get(0), e.args().get(1));
    }

    @Test
    void aHelperCalledTwiceOnTheSameValueIsOneObject() {
        Model m = parse("""
                class T {
                    Input x = input(batch, 2);
                    Tensor sq(Tensor t) { return t * t; }
                    Tensor predict() { return sq(x) + sq(x); }
                    Tensor loss() { return sum(predict()); }
                }
                """);
        Expr.Call predict = (Expr.Call) m.outputs().get(0).value();
        assertSame(predict.args().get(0), predict.args().get(1));
        assertSame(predict, ((Expr.Call) m.loss()).args().get(0));
        // Computed arguments are not compared structurally: they stay apart, even if they print alike.
        Expr.Call e = (Expr.Call) parse("class T { Input x = input(2); Tensor sq(Tensor t) { return t * t; }\n"
                + "Tensor loss() { return sq(relu(x)) + sq(relu(x)); } }").loss();
        assertNotSame(e.args().get(0), e.args().get(1));
        assertEquals(ExprPrinter.print(e.args().get(0)), ExprPrinter.print(e.args().get(1)));
    }

    @Test
    void helpersThatCallHelpersTwiceStayLinear() {
        StringBuilder text = new StringBuilder("class T {\n    Input x = input(2);\n    Tensor f0(Tensor a) { return relu(a); }\n");
        for (int i = 1; i <= 60; i++) text.append("    Tensor f").append(i).append("(Tensor a) { return f").append(i - 1).append("(a) + f").append(i - 1).append("(a); }\n");
        text.append("    Tensor loss() { return sum(f60(x)); }\n}\n");
        Expr.Call top = (Expr.Call) ((Expr.Call) assertTimeoutPreemptively(Duration.ofSeconds(10), () -> parse(text.toString())).loss()).args().get(0);
        assertSame(top.args().get(0), top.args().get(1));
    }

    @Test
    void numberLiteralsFollowJava() {
        assertEquals("mul(-2147483648, x)", loss("return -2147483648 * x;"));
        assertEquals("mul(16, x)", loss("return 0x10 * x;"));
        assertEquals("mul(-1, x)", loss("return 0xFFFFFFFF * x;"));
        assertEquals("1020", loss("return 0b101 + 017 + 1_000;"));
        assertEquals("mul(10.5, x)", loss("return 1_0.5 * x;"));
        assertEquals("mul(8.0, x)", loss("return 0x1p3 * x;"));
    }

    @Test
    void columnsCountCharactersSoTabsLineUpWithTheCaret() {
        Model m = parse("class T {\n\tInput x = input(2);\n\tTensor loss() {\treturn x * x; }\n}\n");
        assertEquals(new SourcePos(2, 8), m.inputs().get(0).pos());
        assertEquals(new SourcePos(3, 27), m.loss().pos());
        CompileException e = assertThrows(CompileException.class, () -> parse("class T {\n\tTensor loss() {\treturn\tzz; }\n}\n"));
        assertEquals(new SourcePos(2, 25), e.first().pos());
        assertEquals("T.grad:2:25: error: unknown name 'zz'\n\tTensor loss() {\treturn\tzz; }\n\t               \t      \t^", e.getMessage());
    }

    @Test
    void theClassNameNeedNotMatchTheFileName() {
        assertEquals("Moons", ModelParser.parse(new Source("models/Other.grad", "class Moons { }")).name());
    }

    @Test
    void errorsOfSeveralDeclarationsComeInSourceOrder() {
        CompileException e = assertThrows(CompileException.class, () -> parse(
                "class T {\n    Tensor loss() { return zz; }\n    Input x = input(0);\n}\n"));
        assertEquals(List.of(new SourcePos(2, 28), new SourcePos(3, 21)), e.diagnostics().stream().map(Diagnostic::pos).toList());
    }

    @Test
    void theMoonsModel() {
        Model m = parse(MOONS);
        assertEquals("""
                model Moons
                  const HIDDEN = 16
                  input x [batch, 2]
                  input y [batch]
                  param w1 [2, 16] = uniform[-1.0, 1.0]
                  param b1 [16] = zeros[]
                  param w2 [16, 16] = uniform[-1.0, 1.0]
                  param b2 [16] = zeros[]
                  param w3 [16, 1] = uniform[-1.0, 1.0]
                  param b3 [1] = zeros[]
                  loss = add(mean(relu(sub(1, mul(y, reshape(add(matmul(relu(add(matmul(relu(add(matmul(x, w1), b1)), w2), b2)), w3), b3), batch))))), mul(1.0E-4, add(add(sum(mul(w1, w1)), sum(mul(w2, w2))), sum(mul(w3, w3)))))
                  output predict = reshape(add(matmul(relu(add(matmul(relu(add(matmul(x, w1), b1)), w2), b2)), w3), b3), batch)
                  optimizer sgd(1.0)
                """, ExprPrinter.print(m));
        // score(x) is inlined once and shared by the loss and predict().
        Expr.Call margin = (Expr.Call) ((Expr.Call) m.loss()).args().get(0);
        Expr.Call hinge = (Expr.Call) ((Expr.Call) ((Expr.Call) margin.args().get(0)).args().get(0)).args().get(1);
        assertSame(m.outputs().get(0).value(), hinge.args().get(1));
    }

    @Test
    void forLoopsUnrollOverParameterArrays() {
        Model m = parse("""
                class Deep {
                    static final int DEPTH = 3;
                    Input x = input(batch, 4);
                    Param[] w = repeat(DEPTH, xavierUniform(4, 4)), b = { zeros(4), ones(4), constant(0.5, 4) };
                    Tensor loss() {
                        Tensor h = x;
                        for (int i = 0; i < DEPTH; i++) {
                            h = tanh(matmul(h, w[i]) + b[i]);
                        }
                        for (int i = w.length - 1; i >= 1; i -= 2) h += w[i - 1];
                        return sum(h);
                    }
                }
                """);
        assertEquals(List.of("w[0]", "w[1]", "w[2]", "b[0]", "b[1]", "b[2]"), m.params().stream().map(Model.ParamDecl::name).toList());
        assertEquals("constant", m.params().get(5).init().functionName);
        assertEquals("sum(add(tanh(add(matmul(tanh(add(matmul(tanh(add(matmul(x, w[0]), b[0])), w[1]), b[1])), w[2]), b[2])), w[1]))",
                ExprPrinter.print(m.loss()));
    }

    @Test
    void comparisonsAndBooleans() {
        assertEquals("sum(gt(x, 0), 1, true)", loss("return sum(x > 0, 1, true);"));
        assertEquals("mul(le(x, y), ne(x, 1))", loss("return (x <= y) * (x != 1);"));
    }

    @Test
    void operatorPositionIsTheOperatorToken() {
        Expr e = parse("class T {\n    Input x = input(batch);\n    Tensor loss() { return x   *   x; }\n}\n").loss();
        assertEquals(new SourcePos(3, 32), e.pos());
    }

    @Test
    void aModelWithoutLossOrOptimizerParses() {
        Model m = parse("class T { Input x = input(2); Tensor out() { return x * 2; } }");
        assertEquals(null, m.loss());
        assertEquals(null, m.optimizer());
        assertEquals("out", m.outputs().get(0).name());
        assertEquals(List.of(), m.clips());
    }

    @Test
    void clipFieldsAreKeptInOrderWithFoldedArguments() {
        Model m = parse("class T { static final double MAX = 2.0; Input x = input(2); Tensor loss() { return sum(x); }\n"
                + "  Optimizer o = sgd(0.1); Clip a = clipValue(MAX / 4); Clip b = clipNorm(MAX); }");
        assertEquals(List.of("clipValue", "clipNorm"), m.clips().stream().map(Model.ClipDecl::function).toList());
        assertEquals(0.5, ((Expr.Num) m.clips().get(0).args().get(0)).value());
        assertEquals(new SourcePos(2, 36), m.clips().get(0).pos());
    }
}
