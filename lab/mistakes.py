"""The usual mistakes of a hand calculation of backpropagation, each a small function that
recomputes a number the wrong way from the student's own values.

A mistake's ``wrong(q, world)`` gives the values ``q`` takes when that mistake is made (none when
it does not apply to ``q``); the checker compares the student's number with them. The numbers
come from `lab.replay`: the same rule-table replay that gives the right ones, run with one thing
changed (a factor, a sign, the weights, a bias).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .replay import Quantity, StepReplay

_SQUARED = ("squared", "half-squared", "mse")


@dataclass(frozen=True)
class Mistake:
    """One catalogued mistake: its id, a one-line explanation, and how it recomputes a number."""

    id: str
    explanation: Callable[[StepReplay], str]
    wrong: Callable[[Quantity, StepReplay], list[float]]


def _output_units(world: StepReplay) -> set[str]:
    return {str(n.unit) for n in world.record.model.layers[-1].neurons}


def _half_factor(q: Quantity, world: StepReplay) -> list[float]:
    """½(t − o)² for (t − o)² or the other way round: E, each δ and ∂E/∂p off by a factor 2."""
    if world.record.loss_name not in _SQUARED or q.kind not in ("E", "delta", "grad"):
        return []
    x = world.recomputed[q]
    return [2 * x, x / 2]


def _half_factor_text(world: StepReplay) -> str:
    if world.record.loss_name == "half-squared":
        return ("a factor of 2: here E = ½(t − o)², so ∂E/∂o = −(t − o), not −2(t − o) as for "
                "(t − o)²")
    return ("a factor of 2: here E = (t − o)² (the lecture's), so ∂E/∂o = −2(t − o), not "
            "−(t − o) as for the textbooks' ½(t − o)²")


def _sign(q: Quantity, world: StepReplay) -> list[float]:
    """(o − t) for (t − o): δ and ∂E/∂p negated; or a step that adds the gradient."""
    if q.kind in ("delta", "grad"):
        return [-world.recomputed[q]]
    if q.kind == "new" and q.name not in world.record.frozen:
        return [world.update(q.name, -world.values[q.at("grad", q.name)])]
    return []


def _missing_derivative(q: Quantity, world: StepReplay) -> list[float]:
    """δ_j (and ∂E/∂p through it, in each example's pass) without the activation's derivative
    ∂o_j/∂i_j."""
    if q.kind == "delta":
        parts = [(world.recomputed[q], world.slope(q.name, q.example))]
    elif q.kind == "grad":
        unit = world.unit_of[q.name]
        parts = [(pr.gradients[q.name], world.slope(unit, example))
                 for example, pr in world.passes_by_example.items()]
    else:
        return []
    if any(slope == 0.0 for _, slope in parts) or all(slope == 1.0 for _, slope in parts):
        return []  # nothing to leave out (a linear unit), or nothing to divide by
    return [sum(x / slope for x, slope in parts)]


def _updated_weight(q: Quantity, world: StepReplay) -> list[float]:
    """A hidden δ (and the gradients through it) computed with the updated weights."""
    if q.kind not in ("delta", "grad"):
        return []
    new = {p: world.values[Quantity("new", p, q.step)] for p in world.old}
    twin = world.twin("updated-weight", new, {**world.given, **world.forward_values()})
    return [twin.recomputed[q]]


def _no_bias(q: Quantity, world: StepReplay) -> list[float]:
    """A unit's net input without its bias, and its output from that; E from the output
    units' so computed (every other unit's numbers as the student's values made them)."""
    if q.kind not in ("i", "o", "E"):
        return []
    units = _output_units(world) if q.kind == "E" else {q.name}
    leaves = {p: 0.0 if world.unit_of[p] in units and p in world.biases else x
              for p, x in world.old.items()}
    others = {k: x for k, x in world.forward_values().items()
              if k.kind in ("i", "o") and k.name not in units}
    twin = world.twin(f"no-bias {' '.join(sorted(units))}", leaves, {**world.given, **others})
    return [twin.recomputed[q]]


def _net(world: StepReplay, i: Quantity) -> float:
    """The student's i_j if they wrote it, else as their inputs to it make it."""
    return world.given.get(i, world.recomputed[i])


def _net_for_out(q: Quantity, world: StepReplay) -> list[float]:
    """The net input i_j used as the unit's output o_j: as o_j itself, or in the next layer's
    net inputs, in E, and in the gradients of the weights it multiplies."""
    if q.kind == "o":
        return [_net(world, q.at("i", q.name))]
    if q.kind not in ("i", "E", "grad"):
        return []
    nets_as_outs = {k.at("o", k.name): _net(world, k) for k in world.values if k.kind == "i"}
    deltas = {k: x for k, x in world.values.items() if k.kind == "delta"}
    twin = world.twin("net-for-out", world.old, {**world.given, **nets_as_outs, **deltas})
    return [twin.recomputed[q]]


def _learning_rate(q: Quantity, world: StepReplay) -> list[float]:
    """η left out of the update, or applied twice (also: a gradient that already holds η)."""
    if q.kind == "grad":
        return [world.record.lr * world.recomputed[q]]
    if q.kind != "new" or q.name in world.record.frozen:
        return []
    g, lr = world.values[q.at("grad", q.name)], world.record.lr
    return [world.update(q.name, g, lr=1.0), world.update(q.name, g, lr=lr * lr)]


CATALOGUE: tuple[Mistake, ...] = (
    Mistake("half-factor", _half_factor_text, _half_factor),
    Mistake("sign", lambda w: "a sign: δ_j = −∂E/∂i_j, so an output's δ has (t − o), not "
            "(o − t); and a step goes against the gradient, p − η·∂E/∂p", _sign),
    Mistake("missing-derivative", lambda w: "the activation's derivative ∂o_j/∂i_j (for σ: "
            "o_j(1 − o_j)) is left out of the chain rule", _missing_derivative),
    Mistake("updated-weight", lambda w: "the backward pass uses the weights of the forward pass, "
            "not the updated ones (the update comes after every gradient is known)",
            _updated_weight),
    Mistake("no-bias", lambda w: "the bias is part of the net input: i_j = Σᵢ w_ij·o_i + b_j",
            _no_bias),
    Mistake("net-for-out", lambda w: "the net input i_j is not the unit's output: o_j = f(i_j), "
            "and the next layer (and ∂E/∂w) takes o_j", _net_for_out),
    Mistake("learning-rate", lambda w: "the update is p − η·∂E/∂p: η once, not left out, not "
            "twice (and ∂E/∂p itself has no η)", _learning_rate),
)
MISTAKES: dict[str, Mistake] = {m.id: m for m in CATALOGUE}
