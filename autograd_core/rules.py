"""The one table of primitive operations: each op's value and its local derivatives, side by side.

A rule is called as ``fn(m, *inputs, *params)`` and returns
``(value, (∂v/∂input₀, ∂v/∂input₁, …))``, where ``m`` is the math namespace: ``scalar_math`` for
single numbers, ``array_math`` for a batch (one number per example). Rules return numbers; the
engine alone does the accumulation ``parent.grad += local * node.grad``.

Adding an op touches its entry here, the `Value` method that calls it, and the test op list
(a test asserts that the tested ops and this table are the same set).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import mul
from typing import Any


class DomainError(ValueError):
    """An op was asked for a value outside its domain (log of 0, division by 0, …)."""


@dataclass(frozen=True)
class Rule:
    """One primitive: how to compute it, and how it reads in a trace.

    ``expr`` and ``derivs`` are templates over the input names ``{0}``, ``{1}`` … and the params
    ``{p0}`` …; n-ary ops (``arity=None``) give callables of the list of input names instead.
    """

    fn: Callable[..., tuple[Any, tuple[Any, ...]]]
    formula: str
    expr: str | Callable[[list[str]], str]
    derivs: tuple[str, ...] | Callable[[list[str], int], str]
    arity: int | None = 1
    params: tuple[str, ...] = ()


def _check(m: Any, bad: Any, message: str, *args: Any) -> None:
    # the message is formatted only on failure: printing a batch's array costs more than the op
    if m.any_(bad):
        raise DomainError(message.format(*args))


def _div(m, x, y):
    _check(m, y == 0, "division by zero: {} / {} (op 'div')", x, y)
    # −(x/y)/y, not −x/y²: y² underflows to 0 for |y| < 1e-162 where the quotient is finite
    return x / y, (1.0 / y, -(x / y) / y)


def _pow_domain(m, x, c, op):
    _check(m, (x == 0) & (c < 0), "0 to a negative power is undefined: {} ** {} (op '{}')",
           x, c, op)
    _check(m, (x < 0) & m.not_integer(c),
           "a negative base needs a whole exponent: ({}) ** {} (op '{}')", x, c, op)


def _pow(m, x, c):
    _pow_domain(m, x, c, "pow")
    # c·x^(c−1) is 0 for c = 0 even at x = 0, where x^(−1) would be infinite.
    return m.power(x, c), (m.where(c == 0, 0.0, c * m.power(x, c - 1.0)),)


def _pow_xy(m, x, y):
    _pow_domain(m, x, y, "pow_xy")
    v = m.power(x, y)
    # ∂/∂y = x^y·ln x needs x > 0; at x = 0 its limit is 0, for x < 0 it is undefined (nan).
    dy = m.where(x > 0, v * m.log(m.where(x > 0, x, 1.0)), m.where(x == 0, 0.0, m.nan))
    return v, (m.where(y == 0, 0.0, y * m.power(x, y - 1.0)), dy)


def _log(m, x):
    _check(m, x <= 0, "log is defined only for x > 0, got log({}) (op 'log')", x)
    return m.log(x), (1.0 / x,)


def _sqrt(m, x):
    _check(m, x < 0, "sqrt is defined only for x >= 0, got sqrt({}) (op 'sqrt')", x)
    r = m.sqrt(x)
    return r, (m.where(x == 0, m.inf, 0.5 / m.where(x == 0, 1.0, r)),)


def _exp(m, x):
    e = m.exp(x)
    return e, (e,)


def _tanh(m, x):
    t = m.tanh(x)
    return t, (1.0 - t * t,)


def _sigmoid(m, x):
    s = m.sigmoid(x)
    return s, (s * (1.0 - s),)


def _elu(m, x, alpha):
    neg = alpha * m.expm1(m.where(x > 0, 0.0, x))
    return m.where(x > 0, x, neg), (m.where(x > 0, 1.0, neg + alpha),)


def _linear(m, *args):
    n = (len(args) - 1) // 2
    ws, xs = args[:n], args[n : 2 * n]
    return sum(map(mul, ws, xs), args[-1]), (*xs, *ws, 1.0)


def _linear_expr(names: list[str]) -> str:
    n = (len(names) - 1) // 2
    return " + ".join([f"{w}·{x}" for w, x in zip(names[:n], names[n : 2 * n])] + [names[-1]])


def _linear_deriv(names: list[str], i: int) -> str:
    n = (len(names) - 1) // 2
    return "1" if i == 2 * n else names[i + n] if i < n else names[i - n]


RULES: dict[str, Rule] = {
    "add": Rule(lambda m, x, y: (x + y, (1.0, 1.0)), "x + y", "{0} + {1}", ("1", "1"), 2),
    "sub": Rule(lambda m, x, y: (x - y, (1.0, -1.0)), "x − y", "{0} − {1}", ("1", "−1"), 2),
    "mul": Rule(lambda m, x, y: (x * y, (y, x)), "x·y", "{0} × {1}", ("{1}", "{0}"), 2),
    "div": Rule(_div, "x / y", "{0} / {1}", ("1/{1}", "−{0}/{1}²"), 2),
    "neg": Rule(lambda m, x: (-x, (-1.0,)), "−x", "−{0}", ("−1",)),
    "pow": Rule(_pow, "x^c, c a number", "{0}^{p0}", ("{p0}·{0}^({p0}−1)",), 1, ("c",)),
    "pow_xy": Rule(_pow_xy, "x^y, y a Value", "{0}^{1}", ("{1}·{0}^({1}−1)", "{0}^{1}·ln {0}"), 2),
    "exp": Rule(_exp, "e^x", "exp {0}", ("exp {0}",)),
    "log": Rule(_log, "ln x", "ln {0}", ("1/{0}",)),
    "sqrt": Rule(_sqrt, "√x", "√{0}", ("1/(2√{0})",)),
    "sin": Rule(lambda m, x: (m.sin(x), (m.cos(x),)), "sin x", "sin {0}", ("cos {0}",)),
    "cos": Rule(lambda m, x: (m.cos(x), (-m.sin(x),)), "cos x", "cos {0}", ("−sin {0}",)),
    "tanh": Rule(_tanh, "tanh x", "tanh {0}", ("1 − tanh²{0}",)),
    "sigmoid": Rule(_sigmoid, "σ(x) = 1/(1 + e^−x)", "σ({0})", ("σ({0})·(1 − σ({0}))",)),
    "relu": Rule(
        # max and a 0/1 mask, not a choice per entry: on a batch np.where branches on each sign
        # and mispredicts (~8× slower); a NaN input stays NaN (as in PyTorch), never becomes 0
        lambda m, x: (m.maximum(x, 0.0), (m.positive(x),)),
        "max(0, x)", "relu({0})", ("1 if {0} > 0 else 0",),
    ),
    "leaky_relu": Rule(
        lambda m, x, a: (m.where(x > 0, x, a * x), (m.where(x > 0, 1.0, a),)),
        "x if x > 0 else α·x", "leaky_relu({0}; α={p0})", ("1 if {0} > 0 else {p0}",), 1,
        ("alpha",),
    ),
    "elu": Rule(
        _elu, "x if x > 0 else α·(e^x − 1)", "elu({0}; α={p0})",
        ("1 if {0} > 0 else α·e^{0}",), 1, ("alpha",),
    ),
    "softplus": Rule(
        lambda m, x: (m.softplus(x), (m.sigmoid(x),)), "ln(1 + e^x)", "softplus({0})", ("σ({0})",)
    ),
    "abs": Rule(
        lambda m, x: (m.where(x < 0, -x, x), (m.where(x > 0, 1.0, m.where(x < 0, -1.0, 0.0)),)),
        "|x|", "|{0}|", ("sign {0}",),
    ),
    "linear": Rule(_linear, "Σᵢ wᵢ·xᵢ + b", _linear_expr, _linear_deriv, None),
    "sum": Rule(
        lambda m, *xs: (sum(xs[1:], xs[0]), (1.0,) * len(xs)),
        "Σᵢ xᵢ", lambda names: " + ".join(names), lambda names, i: "1", None,
    ),
    "batch_sum": Rule(
        lambda m, x: (m.batch_sum(x), (m.ones_like(x),)),
        "Σₑ xₑ over the examples of a batch", "Σₑ {0}", ("1",),
    ),
}
