"""The Formula and Step views: the page's fields → a subject computed by the engine → its frames
(`viz.steps`), its tables and a summary. The page gets the sentences and tables at once and each
frame's picture when it is shown, so that an edit answers without running ``dot`` per frame.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, partial
from typing import Any

from autograd_core import parse
from lab import spec as specs
from lab import step
from lab.numbers import assignments, number_from_text
from lab.quantities import values
from lab.spec import Spec, SpecError
from lab.stepping import StepRun
from viz.drawing import DEFAULT_DIGITS, MAX_DIGITS, number
from viz.stepper_html import legible
from viz.steps import Steps, steps

from . import fields, limits

DEFAULT_FORMULA = "ln(x1) + x1*x2 - sin(x2)"  # the survey's example (Baydin et al. 2018)
DEFAULT_AT = "x1=2, x2=5"

Subject = Callable[[fields.Query, bool], tuple[Steps, dict[str, Any]]]


def formula(query: fields.Query, exercise: bool = False) -> tuple[Steps, dict[str, Any]]:
    """``f`` (a formula, read by the safe parser) at ``at`` ("x1=2, x2=5"): its forward and
    backward frames (with ``exercise``, each number to predict first), its traces, and y with
    ∂y/∂x for each input."""
    expr = fields.text(query, "f", DEFAULT_FORMULA, limits.MAX_FORMULA_CHARS)
    at = fields.text(query, "at", DEFAULT_AT, limits.MAX_FORMULA_CHARS)
    try:
        given = assignments(at.replace(",", " ").split(), where="the values")
    except ValueError as e:
        raise fields.FieldError(str(e), field="at") from None
    try:
        output, inputs = parse(expr, **given)
    except (ValueError, TypeError) as e:
        raise fields.FieldError(str(e), field="f") from None
    digits = _digits(query)  # the page's one precision: frames, tables and the summary
    frames = steps(output, digits=digits,  # this runs the backward pass
                   max_nodes=limits.MAX_FORMULA_NODES, exercise=exercise)
    gradients = {name: x.grad for name, x in inputs.items()}
    text = ", ".join([f"y = {number(output.data, digits)}",
                      *(f"∂y/∂{name} = {number(g, digits)}" for name, g in gradients.items())])
    return frames, {"output": output.data, "gradients": gradients, "text": text}


def _digits(query: fields.Query) -> int:
    """How many decimals (and at least how many significant figures) numbers show, as
    ``--digits`` on the command line."""
    return fields.whole(query, "digits", DEFAULT_DIGITS, 1, MAX_DIGITS)


def _at(spec: Spec, k: int) -> str:
    """The suffix of example k's fields: none for a spec of one example, else "@k"."""
    return "" if len(spec.examples) == 1 else f"@{k}"


def leaves(spec: Spec) -> dict[str, tuple[str, float]]:
    """Every number of a spec a student may change, field name → (label, value): the inputs
    and targets of each example (``x1``, ``t1``; with several examples ``x1@1``, ``x1@2``, …),
    every weight and bias (by the lecture's name, labelled with the spec's display name) and
    the learning rate."""
    out: dict[str, tuple[str, float]] = {}
    for k, example in enumerate(spec.examples, 1):
        at = _at(spec, k)
        out |= {f"x{i}{at}": (f"x{i}{at}", x) for i, x in enumerate(example.x, 1)}
        out |= {f"t{i}{at}": (f"t{i}{at}", t) for i, t in enumerate(example.t, 1)}
    out |= {name: (spec.display(name), w) for name, w in spec.weights.items()}
    return out | {"lr": ("η (lr)", spec.lr)}


def _leaf(name: str, label: str, text: str) -> float:
    try:
        return number_from_text(label, text)
    except ValueError as e:  # the page shows it beside the number's field
        raise fields.FieldError(str(e), field=name) from None


def _frozen(spec: Spec, query: fields.Query) -> list[str]:
    """The ``frozen`` field: the lecture's names of the parameters kept out of the update,
    comma-separated ("w14,b4"), each one of the spec's."""
    names = [n for n in fields.text(query, "frozen", ",".join(sorted(spec.frozen)),
                                    limits.MAX_QUERY_CHARS).split(",") if n]
    unknown = [n for n in names if n not in spec.weights]
    if unknown:
        raise fields.FieldError(f"{unknown[0][:20]!r} is not a weight or bias of this network; "
                                f"they are {', '.join(spec.weights)}", field="frozen")
    return names


def network(spec: Spec, query: fields.Query, exercise: bool = False
            ) -> tuple[Steps, dict[str, Any]]:
    """The spec with the numbers the page changed (checked as the spec file's would be), the
    parameters it froze and its number of passes (``epochs``): every update's frames and tables
    (`lab.step`, the records the command line prints), and each unit's formulas; with
    ``exercise``, each number to predict first (`lab.grading`, as ``backprop step --exercise``)."""
    given = leaves(spec)
    unknown = sorted(set(query) - set(given) - {"digits", "frozen", "epochs"})
    if unknown:
        raise ValueError(f"this network has no number {unknown[0]!r}; its numbers are "
                         f"{', '.join(given)}")
    value = {name: _leaf(name, label, query[name]) if name in query else default
             for name, (label, default) in given.items()}
    examples = [{"x": [value[f"x{i}{_at(spec, k)}"] for i in range(1, len(e.x) + 1)],
                 "t": [value[f"t{i}{_at(spec, k)}"] for i in range(1, len(e.t) + 1)]}
                for k, e in enumerate(spec.examples, 1)]
    frozen = _frozen(spec, query)
    epochs = fields.whole(query, "epochs", spec.epochs, 1, limits.MAX_STEP_EPOCHS)
    try:  # checked as the spec file's numbers are: a problem stands beside its field
        changed = spec.with_settings(lr=value["lr"], examples=examples, frozen=frozen,
                                     epochs=epochs,
                                     weights={name: value[name] for name in spec.weights})
    except SpecError as e:
        if e.key not in given:
            raise
        raise fields.FieldError(f"{given[e.key][0]}: {e.reason}", field=e.key) from None
    run = step(changed)
    digits = _digits(query)
    summary = {"leaves": {name: {"label": label, "value": value[name], "default": default}
                          for name, (label, default) in given.items()},
               "frozen": frozen, "epochs": epochs, "final": run.final, "title": spec.title,
               "units": unit_formulas(run, digits)}
    return steps(run, digits=digits, exercise=exercise, links=not exercise), summary


def unit_formulas(run: StepRun, digits: int) -> dict[int, dict[str, list[dict[str, Any]]]]:
    """Per update and unit j: its net input i_j, output o_j, ∂E/∂o_j and δ_j (each example's,
    in a per-epoch update), then each of its weights' and its bias's gradient and new value,
    each as its formula in symbols, with the numbers put in, and its value (the step
    records' own `Worked.symbolic` and `numeric`)."""
    value_of = values([w for r in run for w in r.quantities]).__getitem__
    fmt = partial(number, digits=digits)
    out: dict[int, dict[str, list[dict[str, Any]]]] = {}
    for r in run:
        units: dict[str, list[dict[str, Any]]] = {}
        owner = {p.label: str(n.unit) for layer in r.model.layers for n in layer.neurons
                 for p in [*n.w, n.b]}
        for w in r.quantities:
            q = w.quantity
            unit = owner.get(q.name) if q.kind in ("grad", "new") else q.name
            if unit is None or q.kind == "E":
                continue
            units.setdefault(unit, []).append(
                {"name": w.display, "where": w.where(), "example": w.example,
                 "symbolic": w.symbolic(), "numeric": w.numeric(value_of, fmt),
                 "value": fmt(w.value), "frozen": q.kind == "new" and not w.asked})
        out[r.step] = units
    return out


class Views:
    """The stepped views of one app: the formula, and the network of its spec (the lecture's
    worked example unless ``backprop serve SPEC`` gave another)."""

    def __init__(self, spec: Spec | None = None) -> None:
        self.spec = spec if spec is not None else specs.lecture()
        self.subjects: dict[str, Subject] = {"formula": formula,
                                             "step": partial(network, self.spec)}
        # the summary and then each frame shown ask for the same subject: compute it once
        self._computed = lru_cache(maxsize=32)(self._compute)

    def _compute(self, view: str, items: tuple[tuple[str, str], ...], exercise: bool
                 ) -> tuple[Steps, dict[str, Any]]:
        return self.subjects[view](dict(items), exercise)

    def _subject(self, view: str, query: fields.Query, exercise: bool = False
                 ) -> tuple[Steps, dict[str, Any]]:
        if view not in self.subjects:
            raise ValueError(f"there is no view {view!r}; the views are "
                             f"{', '.join(self.subjects)}")
        return self._computed(view, tuple(sorted(query.items())), exercise)

    def describe(self, view: str, query: fields.Query) -> dict[str, Any]:
        """The frames' sentences, the tables (HTML) and the summary of the view's subject."""
        frames, summary = self._subject(view, query)
        return {"title": frames.title, "tables": frames.tables, "summary": summary,
                "frames": [{"number": f.number, "phase": f.phase, "text": f.text,
                            "update": f.update, "example": f.example} for f in frames]}

    def frame_svg(self, view: str, query: fields.Query, number: int) -> str:
        """The picture of frame ``number`` (from 1) as an inline ``<svg>`` element, `legible` as
        on the pages."""
        frames, _ = self._subject(view, query)
        if not 1 <= number <= len(frames):
            raise ValueError(f"there is no frame {number}: this has frames 1 to {len(frames)}")
        return legible(frames[number - 1].picture.svg())

    def exercise_page(self, view: str, query: fields.Query) -> str:
        """The view's subject as the exercise page of ``backprop step --exercise``: one
        self-contained HTML page that asks for each number before showing it."""
        frames, _ = self._subject(view, query, exercise=True)
        return frames.to_html()
