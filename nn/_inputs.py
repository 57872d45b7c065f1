"""Reading a student's numbers: a Value, a number, or a list (or 1-D array) of them.

Shared by the output units and the losses so that every bad input gets the same clear message.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np

from autograd_core import Value

Scalar = Value | int | float


def data_of(x: object, what: str) -> float:
    """The number inside ``x`` (a Value or a real number); TypeError/ValueError naming ``what``."""
    if isinstance(x, Value):
        number = x.data
    elif isinstance(x, numbers.Real) and not isinstance(x, bool):
        number = float(x)
    else:
        hint = " (write 1 or 0 for a number)" if isinstance(x, bool) else ""
        raise TypeError(
            f"{what} must be a number or a Value, got {type(x).__name__}: {x!r}{hint}"
        )
    if not math.isfinite(number):
        raise ValueError(f"{what} must be a finite number, got {number}")
    return number


def scalars(xs: object, what: str) -> list[Scalar]:
    """``xs`` as a non-empty list of Values and numbers (one item if ``xs`` is a single one)."""
    if isinstance(xs, Value | numbers.Real):  # a bool is rejected below by data_of
        items: list[object] = [xs]
    elif isinstance(xs, str | bytes | dict) or not isinstance(xs, Sequence | np.ndarray):
        raise TypeError(
            f"{what} must be a number, a Value, or a list of them, got {type(xs).__name__}: {xs!r}"
        )
    else:
        items = list(xs)
    if not items:
        raise ValueError(f"{what} is empty: give at least one number")
    for i, x in enumerate(items):
        data_of(x, f"{what}[{i}]" if len(items) > 1 else what)
    return [x if isinstance(x, Value) else float(x) for x in items]

