"""Loss functions composed from Value ops, called as PyTorch does: ``loss(prediction, target)``.

A prediction or target is a Value, a number, or a list of them (one example's outputs); each loss
makes one term per output and reduces the terms with ``reduction="mean"`` (Σ/n) or ``"sum"`` (Σ).
Losses whose definition is a sum over the outputs (the lecture's E = Σₖ (tₖ − oₖ)², the KL
divergence) sum by default; the others average, as PyTorch does.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence

import numpy as np

from autograd_core import Value, as_value, vsum

from ._inputs import Scalar, data_of, scalars
from .outputs import log_softmax

Prediction = Scalar | Sequence[Scalar]
Target = Scalar | Sequence[Scalar]
REDUCTIONS = ("mean", "sum")


def _check_reduction(reduction: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be 'mean' or 'sum', got {reduction!r}")


def _reduce(terms: list[Value | float], reduction: str) -> Value:
    """Σ terms (one `vsum` node) or their mean; a single term stays itself, so that the graph of
    one output's loss is exactly the lecture's (t − o)²."""
    total = as_value(terms[0]) if len(terms) == 1 else vsum(terms)
    return total / len(terms) if reduction == "mean" and len(terms) > 1 else total


def _pairs(prediction: Prediction, target: Target, loss: str,
           reduction: str) -> list[tuple[Scalar, Scalar]]:
    _check_reduction(reduction)
    outs = scalars(prediction, f"{loss} prediction")
    targets = scalars(target, f"{loss} target")
    if len(outs) != len(targets):
        raise ValueError(
            f"{loss}: the prediction has {len(outs)} values but the target has {len(targets)}"
        )
    return list(zip(outs, targets, strict=True))


def _in_unit_interval(x: Scalar, what: str) -> None:
    if not 0.0 <= data_of(x, what) <= 1.0:
        raise ValueError(f"{what} must be in [0, 1], got {data_of(x, what)}")


def _xlogy(c: Scalar, p: Scalar, loss: str) -> Value | float:
    """c·ln p, with 0·ln 0 = 0 (its limit); c·ln 0 for c > 0 is an infinite loss."""
    if data_of(p, loss) == 0.0:
        if data_of(c, loss) == 0.0:
            return 0.0
        raise ValueError(
            f"{loss} is infinite: a probability of 0 was predicted where the target gives "
            f"{data_of(c, loss)}"
        )
    return c * as_value(p).log()


def _elementwise(prediction: Prediction, target: Target, reduction: str, loss: str,
                 term: Callable[[Scalar, Scalar], Value | float]) -> Value:
    """One ``term(o, t)`` per output, reduced."""
    pairs = _pairs(prediction, target, loss, reduction)
    return _reduce([term(o, t) for o, t in pairs], reduction)


def _squared(o: Scalar, t: Scalar) -> Value:
    return (as_value(t) - o) ** 2


def squared_error(prediction: Prediction, target: Target, reduction: str = "sum") -> Value:
    """E = Σₖ (tₖ − oₖ)², the lecture's error; ∂E/∂oₖ = −2(tₖ − oₖ)."""
    return _elementwise(prediction, target, reduction, "squared_error", _squared)


def half_squared_error(prediction: Prediction, target: Target, reduction: str = "sum") -> Value:
    """E = ½ Σₖ (tₖ − oₖ)², as textbooks tabulate it; ∂E/∂oₖ = −(tₖ − oₖ)."""
    return _elementwise(prediction, target, reduction, "half_squared_error",
                        lambda o, t: 0.5 * _squared(o, t))


def mse(prediction: Prediction, target: Target, reduction: str = "mean") -> Value:
    """Mean squared error (L2, quadratic loss): (1/n) Σₖ (tₖ − oₖ)²."""
    return _elementwise(prediction, target, reduction, "mse", _squared)


def mae(prediction: Prediction, target: Target, reduction: str = "mean") -> Value:
    """Mean absolute error (L1): (1/n) Σₖ |tₖ − oₖ|; derivative −sign(tₖ − oₖ), 0 at 0."""
    return _elementwise(prediction, target, reduction, "mae",
                        lambda o, t: (as_value(t) - o).abs())


def huber(prediction: Prediction, target: Target, reduction: str = "mean",
          delta: float = 1.0) -> Value:
    """Huber loss of d = o − t: ½d² for |d| ≤ δ, else δ(|d| − ½δ) (quadratic near 0, linear far)."""
    delta = data_of(delta, "huber's delta")
    if delta <= 0:
        raise ValueError(f"huber's delta must be positive, got {delta}")

    def term(o: Scalar, t: Scalar) -> Value:
        d = as_value(o) - t
        return 0.5 * d**2 if abs(d.data) <= delta else delta * (d.abs() - 0.5 * delta)

    return _elementwise(prediction, target, reduction, "huber", term)


def _bce(p: Scalar, t: Scalar) -> Value | float:
    _in_unit_interval(p, "binary_cross_entropy's predicted probability (apply sigmoid first)")
    _in_unit_interval(t, "binary_cross_entropy's target")
    return -(_xlogy(t, p, "binary_cross_entropy")
             + _xlogy(1 - t, 1 - p, "binary_cross_entropy"))


def binary_cross_entropy(prediction: Prediction, target: Target,
                         reduction: str = "mean") -> Value:
    """−[t·ln p + (1 − t)·ln(1 − p)] per output, p a probability (after sigmoid), t in [0, 1]."""
    return _elementwise(prediction, target, reduction, "binary_cross_entropy", _bce)


def _kl(q: Scalar, t: Scalar) -> Value | float:
    _in_unit_interval(q, "kl_divergence's predicted probability")
    _in_unit_interval(t, "kl_divergence's target probability")
    return _xlogy(t, t, "kl_divergence") - _xlogy(t, q, "kl_divergence")


def kl_divergence(prediction: Prediction, target: Target, reduction: str = "sum") -> Value:
    """KL(t ‖ q) = Σᵢ tᵢ·(ln tᵢ − ln qᵢ), q predicted and t the target distribution; 0·ln 0 = 0.

    Takes probabilities, not PyTorch's log-probabilities: ``kl_div(q.log(), t)`` is this.
    """
    return _elementwise(prediction, target, reduction, "kl_divergence", _kl)


def _hinge(y: Scalar, t: Scalar) -> Value:
    if data_of(t, "hinge target") not in (-1.0, 1.0):
        raise ValueError(
            f"hinge needs targets -1 or +1, got {data_of(t, 'hinge target')} "
            "(for 0/1 labels use 2·t − 1)"
        )
    return (1 - as_value(y) * t).relu()


def hinge(prediction: Prediction, target: Target, reduction: str = "mean") -> Value:
    """Binary hinge loss max(0, 1 − t·y) for a score y and a label t of −1 or +1 (SVM)."""
    return _elementwise(prediction, target, reduction, "hinge", _hinge)


def _examples(prediction: object, target: object, loss: str,
              reduction: str) -> list[tuple[list[Scalar], int]]:
    """(scores, class index) per example: one example, or a list of them with a list of indices."""
    _check_reduction(reduction)
    if isinstance(target, Sequence | np.ndarray) and not isinstance(target, str):
        if not isinstance(prediction, Sequence | np.ndarray) or len(prediction) != len(target):
            raise ValueError(
                f"{loss}: a list of {len(target)} class indices needs a list of as many score lists"
            )
        if len(target) == 0:
            raise ValueError(f"{loss}: no examples given")
        return [_example(p, t, loss) for p, t in zip(prediction, target, strict=True)]
    return [_example(prediction, target, loss)]


def _example(scores: object, index: object, loss: str) -> tuple[list[Scalar], int]:
    zs = scalars(scores, f"{loss} scores")
    if isinstance(index, bool) or not isinstance(index, numbers.Integral):
        raise TypeError(
            f"{loss} target must be a class index (a whole number), got "
            f"{type(index).__name__}: {index!r}"
        )
    if not 0 <= index < len(zs):
        raise ValueError(
            f"{loss}: class index {index} is out of range for {len(zs)} classes (0..{len(zs) - 1})"
        )
    return zs, int(index)


def cross_entropy(prediction: Sequence[Scalar] | Sequence[Sequence[Scalar]],
                  target: int | Sequence[int], reduction: str = "mean") -> Value:
    """Categorical cross-entropy from raw scores (logits): −ln softmax(z)_y = −log_softmax(z)_y.

    One example (scores and a class index y) or a list of examples with a list of indices.
    """
    examples = _examples(prediction, target, "cross_entropy", reduction)
    return _reduce([-log_softmax(zs)[y] for zs, y in examples], reduction)


def multiclass_hinge(prediction: Sequence[Scalar] | Sequence[Sequence[Scalar]],
                     target: int | Sequence[int], reduction: str = "mean",
                     margin: float = 1.0) -> Value:
    """Multi-class SVM loss (cs231n): Σ_{j ≠ y} max(0, s_j − s_y + Δ), Δ the margin.

    PyTorch's ``multi_margin_loss`` is this divided by the number of classes.
    """
    examples = _examples(prediction, target, "multiclass_hinge", reduction)
    margin = data_of(margin, "multiclass_hinge's margin")
    if margin < 0:
        raise ValueError(f"multiclass_hinge's margin must not be negative, got {margin}")
    terms = []
    for zs, y in examples:
        if len(zs) < 2:
            raise ValueError("multiclass_hinge needs scores for at least 2 classes")
        right = as_value(zs[y])
        terms.append(vsum([(as_value(s) - right + margin).relu()
                           for j, s in enumerate(zs) if j != y]))
    return _reduce(terms, reduction)


LOSSES: dict[str, Callable[..., Value]] = {
    "squared_error": squared_error,
    "half_squared_error": half_squared_error,
    "mse": mse,
    "mae": mae,
    "huber": huber,
    "binary_cross_entropy": binary_cross_entropy,
    "cross_entropy": cross_entropy,
    "kl_divergence": kl_divergence,
    "hinge": hinge,
    "multiclass_hinge": multiclass_hinge,
}
