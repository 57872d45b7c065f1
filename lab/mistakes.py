"""The usual mistakes of a hand calculation of backpropagation, each a small function that writes
a number the wrong way, as an expression over the student's own numbers.

``wrong(w, sheet)`` gives the expressions quantity ``w`` has when that mistake is made (none when
it does not apply to ``w``); the grader evaluates them with the student's numbers, and the
exercise page gets them as data and evaluates them the same way. ``explain(w, sheet)`` states the
rule that was broken.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .expressions import Const, Expr, NotSymbolic, Op, Ref, local_derivatives, num, op, substitute
from .quantities import Quantity, Sheet, Worked

_SQUARED = ("squared", "half-squared", "mse")
_ACTIVATIONS = ("sigmoid", "tanh")  # whose derivative a student writes with the output
_NAMED = {"sigmoid": "σ"}
_SLOPE_TEXT = {"sigmoid": "σ′(i) = o(1 − o)", "tanh": "tanh′(i) = 1 − o²", "linear": "1"}


@dataclass(frozen=True)
class Mistake:
    """One catalogued mistake: its id, the rule it breaks, and how it writes a number."""

    id: str
    explain: Callable[[Worked, Sheet], str]
    wrong: Callable[[Worked, Sheet], list[Expr]]


def _ref(w: Worked) -> Ref:
    return Ref(w.key, w.display)


def _part(w: Worked, name: str) -> Expr:
    return dict(w.parts)[name]


def _activation(w: Worked, sheet: Sheet) -> str:
    """The activation of the unit ``w`` is about ("linear" for a linear unit)."""
    o = sheet.get(w.quantity.at("o", w.quantity.name))
    return o.expr.op if o is not None and isinstance(o.expr, Op) else "linear"


def _delta_feeding(w: Worked, sheet: Sheet) -> Worked | None:
    """The δ_j a gradient's expression uses (−δ_j · o_i)."""
    return next((sheet.worked[k] for k in w.inputs if sheet.worked[k].quantity.kind == "delta"),
                None)


def _through_delta(w: Worked, sheet: Sheet, change: Callable[[Worked], list[Expr]]) -> list[Expr]:
    """A gradient written from a δ computed the wrong way (``change`` of that δ)."""
    d = _delta_feeding(w, sheet)
    return [] if d is None else [substitute(w.expr, {d.key: e}) for e in change(d)]


# ----------------------------------------------------------------------- the mistakes
def _half_factor(w: Worked, sheet: Sheet) -> list[Expr]:
    if sheet.record(w).loss_name not in _SQUARED or w.quantity.kind not in ("E", "delta", "grad"):
        return []
    return [op("mul", num(2.0), w.expr), op("mul", num(0.5), w.expr)]


def _half_factor_text(w: Worked, sheet: Sheet) -> str:
    if sheet.record(w).loss_name == "half-squared":
        return ("a factor of 2: here E = ½(t − o)², so ∂E/∂o = −(t − o), not −2(t − o) as for "
                "(t − o)²")
    return ("a factor of 2: here E = (t − o)² (the lecture's), so ∂E/∂o = −2(t − o), not "
            "−(t − o) as for the textbooks' ½(t − o)²")


def _sign(w: Worked, sheet: Sheet) -> list[Expr]:
    q = w.quantity
    if q.kind in ("delta", "grad"):
        return [op("neg", w.expr)]
    if q.kind == "new" and q.name not in sheet.record(w).frozen:
        grad = sheet.get(Quantity("grad", q.name, q.step))
        return [op("add", sheet.parameter(q.name, q.step),
                   op("mul", Const(sheet.record(w).lr, "η"), _ref(grad)))]
    return []


def _missing_derivative(w: Worked, sheet: Sheet) -> list[Expr]:
    def without(d: Worked) -> list[Expr]:
        slope = _part(d, "slope")
        return [] if isinstance(slope, Const) else [_part(d, "rest")]
    if w.quantity.kind == "delta":
        return without(w)
    return _through_delta(w, sheet, without) if w.quantity.kind == "grad" else []


def _wrong_slope(w: Worked, sheet: Sheet) -> list[Expr]:
    """δ_j with the derivative of another activation than the unit's."""
    if w.quantity.kind != "delta":
        return []
    mine = _activation(w, sheet)
    o = sheet.get(w.quantity.at("o", w.quantity.name))
    i = sheet.get(w.quantity.at("i", w.quantity.name))
    out: list[Expr] = []
    for other in _ACTIVATIONS:
        if other == mine or o is None or i is None:
            continue
        try:
            value, (slope,) = local_derivatives(other, (_ref(i),))
        except NotSymbolic:  # pragma: no cover - sigmoid and tanh have symbolic slopes
            continue
        out.append(substitute(w.expr, {_part(w, "slope"): substitute(slope, {value: _ref(o)})}))
    return out


def _wrong_activation(w: Worked, sheet: Sheet) -> list[Expr]:
    """o_j with another activation than the unit's (the identity is `net-for-out`)."""
    if w.quantity.kind != "o" or not isinstance(w.expr, Op):
        return []
    return [op(other, *w.expr.args) for other in ("sigmoid", "tanh", "relu")
            if other != w.expr.op]


def _updated_weight(w: Worked, sheet: Sheet) -> list[Expr]:
    """A hidden δ with the weights after the update (and the gradients through it)."""
    def updated(d: Worked) -> list[Expr]:
        changed = substitute(d.expr, sheet.updated(d.step))
        return [] if changed == d.expr else [changed]
    if w.quantity.kind == "delta":
        return updated(w)
    return _through_delta(w, sheet, updated) if w.quantity.kind == "grad" else []


def _without_bias(i: Worked) -> Expr:
    assert isinstance(i.expr, Op) and i.expr.op == "linear"
    return Op("linear", (*i.expr.args[:-1], num(0.0)))


def _outputs(w: Worked, sheet: Sheet) -> list[Worked]:
    units = [str(n.unit) for n in sheet.record(w).model.layers[-1].neurons]
    return [sheet.worked[w.quantity.at("o", u).key] for u in units]


def _no_bias(w: Worked, sheet: Sheet) -> list[Expr]:
    q = w.quantity
    if q.kind == "i":
        return [_without_bias(w)]
    if q.kind == "o":
        i = sheet.worked[q.at("i", q.name).key]
        return [substitute(w.expr, {i.key: _without_bias(i)})]
    if q.kind == "E":
        by = {}
        for o in _outputs(w, sheet):
            i = sheet.worked[o.quantity.at("i", o.quantity.name).key]
            by[o.key] = substitute(o.expr, {i.key: _without_bias(i)})
        return [substitute(w.expr, by)]
    return []


def _net_for_out(w: Worked, sheet: Sheet) -> list[Expr]:
    q = w.quantity
    if q.kind == "o":
        i = sheet.get(q.at("i", q.name))
        return [] if i is None or w.expr == _ref(i) else [_ref(i)]
    if q.kind not in ("i", "E", "grad"):
        return []
    by = {}
    for k in w.inputs:
        o = sheet.worked[k].quantity
        if o.kind == "o":
            i = sheet.get(o.at("i", o.name))
            if i is not None and sheet.worked[k].expr != _ref(i):
                by[k] = _ref(i)
    return [substitute(w.expr, by)] if by else []


def _learning_rate(w: Worked, sheet: Sheet) -> list[Expr]:
    q, record = w.quantity, sheet.record(w)
    eta = Const(record.lr, "η")
    if q.kind == "grad" and q.example is None:
        return [op("mul", eta, w.expr)]
    if q.kind != "new" or q.name in record.frozen:
        return []
    old = sheet.parameter(q.name, q.step)
    grad = _ref(sheet.worked[Quantity("grad", q.name, q.step).key])
    return [op("sub", old, grad), op("sub", old, op("mul", op("mul", eta, eta), grad))]


def _epoch_sum(w: Worked, sheet: Sheet) -> tuple[Worked, list[Ref]] | None:
    """For a per-epoch update's summed gradient (or the new value made from it): the summed
    gradient and its per-example shares."""
    q = w.quantity
    if q.kind not in ("grad", "new") or q.example is not None:
        return None
    total = sheet.get(Quantity("grad", q.name, q.step))
    if total is None or sheet.record(w).example is not None or len(total.inputs) < 2:
        return None
    return total, [Ref(k, sheet.worked[k].display) for k in total.inputs]


def _with_gradient(w: Worked, sheet: Sheet, total: Worked, instead: Expr) -> Expr:
    if w.quantity.kind == "grad":
        return instead
    if w.quantity.name in sheet.record(w).frozen:
        return w.expr
    return substitute(w.expr, {total.key: instead})


def _averaged(w: Worked, sheet: Sheet) -> list[Expr]:
    found = _epoch_sum(w, sheet)
    if found is None:
        return []
    total, shares = found
    mean = op("mul", num(1.0 / len(shares)), _ref(total) if w.quantity.kind == "new"
              else total.expr)
    return [_with_gradient(w, sheet, total, mean)]


def _one_example(w: Worked, sheet: Sheet) -> list[Expr]:
    found = _epoch_sum(w, sheet)
    if found is None:
        return []
    total, shares = found
    return [_with_gradient(w, sheet, total, share) for share in shares]


CATALOGUE: tuple[Mistake, ...] = (
    Mistake("half-factor", _half_factor_text, _half_factor),
    Mistake("sign", lambda w, s: "a sign: δ_j = −∂E/∂i_j, so an output's δ has (t − o), not "
            "(o − t); and a step goes against the gradient, p − η·∂E/∂p", _sign),
    Mistake("missing-derivative", lambda w, s: "the activation's derivative ∂o_j/∂i_j (for σ: "
            "o_j(1 − o_j)) is left out of the chain rule", _missing_derivative),
    Mistake("net-for-out", lambda w, s: "the net input i_j is not the unit's output: "
            "o_j = f(i_j), and the next layer (and ∂E/∂w) takes o_j", _net_for_out),
    Mistake("wrong-activation-derivative", lambda w, s: (
        f"unit {w.quantity.name} uses {_activation(w, s)}, whose derivative is "
        f"{_SLOPE_TEXT.get(_activation(w, s), 'its own')}: another activation's derivative was "
        "used"), _wrong_slope),
    Mistake("wrong-activation", lambda w, s: (
        f"unit {w.quantity.name} computes its output with {_activation(w, s)}, "
        f"o{w.quantity.name} = {_NAMED.get(_activation(w, s), _activation(w, s))}"
        f"(i{w.quantity.name}), not another activation"), _wrong_activation),
    Mistake("updated-weight", lambda w, s: "the backward pass uses the weights of the forward "
            "pass, not the updated ones (the update comes after every gradient is known)",
            _updated_weight),
    Mistake("no-bias", lambda w, s: "the bias is part of the net input: i_j = Σᵢ w_ij·o_i + b_j",
            _no_bias),
    Mistake("learning-rate", lambda w, s: "the update is p − η·∂E/∂p: η once, not left out, not "
            "twice (and ∂E/∂p itself has no η)", _learning_rate),
    Mistake("averaged-gradient", lambda w, s: (
        "a per-epoch update uses the sum of the examples' gradients, "
        f"∂E/∂{w.quantity.name} = Σₑ ∂Eₑ/∂{w.quantity.name} (E is their summed error), not "
        "their mean"), _averaged),
    Mistake("one-example-gradient", lambda w, s: (
        f"a per-epoch update uses the gradient summed over all {len(s.record(w).passes)} "
        "examples, not one example's"), _one_example),
)
MISTAKES: dict[str, Mistake] = {m.id: m for m in CATALOGUE}
TOO_FEW_FIGURES = "too-few-figures"  # decided from the precision rule, not an expression


def where_text(w: Worked) -> str:
    """" (in update 1, example 2 of 3)": which number an explanation is about."""
    return f" (in {w.where()})"
