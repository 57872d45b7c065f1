"""Every primitive in the rule table against sympy's exact derivative and central differences.

The table ``OPS`` below says, for each op of ``autograd_core.RULES``: where its inputs may lie (a
hypothesis strategy), how a student calls it on Values, and the textbook formula as a sympy
expression. sympy's derivative, evaluated with 300-digit mpmath, is the exact oracle (300 digits,
because ln(1 + e^−500) must keep e^−500 ≈ 7e−218 next to the 1).

Kinks: relu, abs, leaky_relu and elu have no derivative at 0 (the two one-sided slopes differ),
so their inputs keep |x| ≥ KINK_MARGIN = 1e-3, far above the central-difference step
(1e-6 there), and the two sides of a difference never straddle the kink. The convention at the
kink itself is checked against PyTorch in test_rules_torch.py.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache

import mpmath
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from autograd_core import RULES, Value, apply, linear, vsum

KINK_MARGIN = 1e-3
SETTINGS = settings(max_examples=100, deadline=None)

Case = tuple[tuple[float, ...], tuple[float, ...]]  # (inputs, params)


def reals(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def away_from_zero(hi: float, lo: float = KINK_MARGIN) -> st.SearchStrategy[float]:
    """Either sign, lo ≤ |x| ≤ hi."""
    return st.tuples(st.sampled_from((-1.0, 1.0)), reals(lo, hi)).map(lambda t: t[0] * t[1])


def inputs(*strategies: st.SearchStrategy[float],
           params: Sequence[st.SearchStrategy[float]] = ()) -> st.SearchStrategy[Case]:
    return st.tuples(st.tuples(*strategies), st.tuples(*params))


def n_ary(n_min: int, n_max: int, per_n: Callable[[int], int]) -> st.SearchStrategy[Case]:
    """n inputs for n in [n_min, n_max], ``per_n(n)`` reals in all."""
    return st.integers(n_min, n_max).flatmap(
        lambda n: st.tuples(st.tuples(*[reals(-100, 100)] * per_n(n)), st.just(())))


@dataclass(frozen=True)
class Op:
    """One primitive: its input domain, its call on Values, its formula in sympy."""

    case: st.SearchStrategy[Case]
    build: Callable[[list[Value], tuple[float, ...]], Value]
    formula: Callable[[list[sp.Symbol], list[sp.Symbol]], sp.Expr]
    # A float sum of terms is exact only up to ε·Σ|terms| absolutely (x + y with y ≈ −x).
    sums: bool = False
    # Where the derivative is a difference of numbers near 1 (1 − tanh², σ·(1 − σ) with σ near
    # 1, α(e^x − 1) + α), ~1e-16 is lost absolutely; everywhere else it is compared relatively,
    # so that a wrong tiny derivative (σ′ = 0 for x < −33, truly e^x ≈ 5e-15) is caught.
    cancels: Callable[[tuple[float, ...]], bool] = lambda xs: False


def piecewise(x: sp.Symbol, negative_side: sp.Expr) -> sp.Expr:
    return sp.Piecewise((x, x > 0), (negative_side, True))


def _linear_formula(s: list[sp.Symbol], _: list[sp.Symbol]) -> sp.Expr:
    n = (len(s) - 1) // 2
    return sum((w * x for w, x in zip(s[:n], s[n:2 * n], strict=True)), s[-1])


def _pow_case() -> st.SearchStrategy[Case]:
    # x^c is real for x > 0 and any c, and for x < 0 only with a whole exponent c.
    positive_base = inputs(reals(1e-3, 1e2), params=[reals(-4, 4)])
    negative_base = inputs(reals(-1e2, -1e-3), params=[st.integers(-4, 4).map(float)])
    return st.one_of(positive_base, negative_base)


WIDE = reals(-1e3, 1e3)
SATURATING = reals(-500, 500)  # σ, tanh, softplus, elu: both tails, far into saturation
POSITIVE = reals(1e-3, 1e6)

OPS: dict[str, Op] = {
    "add": Op(inputs(WIDE, WIDE), lambda v, p: v[0] + v[1], lambda s, p: s[0] + s[1], True),
    "sub": Op(inputs(WIDE, WIDE), lambda v, p: v[0] - v[1], lambda s, p: s[0] - s[1], True),
    "mul": Op(inputs(WIDE, WIDE), lambda v, p: v[0] * v[1], lambda s, p: s[0] * s[1]),
    "div": Op(inputs(WIDE, away_from_zero(1e3)), lambda v, p: v[0] / v[1],
              lambda s, p: s[0] / s[1]),
    "neg": Op(inputs(WIDE), lambda v, p: -v[0], lambda s, p: -s[0]),
    "pow": Op(_pow_case(), lambda v, p: v[0] ** p[0], lambda s, p: s[0] ** p[0]),
    # ∂/∂y = x^y·ln x exists only for x > 0.
    "pow_xy": Op(inputs(reals(1e-2, 1e2), reals(-4, 4)), lambda v, p: v[0] ** v[1],
                 lambda s, p: s[0] ** s[1]),
    "exp": Op(inputs(reals(-50, 50)), lambda v, p: v[0].exp(), lambda s, p: sp.exp(s[0])),
    "log": Op(inputs(POSITIVE), lambda v, p: v[0].log(), lambda s, p: sp.log(s[0])),
    "sqrt": Op(inputs(POSITIVE), lambda v, p: v[0].sqrt(), lambda s, p: sp.sqrt(s[0])),
    "sin": Op(inputs(reals(-100, 100)), lambda v, p: v[0].sin(), lambda s, p: sp.sin(s[0])),
    "cos": Op(inputs(reals(-100, 100)), lambda v, p: v[0].cos(), lambda s, p: sp.cos(s[0])),
    "tanh": Op(inputs(SATURATING), lambda v, p: v[0].tanh(), lambda s, p: sp.tanh(s[0]),
               cancels=lambda xs: True),
    "sigmoid": Op(inputs(SATURATING), lambda v, p: v[0].sigmoid(),
                  lambda s, p: 1 / (1 + sp.exp(-s[0])), cancels=lambda xs: xs[0] > 0),
    "relu": Op(inputs(away_from_zero(1e3)), lambda v, p: v[0].relu(),
               lambda s, p: piecewise(s[0], sp.Integer(0))),
    "leaky_relu": Op(inputs(away_from_zero(1e3), params=[reals(0, 1)]),
                     lambda v, p: v[0].leaky_relu(p[0]),
                     lambda s, p: piecewise(s[0], p[0] * s[0])),
    "elu": Op(inputs(away_from_zero(500), params=[reals(0.01, 3)]),
              lambda v, p: v[0].elu(p[0]),
              lambda s, p: piecewise(s[0], p[0] * (sp.exp(s[0]) - 1)),
              cancels=lambda xs: xs[0] < 0),
    "softplus": Op(inputs(SATURATING), lambda v, p: v[0].softplus(),
                   lambda s, p: sp.log(1 + sp.exp(s[0]))),
    "abs": Op(inputs(away_from_zero(1e3)), lambda v, p: v[0].abs(), lambda s, p: sp.Abs(s[0])),
    # linear(ws, xs, b): parents are w₁…wₙ, x₁…xₙ, b.
    "linear": Op(n_ary(1, 4, lambda n: 2 * n + 1),
                 lambda v, p: linear(v[: len(v) // 2], v[len(v) // 2: -1], v[-1]),
                 _linear_formula, True),
    "sum": Op(n_ary(1, 6, lambda n: n), lambda v, p: vsum(v), lambda s, p: sum(s[1:], s[0]), True),
    # the sum over a batch's examples; a single number is a batch of one
    "batch_sum": Op(inputs(reals(-100, 100)), lambda v, p: apply("batch_sum", v[0]),
                    lambda s, p: s[0]),
}


@cache
def exact(op: str, n_inputs: int, n_params: int) -> Callable[..., list]:
    """[f, ∂f/∂input₀, ∂f/∂input₁, …] from sympy, as an mpmath function of inputs and params."""
    xs = list(sp.symbols(f"x0:{n_inputs}", real=True))
    ps = list(sp.symbols(f"p0:{n_params}", real=True))
    f = OPS[op].formula(xs, ps)
    return sp.lambdify(xs + ps, [f] + [sp.diff(f, x) for x in xs], "mpmath")


def oracle(op: str, case: Case) -> list[float]:
    xs, ps = case
    with mpmath.workdps(300):
        return [float(v) for v in exact(op, len(xs), len(ps))(*map(mpmath.mpf, xs + ps))]


def close(got: float, want: float, rtol: float, atol: float) -> bool:
    return abs(got - want) <= atol + rtol * abs(want)


def build(op: str, case: Case) -> tuple[Value, list[Value]]:
    xs, ps = case
    leaves = [Value(x, label=f"x{i}") for i, x in enumerate(xs)]
    return OPS[op].build(leaves, ps), leaves


def test_every_op_in_the_rule_table_is_tested_and_nothing_else():
    assert set(OPS) == set(RULES)


@pytest.mark.parametrize("op", sorted(OPS))
@SETTINGS
@given(data=st.data())
def test_value_and_local_derivatives_equal_sympys_exact_ones(op, data):
    case = data.draw(OPS[op].case, label="inputs, params")
    node, leaves = build(op, case)
    value, *derivatives = oracle(op, case)
    assert node.op == op
    assert node.parents == tuple(leaves)
    terms = len(case[0]) * max(1.0, *map(abs, case[0])) ** 2 if OPS[op].sums else 0.0
    assert close(node.data, value, rtol=1e-12, atol=1e-300 + 1e-15 * terms)
    assert len(node.local_grads) == len(derivatives)
    atol = 1e-14 if OPS[op].cancels(case[0]) else 1e-300  # else relative: see Op.cancels
    for got, want in zip(node.local_grads, derivatives, strict=True):
        assert close(got, want, rtol=1e-10, atol=atol), (got, want)
    node.backward()
    for leaf, want in zip(leaves, derivatives, strict=True):
        assert close(leaf.grad, want, rtol=1e-10, atol=atol), (leaf.label, leaf.grad, want)


@pytest.mark.parametrize("op", sorted(OPS))
@SETTINGS
@given(data=st.data())
def test_local_derivatives_equal_central_differences(op, data):
    xs, ps = data.draw(OPS[op].case, label="inputs, params")
    node, _ = build(op, (xs, ps))
    for i, x in enumerate(xs):
        h = 1e-6 * max(1.0, abs(x))  # below KINK_MARGIN and the domains' lower bounds

        def at(shift: float, i: int = i) -> float:
            shifted = [x + shift if j == i else x for j, x in enumerate(xs)]
            return build(op, (tuple(shifted), ps))[0].data

        up, down = at(h), at(-h)
        numeric = (up - down) / (2 * h)
        # the difference quotient's own rounding error, ε·|f|/h: large where f is a sum of big
        # terms (a linear node of 99 × −41) whatever the derivative is
        rounding = 8 * sys.float_info.epsilon * max(abs(up), abs(down)) / h
        assert close(node.local_grads[i], numeric, rtol=1e-5, atol=1e-6 + rounding), (i, numeric)


@pytest.mark.parametrize("x", [-33.5, -40.0, -300.0])
def test_the_sigmoids_derivative_far_left_is_tiny_but_right_relatively(x):
    # σ′(x) = eˣ/(1 + eˣ)² = eˣ·(1 − 2eˣ + …): within 1e-12 relatively of eˣ for x < −33
    assert Value(x).sigmoid().local_grads[0] == pytest.approx(math.exp(x), rel=1e-12)


def test_relu_and_abs_have_slope_0_at_the_kink_as_pytorch_defines_it():
    x = Value(0.0)
    assert x.relu().local_grads == (0.0,)
    assert x.abs().local_grads == (0.0,)


def test_x_to_the_power_0_has_derivative_0_even_at_x_0():
    # d/dx x⁰ = d/dx 1 = 0; the formula c·x^(c−1) would read 0·0^(−1) there.
    node = Value(0.0) ** 0
    assert node.data == 1.0 and node.local_grads == (0.0,)


def test_sqrt_at_0_has_an_infinite_slope():
    # 1/(2√x) → ∞ as x → 0⁺
    assert Value(0.0).sqrt().local_grads == (float("inf"),)


def test_x_to_the_power_y_with_a_negative_base_and_whole_exponent():
    # (−2)^3 = −8; ∂/∂x = 3·(−2)² = 12; ∂/∂y = x^y·ln x has no real value for x < 0
    node = Value(-2.0) ** Value(3.0)
    assert node.data == -8.0
    assert node.local_grads[0] == 12.0
    assert node.local_grads[1] != node.local_grads[1]  # nan, not a made-up number
