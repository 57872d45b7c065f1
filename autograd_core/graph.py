"""Walks over a graph of Values: topological order, reverse-mode accumulation, forward mode.

All walks are iterative (an explicit stack), so a chain a million nodes deep is no problem.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from . import anomaly

if TYPE_CHECKING:
    from .value import Value


def topological_order(output: Value) -> list[Value]:
    """Every node the output depends on, each after all of its parents (inputs first)."""
    order: list[Value] = []
    seen: set[Value] = set()
    stack: list[tuple[Value, bool]] = [(output, False)]
    while stack:
        node, parents_done = stack.pop()
        if parents_done:
            order.append(node)
        elif node not in seen:
            seen.add(node)
            stack.append((node, True))
            # reversed, so that the first parent is visited first and orders read left to right
            stack.extend([(p, False) for p in reversed(node.parents) if p not in seen])
    return order


def backward_walk(output: Value, grad: float = 1.0,
                  order: Sequence[Value] | None = None) -> Iterator[Value]:
    """Reverse-mode accumulation, one node at a time: yields each node once it has sent
    ``local · adjoint`` to its parents, from the output back to the inputs.

    Adjoints of intermediate nodes are recomputed by each walk; those of leaves accumulate.
    ``order`` may give another topological order of the graph (default `topological_order`).
    """
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
        for parent, local in zip(node.parents, node.local_grads):
            parent.grad += local * g  # the chain rule, the only place it is applied
        yield node


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
    tangent: dict[Value, float] = {}
    for node in topological_order(output):
        if node in tangents:
            tangent[node] = float(tangents[node])
        else:
            tangent[node] = sum(
                [local * tangent[p] for p, local in zip(node.parents, node.local_grads)], 0.0
            )
    return tangent[output]
