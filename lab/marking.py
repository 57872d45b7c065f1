"""Marks per asked quantity, for the platforms a class hands work in on (Gradescope,
PrairieLearn): the grader's verdicts (`lab.grading.check`) turned into points.

A quantity earns its points when right, ``carried_share`` of them when carried forward (what
the student's own earlier numbers give; full credit unless a template's ``[grading]`` says
otherwise) and none when wrong, blank or unreadable. An asked quantity the student did not
write at all counts as blank.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .grading import Answer, Item, check
from .quantities import Quantity, Worked
from .stepping import StepRun

NOT_GIVEN = "no number given"


@dataclass(frozen=True)
class Mark:
    """One asked quantity marked: its answers-file ``name``, ``display`` name (δ6), ``score``
    out of ``max_score``, the grader's ``verdict`` and ``mistake`` id, and ``feedback``: the
    verdict and the explanation in one line."""

    name: str
    display: str
    score: float
    max_score: float
    verdict: str
    mistake: str | None
    feedback: str


def asked_quantities(run: StepRun, asked: Callable[[Worked], bool] | None = None) -> list[Worked]:
    """The run's quantities a student is asked for, in the order of the calculation (``asked``
    decides; by default each quantity's own ``asked``)."""
    choose = asked or (lambda w: w.asked)
    return [w for record in run for w in record.quantities if choose(w)]


def feedback_line(item: Item, display: str) -> str:
    """"δ6 = −0.5: wrong (mistake sigmoid-slope-with-input): …" as a student reads it."""
    given = "" if item.given is None else f" = {item.given:g}".replace("-", "−")
    head = f"{display}{given}: {item.verdict}"
    if item.mistake:
        head += f" (mistake {item.mistake})"
    return f"{head}: {item.explanation}" if item.explanation else head


def mark(run: StepRun, answers: Mapping[Quantity, Answer],
         asked: Callable[[Worked], bool] | None = None, points: float = 1.0,
         carried_share: float = 1.0) -> list[Mark]:
    """Each asked quantity's mark: ``points`` when right, ``carried_share``·``points`` when
    carried forward, 0 otherwise (blank where the student wrote nothing for it)."""
    wanted = asked_quantities(run, asked)
    given = dict(answers)
    for w in wanted:
        given.setdefault(w.quantity, Answer(None, "blank", NOT_GIVEN))
    items = {i.quantity: i for i in check(run, given).items}
    share = {"right": 1.0, "carried-forward": carried_share}
    return [Mark(w.answer_name, w.display, points * share.get(items[w.answer_name].verdict, 0.0),
                 points, items[w.answer_name].verdict, items[w.answer_name].mistake,
                 feedback_line(items[w.answer_name], w.display))
            for w in wanted]
