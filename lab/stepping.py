"""Gradient descent on a spec's network, one record per update: the numbers a student checks.

Each update: for its example(s) a forward pass (net inputs i_j, outputs o_j, loss E), a backward
pass (error terms δ_j = −∂E/∂i_j, gradients ∂E/∂w), then w ← w − η·∂E/∂w for every parameter not
frozen. ``update = "per-example"`` updates after each example; ``"per-epoch"`` once per pass over
the examples, with the sum Σₑ ∂Eₑ/∂w of their gradients. The tables, the JSON, the stepper, the
exercise checker and the live app all read these records.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from os import PathLike
from typing import Any

from autograd_core import Value
from nn.layers import MLP
from nn.losses import loss_by_name

from . import spec as specs
from .quantities import Worked, of_record
from .spec import Example, Spec

# losses that take a class index, not one target per output: the spec's one-hot t gives it
_CLASS_LOSSES = ("cross-entropy", "multiclass-hinge")


@dataclass(frozen=True)
class Pass:
    """One example's forward and backward pass: ``forward`` unit → {"net": i_j, "out": o_j},
    ``errors`` unit → δ_j = −∂E/∂i_j, ``gradients`` parameter → ∂E/∂p; ``graph`` is the loss
    node E, its backward pass done (its parameter leaves keep the values it was computed with)."""

    example: int
    x: tuple[float, ...]
    t: tuple[float, ...]
    forward: dict[str, dict[str, float]]
    loss: float
    errors: dict[str, float]
    gradients: dict[str, float]
    graph: Value


@dataclass(frozen=True)
class StepRecord:
    """One update: its number (from 1), its epoch, its example (None for a per-epoch update),
    the passes it is made from, and per parameter the ``gradients`` ∂E/∂p (summed over the
    passes), the ``old`` value, the ``steps`` −η·∂E/∂p (0 for a frozen one) and ``updated``.
    ``model`` carries the updated parameters."""

    step: int
    epoch: int
    example: int | None
    loss_name: str
    lr: float
    passes: tuple[Pass, ...]
    gradients: dict[str, float]
    old: dict[str, float]
    steps: dict[str, float]
    updated: dict[str, float]
    frozen: frozenset[str]
    model: MLP
    several: bool = False  # one of several updates: its answers names carry "@step"

    @cached_property
    def quantities(self) -> tuple[Worked, ...]:
        """Every number of this update a student can be asked for (`lab.quantities`), in the
        order of a hand calculation."""
        return of_record(self, self.several)

    def _each(self, key: str) -> Any:
        items = [getattr(p, key) for p in self.passes]
        return items[0] if self.example is not None else items

    @property
    def forward(self) -> dict[str, dict[str, float]] | list[dict[str, dict[str, float]]]:
        """unit → {"net", "out"}; a list of those, one per example, for a per-epoch update."""
        return self._each("forward")

    @property
    def loss(self) -> float | list[float]:
        """E of the example (a list, one per example, for a per-epoch update)."""
        return self._each("loss")

    @property
    def errors(self) -> dict[str, float] | list[dict[str, float]]:
        """unit → δ_j = −∂E/∂i_j (a list, one per example, for a per-epoch update)."""
        return self._each("errors")

    @property
    def graph(self) -> Value:
        """The loss node of the first (for a per-example update, the only) pass."""
        return self.passes[0].graph

    def to_dict(self) -> dict[str, Any]:
        """The shape of ``backprop worked-example --json``: forward, loss, errors, gradients,
        updated."""
        return {"forward": self.forward, "loss": self.loss, "errors": self.errors,
                "gradients": self.gradients, "updated": self.updated}

    def to_json(self) -> dict[str, Any]:
        """One entry of ``backprop step --json``: step, epoch, example, then `to_dict`, then
        ``quantities``: every number of the update as its record (names, value, formula,
        inputs)."""
        return {"step": self.step, "epoch": self.epoch, "example": self.example,
                **self.to_dict(), "quantities": [w.to_json() for w in self.quantities]}


@dataclass(frozen=True)
class StepRun(Sequence[StepRecord]):
    """Every update of a spec, in order, and the parameters after the last (``final``)."""

    spec: Spec
    records: tuple[StepRecord, ...]

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, i: Any) -> Any:
        return self.records[i]

    def __iter__(self) -> Iterator[StepRecord]:
        return iter(self.records)

    @property
    def final(self) -> dict[str, float]:
        """Each parameter's value after the last update, by display name."""
        return dict(self.records[-1].updated)

    def to_dict(self) -> dict[str, Any]:
        """``{"steps": [...], "final": {name: value}}``, as ``backprop step --json`` prints."""
        return {"steps": [r.to_json() for r in self.records], "final": self.final}


def _target(spec: Spec, t: tuple[float, ...]) -> Any:
    """The target as the loss takes it: the class index for cross-entropy (t one-hot)."""
    if spec.loss not in _CLASS_LOSSES:
        return list(t)
    if sorted(t) != [0.0] * (len(t) - 1) + [1.0]:
        raise ValueError(f"{spec.loss} needs one-hot targets (one 1, the rest 0), got t = "
                         f"{list(t)}")
    return t.index(1.0)


def _pass(model: MLP, spec: Spec, number: int, example: Example) -> Pass:
    model.zero_grad()
    out = model(list(example.x))
    outs = out if isinstance(out, list) else [out]
    error = loss_by_name(spec.loss)(outs, _target(spec, example.t))
    error.label = "E"  # the slide's name for the error, on the drawn graph's output node
    error.backward()
    neurons = [n for layer in model.layers for n in layer.neurons]
    return Pass(number, example.x, example.t,
                {str(n.unit): {"net": n.net.data, "out": n.out.data} for n in neurons},
                error.data, {str(n.unit): -n.net.grad for n in neurons},
                {name: p.grad for name, p in model.named_parameters()}, error)


def step(subject: Spec | str | PathLike[str]) -> StepRun:
    """Run a spec's updates (``epochs`` passes over its examples, per example or per epoch) and
    return one record per update; a path is read with `lab.spec.load`."""
    spec = subject if isinstance(subject, Spec) else specs.load(subject)
    # a Spec made directly, not read by lab.spec, is held to the same limits before any work
    specs.check_work(spec.epochs, len(spec.examples), len(spec.weights), spec.update)
    model = spec.model()
    records: list[StepRecord] = []
    numbered = list(enumerate(spec.examples, 1))
    several = spec.epochs * (len(numbered) if spec.update == "per-example" else 1) > 1
    for epoch in range(1, spec.epochs + 1):
        groups = ([[item] for item in numbered] if spec.update == "per-example" else [numbered])
        for group in groups:
            passes = tuple(_pass(model, spec, k, ex) for k, ex in group)
            old = model.state_dict()
            frozen = frozenset(spec.display(n) for n in spec.frozen)
            gradients = {name: sum(p.gradients[name] for p in passes) for name in old}
            steps = {name: 0.0 if name in frozen else -spec.lr * g
                     for name, g in gradients.items()}
            updated = {name: old[name] + steps[name] for name in old}
            # the next update runs on a fresh model, so that this one's graphs keep their values
            model = spec.model()
            model.load_state_dict(updated)
            records.append(StepRecord(len(records) + 1, epoch,
                                      group[0][0] if spec.update == "per-example" else None,
                                      spec.loss, spec.lr, passes, gradients, old, steps, updated,
                                      frozen, model, several))
    return StepRun(spec, tuple(records))
