"""A run's numbers recomputed from a student's own values: what each number *should* be, given
the numbers the student wrote before it.

Each pass's recorded graph is rebuilt node by node with `autograd_core.apply` (so each node's
value and local derivatives come from the rule table, ``RULES``), every node the student gave a
value for taking that value instead; then the engine's own backward walk runs on the copy, each
error term δ_j = −∂E/∂i_j the student gave replacing the adjoint of i_j before it is sent on.
The update is w ← w − η·∂E/∂w from the student's gradient; the next update starts from the
student's updated weights. Nothing here knows a derivative: exams grade "error carried forward"
this way.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from autograd_core import (
    RULES,
    Constant,
    Value,
    apply,
    backward_walk,
    scalar_math,
    topological_order,
)

from .stepping import Pass, StepRecord, StepRun

KINDS = ("E", "i", "o", "delta", "grad", "new")
PREFIX = {"E": "E", "i": "i", "o": "o", "delta": "delta", "grad": "grad_", "new": "new_"}


@dataclass(frozen=True)
class Quantity:
    """One number of a run: ``kind`` E, i (net input), o (output), delta (δ_j = −∂E/∂i_j),
    grad (∂E/∂p) or new (p after the update); ``name`` the unit number or the parameter's
    display name ("" for E); ``step`` the update (from 1); ``example`` which example's pass, for
    a pass's numbers in a per-epoch update (None otherwise)."""

    kind: str
    name: str = ""
    step: int = 1
    example: int | None = None

    def text(self, suffix: bool = True) -> str:
        """Its name in an answers file: ``o6``, ``grad_w14@2``, ``delta4@1/2``."""
        where = f"@{self.step}" + (f"/{self.example}" if self.example is not None else "")
        return PREFIX[self.kind] + self.name + (where if suffix else "")

    def at(self, kind: str, name: str = "") -> Quantity:
        """Another quantity of the same pass."""
        return Quantity(kind, name, self.step, self.example)


def _node_quantities(v: Value) -> list[tuple[str, str]]:
    """What a student names a node: ("i", "4") for i4, ("o", "4") for o4, ("E", "") for E; a
    linear output unit's node is its net input and its output at once."""
    label = v.label
    if label == "E":
        return [("E", "")]
    if label[:1] in "io" and label[1:].isdigit():
        both = label[0] == "o" and v.op == "linear"
        return [("i", label[1:]), ("o", label[1:])] if both else [(label[0], label[1:])]
    return []


def _unwritten_net(v: Value, where: Quantity, given: Mapping[Quantity, float]) -> str | None:
    """The unit of an activation node o_j whose o_j the student gave and whose i_j they did
    not (None otherwise)."""
    names = _node_quantities(v)
    if len(names) != 1 or names[0][0] != "o" or len(v.parents) != 1:
        return None
    unit = names[0][1]
    written = where.at("o", unit) in given and where.at("i", unit) not in given
    return unit if written and _node_quantities(v.parents[0]) == [("i", unit)] else None


def _input_for(v: Value, y: float, start: float) -> float | None:
    """The x with op(x) = y for the activation node ``v``, by bisection on its rule (the
    activations are monotone); None when no x gives y (e.g. σ(x) = 1.2)."""
    def f(x: float) -> float:
        return RULES[v.op].fn(scalar_math, x, *v.params)[0] - y

    lo, hi, width = start - 1.0, start + 1.0, 1.0
    while f(lo) * f(hi) > 0:
        if width > 1e3:
            return None
        width *= 2
        lo, hi = start - width, start + width
    for _ in range(200):
        mid = (lo + hi) / 2
        if mid in (lo, hi):
            break
        lo, hi = (mid, hi) if f(lo) * f(mid) > 0 else (lo, mid)
    return (lo + hi) / 2


@dataclass
class PassReplay:
    """One example's pass rebuilt: ``nodes`` maps each recorded node to its copy; ``recomputed``
    holds each quantity as the student's values of its inputs make it (before the student's own
    value, if given, took its place); ``values`` the number each quantity went on with."""

    nodes: dict[Value, Value]
    recomputed: dict[Quantity, float]
    values: dict[Quantity, float]
    gradients: dict[str, float]


def replay_pass(p: Pass, where: Quantity, leaves: Mapping[str, float],
                given: Mapping[Quantity, float]) -> PassReplay:
    """Rebuild a pass's graph from ``leaves`` (parameter → value) and the student's ``given``
    values of E, i_j, o_j, δ_j, and run the backward walk on it."""
    order = topological_order(p.graph)
    nodes: dict[Value, Value] = {}
    recomputed: dict[Quantity, float] = {}
    values: dict[Quantity, float] = {}
    for v in order:
        if not v.parents:
            kind = Constant if isinstance(v, Constant) else Value
            nodes[v] = kind(leaves.get(v.label, v.data), v.label)
            continue
        c = apply(v.op, *[nodes[x] for x in v.parents], params=v.params)
        c.label = v.label
        for kind, name in _node_quantities(v):
            q = where.at(kind, name)
            recomputed[q] = c.data
            c.data = given.get(q, c.data)
        net = _unwritten_net(v, where, given)
        if net is not None:
            # the student wrote o_j but not i_j: take the i_j their o_j came from, so that
            # ∂o_j/∂i_j (σ(i)(1 − σ(i)) for σ) is o_j(1 − o_j) with the student's own o_j
            x = _input_for(v, c.data, nodes[v.parents[0]].data)
            if x is not None:
                nodes[v.parents[0]].data = values[where.at("i", net)] = x
                out, c = c.data, apply(v.op, nodes[v.parents[0]], params=v.params)
                c.label, c.data = v.label, out
        for kind, name in _node_quantities(v):
            values[where.at(kind, name)] = c.data
        nodes[v] = c
    copy = [nodes[v] for v in order]
    nets = {nodes[v]: where.at("delta", name) for v in order
            for kind, name in _node_quantities(v) if kind == "i"}
    following = dict(zip(reversed(copy), list(reversed(copy))[1:], strict=False))
    # a net input's adjoint is complete once the node before it in the walk has sent its
    # share (all its consumers come earlier): the student's δ replaces it before it is sent on
    for node in backward_walk(copy[-1], order=copy):
        nxt = following.get(node)
        if nxt in nets:
            q = nets[nxt]
            recomputed[q] = -nxt.grad
            nxt.grad = -given.get(q, -nxt.grad)
            values[q] = -nxt.grad
    gradients = {v.label: nodes[v].grad for v in order if v.label in leaves}
    return PassReplay(nodes, recomputed, values, gradients)


@dataclass
class StepReplay:
    """One update recomputed from the student's values: its passes, ∂E/∂p summed over them,
    and the update w ← w − η·∂E/∂p (from the student's gradient where given)."""

    record: StepRecord
    old: dict[str, float]
    given: Mapping[Quantity, float]
    passes: list[PassReplay] = field(default_factory=list)
    recomputed: dict[Quantity, float] = field(default_factory=dict)
    values: dict[Quantity, float] = field(default_factory=dict)
    twins: dict[str, StepReplay] = field(default_factory=dict)

    def where(self, p: Pass) -> Quantity:
        """The quantity naming ``p``'s numbers: its step, and its example if per epoch."""
        return Quantity("E", "", self.record.step, None if self.record.example else p.example)

    def __post_init__(self) -> None:
        r = self.record
        self.passes = [replay_pass(p, self.where(p), self.old, self.given) for p in r.passes]
        for pr in self.passes:
            self.recomputed.update(pr.recomputed)
            self.values.update(pr.values)
        for name in r.gradients:
            g = Quantity("grad", name, r.step)
            self.recomputed[g] = sum(pr.gradients[name] for pr in self.passes)
            self.values[g] = self.given.get(g, self.recomputed[g])
            new = g.at("new", name)
            self.recomputed[new] = self.update(name, self.values[g])
            self.values[new] = self.given.get(new, self.recomputed[new])

    def update(self, name: str, grad: float, lr: float | None = None) -> float:
        """p ← p − η·∂E/∂p from the student's old p (a frozen parameter keeps its value)."""
        if name in self.record.frozen:
            return self.old[name]
        return self.old[name] - (self.record.lr if lr is None else lr) * grad

    def twin(self, why: str, leaves: Mapping[str, float],
             given: Mapping[Quantity, float]) -> StepReplay:
        """The same update replayed from other parameter values and student values: how the
        catalogued mistake ``why`` recomputes a number the wrong way (made once per update)."""
        if why not in self.twins:
            self.twins[why] = StepReplay(self.record, dict(leaves), given)
        return self.twins[why]

    def forward_values(self) -> dict[Quantity, float]:
        """The forward pass's numbers as the student's values made them (E, i_j, o_j)."""
        return {q: x for q, x in self.values.items() if q.kind in ("E", "i", "o")}

    def slope(self, unit: str, example: int | None) -> float:
        """∂o_j/∂i_j of ``unit`` at the student's net input (1 for a linear unit)."""
        o = next(c for c in self.passes_by_example[example].nodes.values()
                 if c.label == f"o{unit}" and c.parents)
        return 1.0 if o.op == "linear" else o.local_grads[0]

    @cached_property
    def _nets(self) -> list[Value]:
        return [v for v in topological_order(self.record.graph)
                if any(kind == "i" for kind, _ in _node_quantities(v))]

    @cached_property
    def unit_of(self) -> dict[str, str]:
        """Each parameter's unit: the unit whose net input it enters."""
        return {p.label: _node_quantities(v)[0][1] for v in self._nets for p in v.parents
                if p.label in self.old}

    @cached_property
    def biases(self) -> set[str]:
        """The biases' display names (each net input's last term, ``linear``'s b)."""
        return {v.parents[-1].label for v in self._nets}

    @cached_property
    def passes_by_example(self) -> dict[int | None, PassReplay]:
        """Each pass replay under the ``example`` its quantities carry."""
        return {self.where(p).example: pr for p, pr in zip(self.record.passes, self.passes,
                                                               strict=True)}


def replay(run: StepRun, given: Mapping[Quantity, float]) -> Iterator[StepReplay]:
    """Every update of ``run`` recomputed from the student's ``given`` values, in order: each
    starts from the parameters the student's previous update gave."""
    old = dict(run[0].old)
    for record in run:
        r = StepReplay(record, old, given)
        yield r
        old = {name: r.values[Quantity("new", name, record.step)] for name in record.old}
