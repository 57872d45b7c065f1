"""Plain-float math for the rule table: total functions that return inf or nan instead of raising.

The rules in `rules.py` are written against a small namespace `m` (this module for single numbers),
so that the same rule text can later be evaluated on numpy arrays without being written twice.
"""

from __future__ import annotations

import math

inf = math.inf
nan = math.nan
log = math.log
sqrt = math.sqrt
tanh = math.tanh


def exp(x: float) -> float:
    """e^x, with inf instead of OverflowError for large x."""
    try:
        return math.exp(x)
    except OverflowError:
        return inf


def expm1(x: float) -> float:
    """e^x − 1, with inf instead of OverflowError."""
    try:
        return math.expm1(x)
    except OverflowError:
        return inf


def sin(x: float) -> float:
    """sin x, nan for an infinite x (as numpy) instead of ValueError."""
    return math.sin(x) if math.isfinite(x) else nan


def cos(x: float) -> float:
    """cos x, nan for an infinite x."""
    return math.cos(x) if math.isfinite(x) else nan


def power(x: float, y: float) -> float:
    """x^y for a domain-checked pair, inf on overflow, inf for 0 to a negative power."""
    try:
        return x**y
    except (OverflowError, ZeroDivisionError):
        return inf


def sigmoid(x: float) -> float:
    """σ(x) = 1 / (1 + e^−x), evaluated so that no exponential can overflow."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = exp(x)
    return e / (1.0 + e)


def softplus(x: float) -> float:
    """ln(1 + e^x) = max(x, 0) + ln(1 + e^−|x|), finite for any finite x."""
    return max(x, 0.0) + math.log1p(math.exp(-abs(x))) if x == x else nan


def maximum(x: float, y: float) -> float:
    """The larger of x and y as numpy's maximum gives it: NaN stays NaN, max(−0, 0) is 0."""
    return y if x <= y else x


def positive(x: float) -> float:
    """1.0 if x > 0, else 0.0 (NaN too)."""
    return 1.0 if x > 0 else 0.0


def batch_sum(x: float) -> float:
    """The sum over the examples of a batch; a single number is a batch of one."""
    return x


def ones_like(x: float) -> float:
    """1, shaped like x."""
    return 1.0


def where(cond: bool, a: float, b: float) -> float:
    """a where cond holds, else b (numpy's where for single numbers)."""
    return a if cond else b


def any_(cond: bool) -> bool:
    """Whether a condition holds (for arrays: anywhere)."""
    return bool(cond)


def not_integer(x: float) -> bool:
    """Whether x is not a whole number."""
    return not (math.isfinite(x) and x == int(x))
