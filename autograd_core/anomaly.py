"""Anomaly detection (off by default): stop at the first node whose value or adjoint is NaN/inf.

Use ``with detect_anomaly(): ...`` or ``set_detect_anomaly(True)``; as in PyTorch, it costs time,
so it is a tool for finding a bug, not a setting to leave on.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from .value import Value

enabled = False


class AnomalyError(FloatingPointError):
    """A node's value or adjoint became NaN or infinite."""


def set_detect_anomaly(on: bool) -> None:
    """Turn anomaly detection on or off for the whole process."""
    global enabled
    enabled = bool(on)


@contextmanager
def detect_anomaly() -> Iterator[None]:
    """Anomaly detection inside a ``with`` block, restored afterwards."""
    global enabled
    before, enabled = enabled, True
    try:
        yield
    finally:
        enabled = before


def _finite(x: Any) -> bool:
    """Whether a number, or every example of a batch, is finite."""
    return math.isfinite(x) if isinstance(x, float | int) else bool(np.all(np.isfinite(x)))


def _show(x: Any) -> str:
    """A number as 6 significant digits; a batch as its numbers, with the first bad example."""
    if isinstance(x, float | int):
        return f"{x:.6g}"
    arr = np.asarray(x, dtype=float)
    bad = np.flatnonzero(~np.isfinite(arr))
    text = np.array2string(arr, precision=6, threshold=8)
    return text + (f" (example {bad[0]} is {arr[bad[0]]})" if bad.size else "")


def _name(node: Value) -> str:
    return node.label or (node.op if node.op else _show(node.data))


def _label_chain(node: Value) -> str:
    """The path from an input to ``node``, following at each step the first parent that is
    itself non-finite (where the trouble came from), else the first parent."""
    chain = [node]
    while chain[-1].parents:
        parents = chain[-1].parents
        chain.append(next((p for p in parents if not _finite(p.data)), parents[0]))
    return " → ".join(_name(n) for n in reversed(chain))


def _describe(node: Value) -> str:
    inputs = ", ".join(f"{_name(p)}={_show(p.data)}" for p in node.parents)
    return f"op '{node.op}' with inputs ({inputs}); label chain: {_label_chain(node)}"


def forward_anomaly(node: Value) -> None:
    """Raise for a node whose value just came out NaN/inf."""
    raise AnomalyError(f"value became {_show(node.data)} at {_describe(node)}")


def check_gradient(node: Value, output: Value) -> None:
    """Raise if the (complete) adjoint of ``node`` is NaN/inf in the walk from ``output``, or if
    one of the contributions v̄ₚ += v̄·∂v/∂p it is about to send is: then the op to blame is this
    node's (its local derivative ∂v/∂p blew up, as d√x/dx = 1/(2√x) at 0), not the parent's."""
    g = node.grad
    if not _finite(g):
        where = _describe(node) if node.parents else f"input {_name(node)}={_show(node.data)}"
        raise AnomalyError(f"gradient ∂{_name(output)}/∂{_name(node)} became {_show(g)} at {where}")
    for parent, local in zip(node.parents, node.local_grads, strict=True):
        contribution = local * g
        if not _finite(contribution):
            # a batch's parameter edge holds its local derivative in a Broadcast (batch.py)
            local_number = getattr(local, "local", local)
            to = f"node {_name(parent)}" if parent.parents else (
                f"input {_name(parent)}={_show(parent.data)}")
            raise AnomalyError(
                f"gradient ∂{_name(output)}/∂{_name(parent)} became {_show(contribution)} on its "
                f"way to {to}: the local derivative ∂{_name(node)}/∂{_name(parent)} = "
                f"{_show(local_number)} of {_describe(node)}")
