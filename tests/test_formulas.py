"""The one formula writer: one convention for parentheses, signs and zero, in symbols and with
the numbers put in (lab.formulas)."""

from __future__ import annotations

import pytest

import lab
from lab.expressions import Const, Op, Ref, local_derivatives, op, substitute
from lab.formulas import top, write

A, B, C = Ref("a", "a"), Ref("b", "b"), Ref("c", "c")
NUMBERS = {"a": -0.3, "b": 0.5, "c": -0.0}


def both(e):
    return top(write(e)), top(write(e, NUMBERS.__getitem__))


@pytest.mark.parametrize(("expr", "symbols", "numbers"), [
    # brackets only where precedence needs them
    (Op("sub", (A, Op("sub", (B, C)))), "a − (b − c)", "−0.3 − (0.5 − 0)"),
    (Op("sub", (Op("sub", (A, B)), C)), "a − b − c", "−0.3 − 0.5 − 0"),
    (Op("mul", (A, Op("add", (B, C)))), "a·(b + c)", "(−0.3)·(0.5 + 0)"),
    (Op("div", (A, Op("mul", (B, C)))), "a / (b·c)", "(−0.3) / (0.5·0)"),
    # " / " reads looser than "·": a quotient multiplied is bracketed (δ = (1 / o)·o·(1 − o))
    (Op("mul", (Op("div", (A, B)), C)), "(a / b)·c", "((−0.3) / 0.5)·0"),
    (Op("mul", (A, Op("div", (B, C)))), "a·b / c", "(−0.3)·0.5 / 0"),
    (Op("neg", (Op("sub", (A, B)),)), "−(a − b)", "−(−0.3 − 0.5)"),
    (Op("neg", (Op("mul", (A, B)),)), "−a·b", "−(−0.3)·0.5"),
    # a power of a name, of a bracket, of a negative number
    (Op("pow", (A,), (2.0,)), "a²", "(−0.3)²"),
    (Op("pow", (Op("sub", (B, A)),), (2.0,)), "(b − a)²", "(0.5 − (−0.3))²"),
    # a function's own brackets hold a negative number
    (Op("sigmoid", (A,)), "σ(a)", "σ(−0.3)"),
    (Op("tanh", (Op("add", (A, B)),)), "tanh(a + b)", "tanh(−0.3 + 0.5)"),
    # a lone negative number loses its brackets; zero is never −0
    (A, "a", "−0.3"), (C, "c", "0"),
    (Op("linear", (A, B, Const(1.0, "x1"), Const(0.0, "x2"), Const(-0.4, "b4"))),
     "a·x1 + b·x2 + b4", "(−0.3)·1 + 0.5·0 + (−0.4)"),
])
def test_one_convention_for_brackets_signs_and_zero(expr, symbols, numbers):
    assert both(expr) == (symbols, numbers)


def test_derivatives_from_the_rule_table_read_as_the_lecture_writes_them():
    o, i = Ref("o6", "o6"), Ref("i6", "i6")
    for act, slope in (("sigmoid", "o6·(1 − o6)"), ("tanh", "1 − o6²")):
        value, (d,) = local_derivatives(act, (i,))
        assert write(substitute(d, {value: o})) == slope
    # (t − o)² gives ∂E/∂o = −2·(t − o): folded, never 2·(t − o)^1·(−1)
    e = op("pow", op("sub", Const(1.0, "t"), o), params=(2.0,))
    _, (d,) = local_derivatives("pow", (op("sub", Const(1.0, "t"), o),), (2.0,))
    assert write(op("neg", d)) == "−2·(t − o6)"
    assert write(e) == "(t − o6)²"


def test_every_formula_of_the_lecture_reads_without_double_brackets_or_minus_zero():
    run = lab.step(lab.spec.lecture().with_settings(epochs=2))
    value = {w.key: w.value for r in run for w in r.quantities}.__getitem__
    for w in (w for r in run for w in r.quantities):
        text = f"{w.symbolic()} = {w.numeric(value)}"
        assert "((" not in text and "−0 " not in text and not text.endswith("−0"), text
        assert "-" not in text, text   # the true minus sign only
