"""A PrairieLearn question's Python: what an exported question's ``server.py`` calls.

PrairieLearn (docs/question/server.md of its repository) calls ``generate(data)`` to draw a
variant (``data["params"]``, ``data["correct_answers"]``) and ``grade(data)`` once the student
submits (``data["submitted_answers"]``, ``data["raw_submitted_answers"]``); grade sets
``data["partial_scores"][name]`` (``score`` 0 to 1, ``weight``, ``feedback``),
``data["feedback"][name]`` and ``data["score"]`` (0 to 1). All the inputs are graded together,
so a number computed from the student's own wrong earlier one earns carried-forward credit, and
a wrong one names its mistake. Only numpy is needed (PrairieLearn's Python has it).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from os import PathLike
from typing import Any

from . import spec
from .answers import answer
from .grading import Answer
from .marking import asked_quantities, mark
from .numbers import number
from .stepping import StepRun, step
from .variants import load_variant


def field(key: str) -> str:
    """An answers-file name as an ``answers-name`` (letters, digits and _ only): o6@2 → o6_at2,
    grad_w14@1/2 → grad_w14_at1_ex2."""
    return key.replace("@", "_at").replace("/", "_ex")


def shown_numbers(variant: spec.Spec) -> dict[str, str]:
    """The numbers a question shows, by the names its page uses: each parameter (w14, b4), each
    input and target of the first example (x1, t6, or t when there is one output) and η."""
    first = variant.examples[0]
    shown = {name: number(v) for name, v in variant.weights.items()}
    shown.update({f"x{i}": number(v) for i, v in enumerate(first.x, 1)})
    outputs = range(variant.inputs + sum(variant.layers) - variant.layers[-1] + 1,
                    variant.inputs + sum(variant.layers) + 1)
    if len(first.t) == 1:
        shown["t"] = number(first.t[0])
    shown.update({f"t{u}": number(v) for u, v in zip(outputs, first.t, strict=True)})
    shown["lr"] = number(variant.lr)
    return shown


def generate(data: dict[str, Any], template: str | PathLike[str]) -> None:
    """Draw this variant's numbers from ``template`` (seeded by ``data["variant_seed"]``): the
    spec, the shown numbers and the asked fields go in ``data["params"]``, each asked field's
    right value in ``data["correct_answers"]``."""
    chosen = load_variant(template, str(data.get("variant_seed", "")))
    variant = chosen.spec
    wanted = asked_quantities(step(variant), chosen.asked)
    params = data.setdefault("params", {})
    params.update(shown_numbers(variant))
    params["spec"] = variant.to_dict()  # grade() rebuilds the run from it, not the template
    params["fields"] = [{"name": field(w.answer_name), "key": w.key, "display": w.display,
                         "points": chosen.points(w)} for w in wanted]
    params["carried_forward_credit"] = chosen.credit("carried-forward")
    params["precision"] = variant.precision.describe()
    correct = data.setdefault("correct_answers", {})
    for w in wanted:
        correct[field(w.answer_name)] = w.value


def _answer(raw: Any, parsed: Any) -> Answer:
    """What the student typed for one field: PrairieLearn's parsed number, else the raw text
    read by the project's own number reader (blank and unreadable say why)."""
    if isinstance(parsed, numbers.Real) and not isinstance(parsed, bool) and math.isfinite(
            parsed):
        return Answer(float(parsed))
    return answer("" if raw is None else str(raw))


def answers_of(data: Mapping[str, Any], run: StepRun) -> dict[Any, Answer]:
    """The submitted answers by quantity, for the fields ``generate`` asked."""
    quantities = {w.key: w.quantity for r in run for w in r.quantities}
    raw = data.get("raw_submitted_answers") or {}
    parsed = data.get("submitted_answers") or {}
    return {quantities[f["key"]]: _answer(raw.get(f["name"]), parsed.get(f["name"]))
            for f in data["params"]["fields"]}


def grade(data: dict[str, Any]) -> None:
    """Grade every field together: per field its score (1 right, the carried-forward share when
    it follows from the student's own numbers, 0 otherwise) and feedback (the verdict, the
    mistake named, the formula with the student's numbers); the question's score their mean."""
    run = step(spec.from_dict(data["params"]["spec"], source="the question's spec"))
    params = data["params"]
    points = {f["key"]: f["points"] for f in params["fields"]}
    share = params["carried_forward_credit"]
    marks = mark(run, answers_of(data, run), lambda w: w.key in points, lambda w: points[w.key],
                 lambda verdict: {"right": 1.0, "carried-forward": share}.get(verdict, 0.0))
    partial = data.setdefault("partial_scores", {})
    feedback = data.setdefault("feedback", {})
    for m, f in zip(marks, data["params"]["fields"], strict=True):
        name = f["name"]
        partial[name] = {"score": m.score / m.max_score if m.max_score else 1.0,
                         "weight": m.max_score, "feedback": m.feedback}
        feedback[name] = m.feedback
    most = sum(m.max_score for m in marks)
    data["score"] = sum(m.score for m in marks) / most if most else 1.0
