"""The rule table's math namespace for batches: the functions of `scalar_math`, elementwise on
1-D numpy arrays (one entry per example), so each rule is written once and serves both paths.
"""

from __future__ import annotations

import numpy as np

inf = np.inf
nan = np.nan
where = np.where
tanh = np.tanh
sin = np.sin
cos = np.cos


def _quiet(f):
    """Wrap a numpy function so overflow gives inf (as `scalar_math`) without a warning."""
    def g(*args):
        with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
            return f(*args)
    g.__doc__ = f.__doc__
    return g


exp = _quiet(np.exp)
expm1 = _quiet(np.expm1)
log = _quiet(np.log)
sqrt = _quiet(np.sqrt)
power = _quiet(np.power)


def sigmoid(x: np.ndarray) -> np.ndarray:
    """σ(x) = 1 / (1 + e^−x), as e^min(x,0) / (1 + e^−|x|) so no exponential overflows."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0, e) / (1.0 + e)


def softplus(x: np.ndarray) -> np.ndarray:
    """ln(1 + e^x) = max(x, 0) + ln(1 + e^−|x|)."""
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


maximum = np.maximum  # NaN stays NaN; max(−0, 0) is 0


def positive(x: np.ndarray) -> np.ndarray:
    """1.0 where x > 0, else 0.0 (NaN too), as a mask: no branch per entry."""
    return (x > 0).astype(float)


def batch_sum(x: np.ndarray) -> float:
    """Σₑ xₑ over the examples."""
    return float(np.sum(x))


ones_like = np.ones_like


def any_(cond: np.ndarray) -> bool:
    """Whether a condition holds for any example."""
    return bool(np.any(cond))


def not_integer(x: np.ndarray) -> np.ndarray:
    """Where x is not a whole number."""
    return ~(np.isfinite(x) & (x == np.round(x)))
