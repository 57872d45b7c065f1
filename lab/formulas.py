"""Each number of an update written as its formula, with the numbers filled in: what the checker
shows beside a wrong number and what the exercise page's hints show.

The numbers come from a `lab.replay.StepReplay` (the student's own values, or the right ones when
the student gave none); the symbols of each node come from the rule table's templates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from autograd_core import RULES, Constant, Value
from autograd_core.trace import render_rule_text

from .replay import PassReplay, Quantity, StepReplay


@dataclass(frozen=True)
class Formula:
    """``name = symbolic = numeric = value``, e.g. "o4 = σ(i4) = σ(−0.7) = 0.332"."""

    name: str
    symbolic: str
    numeric: str
    value: float

    def __str__(self) -> str:
        return f"{self.name} = {self.symbolic} = {self.numeric} = {num(self.value)}"


def num(x: float) -> str:
    """A number as the formulas show it: 4 significant digits, a true minus sign."""
    return f"{x:.4g}".replace("-", "−")


def _paren(x: float) -> str:
    return f"({num(x)})" if x < 0 else num(x)


def _filled(template: object, names: list[str], params: tuple[float, ...]) -> str:
    """A rule's text with its inputs filled in; a negative number that is already a function's
    argument keeps one pair of brackets."""
    return re.sub(r"\(\((−[^()]*)\)\)", r"(\1)", render_rule_text(template, names, params))


def _name(v: Value) -> str:
    return v.label or num(v.data)


def _expression(v: Value, stop: set[Value]) -> tuple[str, str]:
    """The loss's expression from the outputs up, in symbols and in numbers (the loss graph is a
    few nodes deep, whatever the network)."""
    if v in stop or not v.parents:
        return (_name(v), _paren(v.data)) if not isinstance(v, Constant) or v.label else (
            num(v.data), _paren(v.data))
    parts = [_expression(p, stop) for p in v.parents]
    template = RULES[v.op].expr
    return tuple(_filled(template, [f"({s})" if " " in s else s for s in side], v.params)
                 for side in zip(*parts, strict=True))


def _node(pr: PassReplay, label: str) -> Value:
    return next(c for c in pr.nodes.values() if c.label == label and c.parents)


def _consumers(pr: PassReplay, node: Value) -> list[tuple[Value, int]]:
    return [(c, k) for c in pr.nodes.values() for k, p in enumerate(c.parents) if p is node]


def _slope(o: Value, j: str) -> tuple[str, float]:
    """∂o_j/∂i_j in symbols (the rule's derivative template) and as a number."""
    if o.op == "linear":  # a linear unit: its output is its net input
        return "1", 1.0
    return render_rule_text(RULES[o.op].derivs, [f"i{j}"], o.params, 0), o.local_grads[0]


def formula(q: Quantity, world: StepReplay) -> Formula:
    """The formula of ``q`` with the numbers of ``world`` filled in."""
    if q.kind in ("grad", "new"):
        return _parameter_formula(q, world)
    pr = world.passes_by_example[q.example]
    j = q.name
    if q.kind == "E":
        e = _node(pr, "E")
        outs = {c for c in pr.nodes.values() if c.label.startswith("o") and c.parents}
        symbolic, numeric = _expression(e, outs)
        return Formula("E", symbolic, numeric, world.recomputed[q])
    o = _node(pr, f"o{j}")
    i = o if o.op == "linear" else _node(pr, f"i{j}")
    if q.kind == "i":
        names = [_name(p) for p in i.parents]
        return Formula(f"i{j}", _filled(RULES["linear"].expr, names, ()),
                       _filled(RULES["linear"].expr, [_paren(p.data) for p in i.parents], ()),
                       world.recomputed[q])
    if q.kind == "o":
        act = RULES[o.op].expr if o.op != "linear" else "{0}"
        net = q.at("i", j)
        # the i_j the student wrote, else the one their inputs give (not the i_j taken back
        # from their o_j for the backward pass, which would make o_j = f(i_j) say nothing)
        i_value = world.given[net] if net in world.given else pr.recomputed.get(net, i.data)
        return Formula(f"o{j}", _filled(act, [f"i{j}"], o.params),
                       _filled(act, [_paren(i_value)], o.params), world.recomputed[q])
    slope_text, slope = _slope(o, j)
    uses = [(c, k) for c, k in _consumers(pr, o) if c.op == "linear"]
    if not uses:  # an output unit: its outputs go into the loss
        # a linear unit's output node is its net input, whose adjoint the student's δ replaced
        de_do = -world.recomputed[q] if o is i else o.grad
        return Formula(f"δ{j}", f"−∂E/∂o{j} · {slope_text}",
                       f"−{_paren(de_do)} · {_paren(slope)}", world.recomputed[q])
    names = [render_rule_text(RULES["linear"].derivs, [_name(p) for p in c.parents], (), k)
             for c, k in uses]
    deltas = [world.values[q.at("delta", c.label[1:])] for c, _ in uses]
    symbolic = " + ".join(f"{w}·δ{c.label[1:]}" for w, (c, _) in zip(names, uses, strict=True))
    numeric = " + ".join(f"{_paren(c.local_grads[k])}·{_paren(d)}"
                         for (c, k), d in zip(uses, deltas, strict=True))
    return Formula(f"δ{j}", f"{slope_text} · ({symbolic})", f"{_paren(slope)} · ({numeric})",
                   world.recomputed[q])


def _parameter_formula(q: Quantity, world: StepReplay) -> Formula:
    """∂E/∂p = Σ over the passes of −δ_j · ∂i_j/∂p; p ← p − η·∂E/∂p."""
    p = q.name
    if q.kind == "new":
        g = world.values[q.at("grad", p)]
        if p in world.record.frozen:
            return Formula(f"new {p}", f"{p} (frozen)", num(world.old[p]), world.recomputed[q])
        return Formula(f"new {p}", f"{p} − η·∂E/∂{p}",
                       f"{num(world.old[p])} − {num(world.record.lr)} · {_paren(g)}",
                       world.recomputed[q])
    symbolic, numeric = [], []
    for where, pr in world.passes_by_example.items():
        leaf = next(c for c in pr.nodes.values() if c.label == p and not c.parents)
        net, k = _consumers(pr, leaf)[0]
        j = net.label[1:]
        local = render_rule_text(RULES["linear"].derivs, [_name(x) for x in net.parents], (), k)
        symbolic.append(f"−δ{j} · {local}")
        numeric.append(f"−{_paren(world.values[Quantity('delta', j, q.step, where)])} · "
                       f"{_paren(net.local_grads[k])}")
    several = len(symbolic) > 1
    return Formula(f"∂E/∂{p}", " + ".join(f"({s})" if several else s for s in symbolic),
                   " + ".join(f"({s})" if several else s for s in numeric), world.recomputed[q])
