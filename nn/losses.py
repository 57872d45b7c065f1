"""Loss functions composed from Value ops, called as PyTorch does: ``loss(prediction, target)``.

A prediction or target is a Value, a number, or a list of them (one example's outputs); each loss
makes one term per output and reduces the terms with ``reduction="mean"`` (Σ/n) or ``"sum"`` (Σ).
Losses whose definition is a sum over the outputs (the lecture's E = Σₖ (tₖ − oₖ)², the KL
divergence) sum by default; the others average, as PyTorch does.

A batch (``model(X)`` on a table X): the prediction is a BatchValue or a list of them (one per
output), the target an array of shape (B,) or (B, k) (class indices (B,) for cross_entropy and
multiclass_hinge). The same terms are computed for every example at once, and the reduction
then runs over the examples too: L = (1/B)·Σₑ Lₑ for "mean", Σₑ Lₑ for "sum".
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence

import numpy as np

from autograd_core import (
    BatchConstant,
    BatchValue,
    Detached,
    Value,
    batch_mean,
    batch_sum,
    linear,
    vsum,
)

from ._inputs import (
    Scalar,
    as_node,
    batch_array,
    batch_size,
    check_all,
    data_of,
    is_batch,
    scalars,
    target_columns,
)
from .outputs import log_softmax

Prediction = Scalar | Sequence[Scalar]
Target = Scalar | Sequence[Scalar]
REDUCTIONS = ("mean", "sum")


class InfiniteLossError(ValueError):
    """A cross-entropy or KL loss is infinite: probability 0 predicted for an outcome the target
    gives (in training, a sign that the steps were too large and a sigmoid saturated)."""


def _check_reduction(reduction: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be 'mean' or 'sum', got {reduction!r}")


def _reduce(terms: list[Value | float], reduction: str) -> Value:
    """Σ terms (one `vsum` node) or their mean; a single term stays itself, so that the graph of
    one output's loss is exactly the lecture's (t − o)². For a batch, then Σₑ or (1/B)·Σₑ."""
    total = as_node(terms[0]) if len(terms) == 1 else vsum(terms)
    total = total / len(terms) if reduction == "mean" and len(terms) > 1 else total
    return batch_mean(total) if reduction == "mean" else batch_sum(total)


def _pairs(prediction: Prediction, target: Target, loss: str,
           reduction: str) -> list[tuple[Scalar, Scalar]]:
    _check_reduction(reduction)
    outs = scalars(prediction, f"{loss} prediction")
    n = batch_size(outs, f"{loss} prediction")
    targets = (scalars(target, f"{loss} target") if n is None
               else target_columns(target, len(outs), n, f"{loss} target"))
    if len(outs) != len(targets):
        raise ValueError(
            f"{loss}: the prediction has {len(outs)} values but the target has {len(targets)}"
        )
    return list(zip(outs, targets, strict=True))


def _in_unit_interval(x: Scalar, what: str) -> None:
    v = data_of(x, what)
    check_all((0.0 <= v) & (v <= 1.0), v, f"{what} must be in [0, 1], got {{}}")


def _xlogy(c: Scalar, p: Scalar, loss: str) -> Value | float:
    """c·ln p, with 0·ln 0 = 0 (its limit); c·ln 0 for c > 0 is an infinite loss."""
    cs, ps = data_of(c, loss), data_of(p, loss)
    check_all((ps != 0.0) | (cs == 0.0), cs, f"{loss} is infinite: a probability of 0 was "
                                             "predicted where the target gives {}",
              InfiniteLossError)
    zero = ps == 0.0
    if np.all(zero):
        return 0.0
    if np.any(zero):  # some examples of a batch: ln(p + 1) = 0 there, and p + 0 = p elsewhere
        return c * (as_node(p) + zero.astype(float)).log()
    return c * as_node(p).log()


def _elementwise(prediction: Prediction, target: Target, reduction: str, loss: str,
                 term: Callable[[Scalar, Scalar], Value | float]) -> Value:
    """One ``term(o, t)`` per output, reduced."""
    pairs = _pairs(prediction, target, loss, reduction)
    return _reduce([term(o, t) for o, t in pairs], reduction)


def _squared(o: Scalar, t: Scalar) -> Value:
    target = as_node(t)
    if target is not t:  # a number made into a node here: name it, so drawings read "t = 1"
        target.label = "t"
    return (target - o) ** 2


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
                        lambda o, t: (as_node(t) - o).abs())


def huber(prediction: Prediction, target: Target, reduction: str = "mean",
          delta: float = 1.0) -> Value:
    """Huber loss of d = o − t: ½d² for |d| ≤ δ, else δ(|d| − ½δ) (quadratic near 0, linear far)."""
    delta = data_of(delta, "huber's delta")
    if delta <= 0:
        raise ValueError(f"huber's delta must be positive, got {delta}")

    def term(o: Scalar, t: Scalar) -> Value:
        d = as_node(o) - t
        if is_batch(d):  # min(|d|, δ) = δ − relu(δ − |d|): both cases at once, no branch
            size = d.abs()
            m = delta - (delta - size).relu()
            return 0.5 * m**2 + delta * (size - m)
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
    ts = data_of(t, "hinge target")
    check_all((ts == -1.0) | (ts == 1.0), ts,
              "hinge needs targets -1 or +1, got {} (for 0/1 labels use 2·t − 1)")
    return (1 - as_node(y) * t).relu()


def hinge(prediction: Prediction, target: Target, reduction: str = "mean") -> Value:
    """Binary hinge loss max(0, 1 − t·y) for a score y and a label t of −1 or +1 (SVM)."""
    return _elementwise(prediction, target, reduction, "hinge", _hinge)


def _examples(prediction: object, target: object, loss: str,
              reduction: str) -> list[tuple[list[Scalar], int | BatchValue]]:
    """(scores, class index) per example: one example, or a list of them with a list of indices;
    or one batch: (a batch of scores per class, the array of the examples' class indices)."""
    _check_reduction(reduction)
    if is_batch(prediction):
        return [_batch_example(prediction, target, loss)]
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


def _batch_example(scores: object, index: object, loss: str) -> tuple[list[Scalar], BatchValue]:
    """The batch's scores, and its class indices as one node: given as an array of whole
    numbers, or as a batch node holding them (a compiled program's input)."""
    zs = scalars(scores, f"{loss} scores")
    what = f"{loss} target (the examples' class indices)"
    node = index[0] if isinstance(index, list) and len(index) == 1 else index
    if isinstance(node, BatchValue):
        y = node.data
        check_all(y == np.round(y), y, f"{loss} target must hold class indices (whole numbers), "
                                       "got {}")
    else:
        y = batch_array(index, what, (1,))
        if y.dtype.kind not in "iu":
            raise TypeError(f"{loss} target must hold class indices (whole numbers), got "
                            f"{y.dtype}")
        node = BatchConstant(y)
    if len(y) != batch_size(zs, loss):
        raise ValueError(f"{loss}: the scores are a batch of {batch_size(zs, loss)} examples but "
                         f"the target has {len(y)} class indices")
    check_all((0 <= y) & (y < len(zs)), y, f"{loss}: class index {{}} is out of range for "
                                           f"{len(zs)} classes (0..{len(zs) - 1})")
    return zs, node


def is_class(y: np.ndarray, j: float) -> np.ndarray:
    """The mask [y = j]: 1.0 for the examples of class j, else 0.0."""
    return (y == j).astype(float)


def is_not_class(y: np.ndarray, j: float) -> np.ndarray:
    """The mask [y ≠ j]."""
    return (y != j).astype(float)


def _masked_sum(values: list[Value], index: BatchValue, mask: object) -> Value:
    """Σⱼ maskⱼ·valuesⱼ as one node, each mask a `Detached` constant computed from the class
    indices (exact: x·1 = x and x·0 = 0)."""
    masks = [Detached(mask, (index,), (float(j),)) for j in range(len(values))]
    return linear(masks, values)


def _pick(values: list[Value], index: int | BatchValue) -> Value:
    """values[index]; for a batch of indices, per example, Σⱼ [index = j]·valuesⱼ."""
    if isinstance(index, BatchValue):
        return _masked_sum(values, index, is_class)
    return values[index]


def _sum_except(values: list[Value], index: int | BatchValue) -> Value:
    """Σ_{j ≠ index} valuesⱼ; for a batch of indices, Σⱼ [index ≠ j]·valuesⱼ."""
    if isinstance(index, BatchValue):
        return _masked_sum(values, index, is_not_class)
    return vsum([v for j, v in enumerate(values) if j != index])


def cross_entropy(prediction: Sequence[Scalar] | Sequence[Sequence[Scalar]],
                  target: int | Sequence[int], reduction: str = "mean") -> Value:
    """Categorical cross-entropy from raw scores (logits): −ln softmax(z)_y = −log_softmax(z)_y.

    One example (scores and a class index y) or a list of examples with a list of indices.
    """
    examples = _examples(prediction, target, "cross_entropy", reduction)
    return _reduce([-_pick(log_softmax(zs), y) for zs, y in examples], reduction)


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
        right = as_node(_pick(zs, y))
        terms.append(_sum_except([(as_node(s) - right + margin).relu() for s in zs], y))
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

# The command line's and spec files' short names; every loss is also known by its own name
# with "-" for "_" (mse, mae, huber, kl-divergence, ...).
SHORT_NAMES = {"squared": "squared_error", "half-squared": "half_squared_error",
               "bce": "binary_cross_entropy"}


def loss_name(name: object) -> str:
    """The loss's command-line name ("squared", "cross-entropy", ...) for any name it goes by."""
    if not isinstance(name, str):
        raise TypeError(f"a loss is given by its name, got {name!r}")
    key = name.strip().lower().replace("_", "-")
    long = {k.replace("_", "-"): k for k in LOSSES}
    if key in SHORT_NAMES or key in long:
        short = {v: k for k, v in SHORT_NAMES.items()}
        return short.get(long.get(key, ""), key)
    known = [*SHORT_NAMES, *(k for k in long if long[k] not in SHORT_NAMES.values())]
    raise ValueError(f"unknown loss {name!r}; choose one of {', '.join(known)}")


def loss_by_name(name: str) -> Callable[..., Value]:
    """The loss function a command-line name stands for."""
    name = loss_name(name)
    return LOSSES[SHORT_NAMES.get(name, name.replace("-", "_"))]
