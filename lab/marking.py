"""Marks per asked quantity, for the platforms a class hands work in on (Gradescope,
PrairieLearn): the grader's verdicts (`lab.grading.check`) turned into points.

A quantity earns its points when right, a share of them when carried forward (what the
student's own earlier numbers give; all of them unless a template's ``[grading]`` says
otherwise) and none when wrong, blank or unreadable. An asked quantity the student did not
write at all counts as blank.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from .grading import Answer, Item, Report, check
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


def full_credit(verdict: str) -> float:
    """The share of its points a verdict earns by default: right and carried forward all."""
    return 1.0 if verdict in ("right", "carried-forward") else 0.0


def with_blanks(answers: Mapping[Quantity, Answer], wanted: Sequence[Worked]
                ) -> dict[Quantity, Answer]:
    """The answers, with a blank one for each wanted quantity the student did not write."""
    given = dict(answers)
    for w in wanted:
        given.setdefault(w.quantity, Answer(None, "blank", NOT_GIVEN))
    return given


def marks(wanted: Sequence[Worked], report: Report,
          points: Callable[[Worked], float] | None = None,
          credit: Callable[[str], float] = full_credit) -> list[Mark]:
    """Each wanted quantity's mark from the grader's ``report`` (which has an item for each:
    see `with_blanks`): its ``points`` (1 each unless given) times its verdict's ``credit``."""
    items = {i.quantity: i for i in report.items}
    out = []
    for w in wanted:
        item, most = items[w.answer_name], points(w) if points else 1.0
        out.append(Mark(w.answer_name, w.display, most * credit(item.verdict), most,
                        item.verdict, item.mistake, feedback_line(item, w.display)))
    return out


def mark(run: StepRun, answers: Mapping[Quantity, Answer],
         asked: Callable[[Worked], bool] | None = None,
         points: Callable[[Worked], float] | None = None,
         credit: Callable[[str], float] = full_credit) -> list[Mark]:
    """Each asked quantity's mark: its ``points`` (1 each unless given) times the ``credit``
    its verdict earns (blank where the student wrote nothing for it)."""
    wanted = asked_quantities(run, asked)
    return marks(wanted, check(run, with_blanks(answers, wanted)), points, credit)
