"""Reading a student's numbers: a Value, a number, or a list (or 1-D array) of them; and batches,
where a Value or an array holds one number per example.

Shared by the output units, the losses and the layers so that every bad input gets the same clear
message, for one example or for a batch.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence

import numpy as np

from autograd_core import BatchConstant, BatchValue, Constant, Detached, Value

Scalar = Value | int | float
Data = float | np.ndarray  # one number, or one per example of a batch


def _example(bad: np.ndarray | bool) -> str:
    """Where a check failed in a batch (' in example k', counting from 0); '' for one number."""
    return f" in example {int(np.argmax(bad))}" if np.ndim(bad) else ""


def data_of(x: object, what: str) -> Data:
    """The number inside ``x`` (a Value or a real number), or the per-example numbers of a batch
    (a BatchValue or a 1-D array); TypeError/ValueError naming ``what``."""
    if isinstance(x, Value):
        number = x.data
    elif isinstance(x, numbers.Real) and not isinstance(x, bool):
        number = float(x)
    elif isinstance(x, np.ndarray) and x.ndim == 1 and x.dtype.kind in "iuf":
        number = x.astype(float)
    else:
        hint = " (write 1 or 0 for a number)" if isinstance(x, bool | np.bool_) else ""
        raise TypeError(
            f"{what} must be a number or a Value, got {type(x).__name__}: {x!r}{hint}"
        )
    if isinstance(number, float):
        if not math.isfinite(number):
            raise ValueError(f"{what} must be a finite number, got {number}")
    elif not np.isfinite(number).all():
        bad = ~np.isfinite(number)
        raise ValueError(f"{what} must be a finite number, got {number[bad][0]}{_example(bad)}")
    return number


def check_all(ok: np.ndarray | bool, data: Data, message: str,
              error: type[ValueError] = ValueError) -> None:
    """``error`` (a ValueError) with ``message`` (``{}`` standing for the first bad number, and in
    a batch its example) unless ``ok`` holds for every example: one check for a number and a
    batch."""
    if not np.all(ok):
        bad = ~np.asarray(ok)
        value = np.broadcast_to(data, bad.shape)[bad][0] if bad.ndim else data
        raise error(message.format(f"{np.asarray(value).item()}{_example(bad)}"))


def scalars(xs: object, what: str) -> list[Value | float]:
    """``xs`` as a non-empty list of Values and numbers (one item if ``xs`` is a single one);
    the Values may be batches, all of one size."""
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
        # a finite float passes at once: a model checks its inputs on every call
        if type(x) is not float or not math.isfinite(x):
            data_of(x, f"{what}[{i}]" if len(items) > 1 else what)
    batch_size(items, what)
    return [x if isinstance(x, Value | np.ndarray) else float(x) for x in items]


def batch_size(items: Sequence[object], what: str) -> int | None:
    """The number of examples of the batches among ``items`` (None if none is a batch)."""
    sizes = sorted({np.size(x.data if isinstance(x, Value) else x) for x in items
                    if isinstance(x, BatchValue | np.ndarray)} if _has_batch(items) else ())
    if len(sizes) > 1:
        raise ValueError(f"{what} mixes batches of different sizes {sizes}: every value needs "
                         "one number per example of the same batch")
    return sizes[0] if sizes else None


def _has_batch(items: Sequence[object]) -> bool:
    return not _BATCHES.isdisjoint(map(type, items))


_BATCHES = frozenset({BatchValue, BatchConstant, Detached, np.ndarray})


def is_batch(x: object) -> bool:
    """Whether ``x`` is a batch or a list holding one (one number per example)."""
    if isinstance(x, BatchValue):
        return True
    return isinstance(x, Sequence) and not isinstance(x, str) and any(
        isinstance(v, BatchValue) for v in x)


def as_node(x: Value | float | np.ndarray) -> Value:
    """x itself if it is a Value, a `BatchConstant` for per-example numbers, else a `Constant`."""
    if isinstance(x, Value):
        return x
    return BatchConstant(x) if isinstance(x, np.ndarray) else Constant(x)


def batch_array(x: object, what: str, ndims: tuple[int, ...]) -> np.ndarray:
    """``x`` (an array or nested lists, one row per example) as a numpy array of real numbers with
    one of the dimensions ``ndims``; clear errors for ragged rows, text, true/false and nan."""
    try:
        arr = np.asarray(x)
    except ValueError:
        raise ValueError(
            f"{what} is ragged: every example needs the same number of values") from None
    if arr.dtype == bool:
        raise TypeError(f"{what} must hold numbers, got true/false values (write 1 and 0)")
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"{what} must hold numbers only, got values of type {arr.dtype}"
                        + (" (rows of different lengths?)" if arr.dtype == object else ""))
    if arr.ndim not in ndims:
        shape = " or ".join({1: "(examples,)", 2: "(examples, values)"}[n] for n in ndims)
        raise ValueError(f"{what} must be an array of shape {shape}, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{what} is empty: give at least one example")
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        rows = ~np.isfinite(arr.reshape(len(arr), -1))
        example = int(np.argmax(rows.any(axis=1)))  # the first example (row) with a bad number
        raise ValueError(f"{what} must hold finite numbers, got "
                         f"{arr.reshape(len(arr), -1)[example][rows[example]][0]} in example "
                         f"{example}")
    return arr


def target_columns(target: object, n_outputs: int, n_examples: int,
                   what: str) -> list[Value | np.ndarray]:
    """A batch's targets as one per-example array per output: ``target`` of shape (B,) for one
    output, (B, k) for k outputs (or a list of k batches)."""
    if is_batch(target):
        return scalars(target, what)
    arr = batch_array(target, what, (1, 2))
    if arr.ndim == 1 and n_outputs == 1:
        arr = arr[:, None]
    if arr.shape != (n_examples, n_outputs):
        want = f"({n_examples},)" if n_outputs == 1 else f"({n_examples}, {n_outputs})"
        raise ValueError(f"{what}: the prediction is a batch of {n_examples} examples with "
                         f"{n_outputs} output(s), so the target needs shape {want}, got shape "
                         f"{np.shape(target)}")
    return [arr[:, k].astype(float) for k in range(n_outputs)]
