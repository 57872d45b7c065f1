"""Walks over a graph of Values: topological order, reverse-mode accumulation, forward mode.

All walks are iterative (an explicit stack), so a chain a million nodes deep is no problem.
"""

from __future__ import annotations

import numbers
import sys
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from . import anomaly

_LARGEST = sys.float_info.max

if TYPE_CHECKING:
    from .value import Value


def topological_order(output: Value,
                      needs: Mapping[Value, Sequence[Value]] | None = None) -> list[Value]:
    """Every node the output depends on, each after all of its parents (inputs first).

    needs: for the nodes it holds, what to place before them instead of their ``parents`` (a
    compiled program orders a `Detached` constant after the nodes it is computed from).
    """
    order: list[Value] = []
    seen: set[Value] = {output}
    # Depth-first, parents left to right, as the recursive version would go; each stack entry
    # keeps its node's iterator over parents, so a node is pushed once and each edge read once.
    stack: list[tuple[Value, Iterator[Value]]] = [
        (output, iter(output.parents if needs is None else needs.get(output, output.parents)))]
    while stack:
        node, parents = stack[-1]
        for parent in parents:
            if parent not in seen:
                seen.add(parent)
                stack.append((parent, iter(parent.parents if needs is None
                                           else needs.get(parent, parent.parents))))
                break
        else:  # every parent is placed: the node can follow them
            stack.pop()
            order.append(node)
    return order


def by_depth(order: Sequence[Value]) -> list[Value]:
    """A topological order re-sorted by depth (the longest path from an input; inputs are 0),
    ties kept in the given order: the numbering of Baydin et al.'s evaluation traces, where
    v₁ … vₖ computed from the inputs alone come first. Used by `trace` and by the drawings, so
    that a node has the same number in both."""
    return sorted(order, key=depths(order).__getitem__)


def depths(order: Sequence[Value],
           needs: Mapping[Value, Sequence[Value]] | None = None) -> dict[Value, int]:
    """Each node's depth: the longest path to it from an input (inputs are 0), for a
    topological order (made with the same ``needs``). Nodes of one depth never depend on each
    other."""
    depth: dict[Value, int] = {}
    for v in order:
        parents = v.parents if needs is None else needs.get(v, v.parents)
        depth[v] = 1 + max([depth[p] for p in parents]) if parents else 0
    return depth


def backward_walk(output: Value, grad: float = 1.0,
                  order: Sequence[Value] | None = None) -> Iterator[Value]:
    """Reverse-mode accumulation, one node at a time: yields each node once it has sent
    ``local · adjoint`` to its parents, from the output back to the inputs.

    Adjoints of intermediate nodes are recomputed by each walk; those of leaves accumulate.
    ``order`` may give another topological order of the graph (default `topological_order`).
    """
    if type(grad) is not float:
        grad = _seed(grad)
    if not isinstance(output.data, float):  # a BatchValue: one number per example
        raise ValueError(
            f"backward() needs a single number, but this output holds one per example of a "
            f"batch of {output.data.size}; reduce it first, as PyTorch asks: "
            "batch_mean(out).backward() for the mean over the examples, or batch_sum(out)")
    if order is None:
        order = topological_order(output)
    for node in order:
        if node.parents:
            node.grad = 0.0
    output.grad += grad
    check = anomaly.enabled
    for node in reversed(order):
        g = node.grad
        if check:
            anomaly.check_gradient(node, output)
        # apply makes parents and local_grads equally long; strict=True would cost ~4% a step
        for parent, local in zip(node.parents, node.local_grads):  # noqa: B905
            parent.grad += local * g  # the chain rule, the only place it is applied
        yield node


def _seed(grad: object) -> float:
    """The seed ∂out/∂out as a float: a real number, and one a float can hold."""
    if isinstance(grad, bool) or not isinstance(grad, numbers.Real):
        raise TypeError(f"the seed of backward (∂out/∂out, usually 1) must be a real number, "
                        f"got {type(grad).__name__}: {grad!r}")
    try:
        return float(grad)
    except OverflowError:
        raise ValueError("the seed of backward (∂out/∂out, usually 1) must be at most about "
                         "1.8e308 in size; this whole number is too large for a float") from None


def backward(output: Value, grad: float = 1.0) -> None:
    """Run `backward_walk` to the end: after it, ``x.grad`` holds ∂output/∂x for every input x."""
    deque(backward_walk(output, grad), maxlen=0)


def zero_grad(values: Iterable[Value]) -> None:
    """Reset the adjoint of each given Value to 0 (gradients otherwise accumulate)."""
    for v in values:
        v.grad = 0.0


def zero_grad_graph(output: Value) -> None:
    """Reset the adjoint of every node in the graph of ``output``."""
    zero_grad(topological_order(output))


def jvp(output: Value, tangents: Mapping[Value, float]) -> float:
    """Forward mode: the directional derivative Σᵢ ∂output/∂xᵢ · ẋᵢ for the given input tangents,
    propagated input-to-output with ẋ(node) = Σ ∂node/∂parent · ẋ(parent), from the same local
    derivatives reverse mode uses. Inputs not given have tangent 0.
    """
    _check_tangents(tangents)
    tangent: dict[Value, float] = {}
    for node in topological_order(output):
        if node in tangents:
            # a batch input moves every example by its tangent: one number per example, so
            # that a reduction (batch_sum's Broadcast) adds them up instead of spreading them
            tangent[node] = float(tangents[node]) + 0.0 * node.data
        else:
            pairs = zip(node.parents, node.local_grads, strict=True)
            tangent[node] = sum([local * tangent[p] for p, local in pairs], 0.0)
    return tangent[output]


def _check_tangents(tangents: object) -> None:
    """Refuse tangents that would otherwise give a silent 0 (a name instead of the input Value)
    or a message from deep inside (a string, a list)."""
    if not isinstance(tangents, Mapping):
        raise TypeError("jvp needs the tangents as a dict {input Value: number}, e.g. {x: 1.0}; "
                        f"got {type(tangents).__name__}")
    for key, t in tangents.items():
        if not hasattr(key, "local_grads"):  # a Value (graph.py cannot import value.py)
            raise TypeError(f"jvp's tangents are keyed by the input Values themselves, e.g. "
                            f"{{x: 1.0}}; got the {type(key).__name__} {key!r}")
        if isinstance(t, bool) or not isinstance(t, numbers.Real):
            raise TypeError(f"the tangent of {key.label or repr(key)} must be a real number, "
                            f"got {type(t).__name__}: {t!r}")
        if not -_LARGEST <= t <= _LARGEST:
            raise ValueError(f"the tangent of {key.label or repr(key)} must be a finite number "
                             f"a float can hold, got {t}")
