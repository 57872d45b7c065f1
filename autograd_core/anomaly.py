"""Anomaly detection (off by default): stop at the first node whose value or adjoint is NaN/inf.

Use ``with detect_anomaly(): ...`` or ``set_detect_anomaly(True)``; as in PyTorch, it costs time,
so it is a tool for finding a bug, not a setting to leave on.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

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


def _name(node: Value) -> str:
    return node.label or (node.op if node.op else f"{node.data:.6g}")


def _label_chain(node: Value) -> str:
    """The path from an input to ``node``, following at each step the first parent that is
    itself non-finite (where the trouble came from), else the first parent."""
    chain = [node]
    while chain[-1].parents:
        parents = chain[-1].parents
        chain.append(next((p for p in parents if not math.isfinite(p.data)), parents[0]))
    return " → ".join(_name(n) for n in reversed(chain))


def _describe(node: Value) -> str:
    inputs = ", ".join(f"{_name(p)}={p.data:.6g}" for p in node.parents)
    return f"op '{node.op}' with inputs ({inputs}); label chain: {_label_chain(node)}"


def forward_anomaly(node: Value) -> None:
    """Raise for a node whose value just came out NaN/inf."""
    raise AnomalyError(f"value became {node.data} at {_describe(node)}")


def check_gradient(node: Value, output: Value) -> None:
    """Raise if the (complete) adjoint of ``node`` is NaN/inf in the walk from ``output``."""
    if not math.isfinite(node.grad):
        where = _describe(node) if node.parents else f"input {_name(node)}={node.data:.6g}"
        raise AnomalyError(
            f"gradient ∂{_name(output)}/∂{_name(node)} became {node.grad} at {where}"
        )
