"""The numbers of an update as records: every number a student can be asked for, with its names,
its value, the quantities it is computed from and its expression over them.

Net inputs, outputs and E come from the recorded graph node by node (each labelled node a
quantity, the loss's own nodes inline). The backward quantities are written as the lecture
writes them, from the student's own outputs:

    ∂E/∂o_j = the loss's derivative (from the rule table, e.g. −2(t − o6))
    δ_j = −∂E/∂o_j · f′(o_j) at an output unit, δ_j = f′(o_j) · Σₖ w_jk·δ_k at a hidden one,
    with f′ in terms of the output (σ′ = o(1 − o), tanh′ = 1 − o²),
    ∂E/∂w_ij = −δ_j · o_i (x_i for an input, 1 for a bias), summed over the examples of a
    per-epoch update, and w ← w − η·∂E/∂w.

Every expression evaluated at the right values gives the engine's number (a test checks it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from autograd_core import Constant, Value, topological_order

from .expressions import Const, Expr, NotSymbolic, Ref, local_derivatives, num, op, refs, substitute
from .formulas import default_format, top, write

if TYPE_CHECKING:
    from .stepping import Pass, StepRecord

KINDS = ("i", "o", "E", "dEdo", "delta", "grad", "new")
PREFIX = {"E": "E", "i": "i", "o": "o", "dEdo": "dE_do", "delta": "delta", "grad": "grad_",
          "new": "new_"}
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


@dataclass(frozen=True)
class Quantity:
    """Which number: ``kind`` E, i (net input), o (output), dEdo (∂E/∂o_j), delta
    (δ_j = −∂E/∂i_j), grad (∂E/∂p) or new (p after the update); ``name`` the unit number or the
    parameter's display name ("" for E); ``step`` the update (from 1); ``example`` the example
    of a pass in a per-epoch update (None otherwise, and for the epoch's summed gradient)."""

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

    @property
    def key(self) -> str:
        """The name with its full suffix: unique within a run (``o6@1``)."""
        return self.text()

    def display(self) -> str:
        """How a formula names it: i4, o4, E, ∂E/∂o6, δ6, ∂E/∂w46 (∂E₂/∂w46 for example 2's
        share of a per-epoch gradient), w46 (new)."""
        e = "E" if self.example is None or self.kind != "grad" else "E" + str(
            self.example).translate(_SUBSCRIPT)
        return {"E": "E", "i": f"i{self.name}", "o": f"o{self.name}",
                "dEdo": f"∂E/∂o{self.name}", "delta": f"δ{self.name}",
                "grad": f"∂{e}/∂{self.name}", "new": f"new {self.name}"}[self.kind]


@dataclass(frozen=True)
class Worked:
    """One number of an update: its `Quantity`, its ``answer_name`` in an answers file (short
    where unambiguous), its right ``value``, its expression over the quantities it is computed
    from (``inputs``, their keys), and whether a student is ``asked`` for it (∂E/∂o_j is shown,
    not asked)."""

    quantity: Quantity
    answer_name: str
    value: float
    expr: Expr
    inputs: tuple[str, ...]
    asked: bool = True
    of_examples: int = 1
    # the factors of δ_j, for the mistakes that change one: ("slope", f′(o_j)), ("rest", …)
    parts: tuple[tuple[str, Expr], ...] = ()

    @property
    def key(self) -> str:
        return self.quantity.key

    @property
    def display(self) -> str:
        return self.quantity.display()

    @property
    def step(self) -> int:
        return self.quantity.step

    @property
    def example(self) -> int | None:
        return self.quantity.example

    def where(self) -> str:
        """Which update and example it belongs to, in words: "update 2, example 1 of 3"."""
        text = f"update {self.step}"
        if self.example is not None:
            text += f", example {self.example} of {self.of_examples}"
        return text

    def symbolic(self) -> str:
        """Its formula in symbols, e.g. "o4·(1 − o4)·w46·δ6"."""
        return top(write(self.expr))

    def numeric(self, value_of: Callable[[str], float],
                fmt: Callable[[float], str] = default_format) -> str:
        """Its formula with the numbers ``value_of`` gives put in."""
        return top(write(self.expr, value_of, fmt))

    def to_json(self) -> dict[str, Any]:
        """Names, value, formula (symbols and right numbers) and inputs, for ``--json``."""
        return {"name": self.answer_name, "display": self.display, "value": self.value,
                "formula": self.symbolic(), "inputs": list(self.inputs),
                "step": self.step, "example": self.example, "asked": self.asked}


@dataclass
class _Builder:
    """Collects one update's quantities in the order a hand calculation goes."""

    record: StepRecord
    several_steps: bool
    out: list[Worked] = field(default_factory=list)

    def add(self, q: Quantity, value: float, expr: Expr, asked: bool = True,
            parts: tuple[tuple[str, Expr], ...] = ()) -> Ref:
        short = self.several_steps or q.example is not None
        inputs = tuple(dict.fromkeys(r.key for r in refs(expr)))
        self.out.append(Worked(q, q.text(suffix=short), value, expr, inputs, asked,
                               len(self.record.passes), parts))
        return Ref(q.key, q.display() if q.kind != "new" else q.name)

    def parameter(self, name: str) -> Expr:
        """A parameter as this update starts from it: the spec's number in the first update,
        the previous update's result after that."""
        r = self.record
        if r.step == 1:
            return Const(r.old[name], name)
        return Ref(Quantity("new", name, r.step - 1).key, name)


def _unit(v: Value) -> tuple[str, str] | None:
    """("i" or "o", unit) for a unit's labelled node, ("E", "") for the loss, else None."""
    if v.label == "E":
        return ("E", "")
    if v.label[:1] in "io" and v.label[1:].isdigit():
        return (v.label[0], v.label[1:])
    return None


def _slope(o: Value, net: Expr, out: Ref) -> Expr:
    """f′ of unit o's activation written with its output (σ′ = o(1 − o), tanh′ = 1 − o²), or
    its input where the output cannot say it (ln′ = 1/i); a rule that branches on the sign
    (relu) gives its number."""
    if o.op == "linear":
        return num(1.0)
    try:
        value, (slope,) = local_derivatives(o.op, (net,), o.params)
    except NotSymbolic:
        return num(o.local_grads[0])
    return substitute(slope, {value: out})


def _loss_slopes(order: list[Value], expr_of: dict[Value, Expr],
                 outputs: set[Value]) -> dict[Value, Expr]:
    """∂E/∂o_k for each output node, as expressions: reverse mode over the loss's own nodes
    with the rule table's local derivatives (e.g. −2·(t − o6) for (t − o6)²)."""
    adjoint: dict[Value, Expr] = {order[-1]: num(1.0)}
    for v in reversed(order):
        if v in outputs or v not in adjoint or not v.parents:
            continue
        try:
            _, local = local_derivatives(v.op, tuple(expr_of[a] for a in v.parents), v.params)
        except NotSymbolic:
            # a loss that branches (hinge, |t − o|): its derivative as the number it has here
            local = tuple(num(g) for g in v.local_grads)
        for a, d in zip(v.parents, local, strict=True):
            share = op("mul", adjoint[v], d)
            adjoint[a] = op("add", adjoint[a], share) if a in adjoint else share
    return {o: adjoint.get(o, num(0.0)) for o in outputs}


def _target_names(order: list[Value], outputs: int) -> dict[Value, str]:
    """With several outputs, each target t is named after the output it is compared with
    (t5 beside o5), as the slides write them."""
    if outputs == 1:
        return {}
    names = {}
    for v in order:
        units = [a.label[1:] for a in v.parents if a.label[:1] == "o" and a.label[1:].isdigit()]
        for a in v.parents:
            if isinstance(a, Constant) and a.label == "t" and units:
                names[a] = f"t{units[0]}"
    return names


def _forward(b: _Builder, p: Pass, where: Quantity) -> tuple[list[Value], dict[Value, Expr]]:
    """The pass's net inputs, outputs and E: each labelled node of the graph a quantity."""
    order = topological_order(p.graph)
    expr_of: dict[Value, Expr] = {}
    targets = _target_names(order, len(p.t))
    for v in order:
        if not v.parents:
            expr_of[v] = (b.parameter(v.label) if v.label in b.record.old else
                          Const(v.data, targets.get(v, v.label)))
            continue
        e = op(v.op, *(expr_of[a] for a in v.parents), params=v.params)
        unit = _unit(v)
        if unit is None:
            expr_of[v] = e
            continue
        kind, j = unit
        if kind == "o" and v.op == "linear":  # a linear unit: its output is its net input
            e = b.add(where.at("i", j), v.data, e)
        expr_of[v] = b.add(where.at(kind, j), v.data, e)
    return order, expr_of


def _backward(b: _Builder, p: Pass, where: Quantity, order: list[Value],
              expr_of: dict[Value, Expr], per_epoch: bool) -> None:
    """The pass's ∂E/∂o_j and δ_j, output layer first, and (in a per-epoch update, per
    example) each parameter's share ∂E/∂p = −δ_j · o_i."""
    node = {v.label: v for v in order if v.label}
    neurons = [n for layer in b.record.model.layers for n in layer.neurons]
    n_in = b.record.model.n_in
    outputs = {node[f"o{n.unit}"] for n in b.record.model.layers[-1].neurons}
    slopes = _loss_slopes(order, expr_of, outputs)
    delta: dict[int, Ref] = {}
    for n in reversed(neurons):
        j = str(n.unit)
        o = node[f"o{j}"]
        out = expr_of[o]
        net = expr_of[o] if o.op == "linear" else expr_of[node[f"i{j}"]]
        f1 = _slope(o, net, out)
        if o in outputs:
            de_do = slopes[o]
            rest = op("neg", de_do)
            d = op("mul", rest, f1)
        else:
            uses = [(c, w) for c in neurons for i, w in zip(c.input_units, c.w, strict=True)
                    if i == n.unit]
            terms = [op("mul", b.parameter(w.label), delta[c.unit]) for c, w in uses]
            total = terms[0] if len(terms) == 1 else op("sum", *terms)
            de_do, rest = op("neg", total), total
            d = op("mul", f1, total)
        b.add(where.at("dEdo", j), o.grad, de_do, asked=False)
        delta[n.unit] = b.add(where.at("delta", j), p.errors[j], d,
                              parts=(("slope", f1), ("rest", rest)))
        for w, i in [*zip(n.w, n.input_units, strict=True), (n.b, None)]:
            source = (None if i is None else Const(p.x[i - 1], f"x{i}") if i <= n_in
                      else expr_of[node[f"o{i}"]])
            g = op("neg", delta[n.unit] if source is None else op("mul", delta[n.unit], source))
            q = Quantity("grad", w.label, where.step, where.example if per_epoch else None)
            b.add(q, p.gradients[w.label], g)


def of_record(record: StepRecord, several_steps: bool) -> tuple[Worked, ...]:
    """Every number of one update, in the order of a hand calculation: per example its net
    inputs and outputs, E, then from the output layer back ∂E/∂o_j, δ_j and the gradients;
    the epoch's summed gradients (per-epoch update); last each parameter's new value."""
    b = _Builder(record, several_steps)
    per_epoch = record.example is None
    for p in record.passes:
        where = Quantity("E", "", record.step, p.example if per_epoch else None)
        order, expr_of = _forward(b, p, where)
        _backward(b, p, where, order, expr_of, per_epoch)
    names = [w for w in _parameter_order(record)]
    if per_epoch:
        for name in names:
            shares = [Ref(Quantity("grad", name, record.step, p.example).key,
                          Quantity("grad", name, record.step, p.example).display())
                      for p in record.passes]
            total = shares[0] if len(shares) == 1 else op("sum", *shares)
            b.add(Quantity("grad", name, record.step), record.gradients[name], total)
    eta = Const(record.lr, "η")
    for name in names:
        old = b.parameter(name)
        grad = Ref(Quantity("grad", name, record.step).key, f"∂E/∂{name}")
        new = old if name in record.frozen else op("sub", old, op("mul", eta, grad))
        b.add(Quantity("new", name, record.step), record.updated[name], new,
              asked=name not in record.frozen)
    return tuple(b.out)


def _parameter_order(record: StepRecord) -> Iterator[str]:
    """Parameters output layer first, each unit's weights then its bias (the stepper's order)."""
    for n in reversed([n for layer in record.model.layers for n in layer.neurons]):
        yield from (w.label for w in [*n.w, n.b])


def values(worked: tuple[Worked, ...] | list[Worked]) -> Mapping[str, float]:
    """Each quantity's right value by key."""
    return {w.key: w.value for w in worked}


@dataclass
class Sheet:
    """A run's quantities, looked up by key: what the grader and the mistakes read."""

    records: list[StepRecord]
    worked: dict[str, Worked] = field(default_factory=dict)
    _updated: dict[int, dict[Expr, Expr]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.worked = {w.key: w for r in self.records for w in r.quantities}

    def updated(self, step: int) -> dict[Expr, Expr]:
        """Each parameter as update ``step`` starts from it → its value after that update (what
        the expressions of a student who used the updated weights read), made once per update."""
        if step not in self._updated:
            self._updated[step] = {
                self.parameter(p, step): Ref(Quantity("new", p, step).key, f"new {p}")
                for p in self.records[step - 1].old}
        return self._updated[step]

    def record(self, w: Worked) -> StepRecord:
        """The update ``w`` belongs to."""
        return self.records[w.step - 1]

    def get(self, q: Quantity) -> Worked | None:
        """The record of ``q``, None if the run has no such number."""
        return self.worked.get(q.key)

    def parameter(self, name: str, step: int) -> Expr:
        """Parameter ``name`` as update ``step`` starts from it (as in its expressions)."""
        r = self.records[step - 1]
        if step == 1:
            return Const(r.old[name], name)
        return Ref(Quantity("new", name, step - 1).key, name)
