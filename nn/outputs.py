"""Output units and their decisions, as the lecture teaches them.

- linear unit (regression): the net input itself, see `nn.activations`;
- sigmoid, binary: σ(z) ≥ 0.5 → class 1, else 0 (`binary_decision`);
- sigmoid, multi-label: each label present where its σ(z) ≥ 0.5 (`multilabel_decision`);
- softmax, multi-class: pᵢ = e^zᵢ / Σⱼ e^zⱼ, probabilities summing to 1, label = argmax.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce

import numpy as np

from autograd_core import Constant, Detached, Value, vsum

from ._inputs import Scalar, as_node, data_of, is_batch, scalars


def largest(*xs: np.ndarray) -> np.ndarray:
    """maxⱼ xⱼ entry by entry (NaN stays NaN): softmax's shift for each example."""
    return reduce(np.maximum, xs)


SHIFT = "m"  # the name of softmax's shift m = maxⱼ zⱼ in a scalar graph


def _shifted_exps(scores: Sequence[Scalar], what: str) -> tuple[list[Value], list[Value]]:
    """zᵢ − m and e^(zᵢ − m) with m = maxⱼ zⱼ taken as a constant.

    Subtracting m changes no probability (it cancels between numerator and denominator) but keeps
    every e^… ≤ 1, so scores like 1000 do not overflow. For a batch, m is each example's maximum,
    a `Detached` constant (so a compiled program recomputes it for each batch).
    """
    zs = scalars(scores, what)
    data = [data_of(z, what) for z in zs]
    if is_batch(zs):
        zs = [as_node(z) for z in zs]
        m = Detached(largest, zs)
    else:  # named, so that a formula written from the graph says m, not its number
        m = Constant(max(data), label=SHIFT)
    shifted = [as_node(z) - m for z in zs]
    return shifted, [s.exp() for s in shifted]


def softmax(scores: Sequence[Scalar]) -> list[Value]:
    """pᵢ = e^zᵢ / Σⱼ e^zⱼ, computed as e^(zᵢ − m) / Σⱼ e^(zⱼ − m), m the largest score."""
    _, exps = _shifted_exps(scores, "softmax scores")
    total = vsum(exps)
    return [e / total for e in exps]


def log_softmax(scores: Sequence[Scalar]) -> list[Value]:
    """ln pᵢ = zᵢ − m − ln Σⱼ e^(zⱼ − m): finite even where pᵢ underflows to 0."""
    shifted, exps = _shifted_exps(scores, "log_softmax scores")
    log_total = vsum(exps).log()
    return [s - log_total for s in shifted]


def _probability(p: Scalar, what: str) -> float:
    value = data_of(p, what)
    if not 0.0 <= value <= 1.0:
        raise ValueError(
            f"{what} must be a probability in [0, 1], got {value}; "
            "apply sigmoid to the output score first"
        )
    return value


def binary_decision(p: Scalar, threshold: float = 0.5) -> int:
    """The sigmoid unit's class: 1 if p ≥ threshold (0.5 on the slide), else 0."""
    cut = _probability(threshold, "threshold")
    return int(_probability(p, "binary_decision's probability") >= cut)


def multilabel_decision(ps: Sequence[Scalar], threshold: float = 0.5) -> list[int]:
    """One sigmoid per label: label k is present (1) where pₖ ≥ threshold; several may be."""
    items = scalars(ps, "multilabel_decision's probabilities")
    cut = _probability(threshold, "threshold")
    return [int(_probability(p, f"probability of label {k}") >= cut)
            for k, p in enumerate(items)]


def argmax(values: Sequence[Scalar]) -> int:
    """The index of the largest value (the first one on a tie): softmax's single label."""
    data = [data_of(v, "argmax's value") for v in scalars(values, "argmax's values")]
    return max(range(len(data)), key=data.__getitem__)
