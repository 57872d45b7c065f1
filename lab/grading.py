"""The one grader: a student's hand calculation judged number by number: right, carried forward
(what the student's own earlier numbers give), wrong (with the catalogued mistake that gives
it), blank or unreadable.

Each quantity is judged in the order of the calculation, in these steps (the exercise page gets
the same data from `page_data` and takes the same steps in viz/static/grader.js):

1. right: within the precision rule's band of the right value R: |y − R| ≤ a + r·|R|;
2. right too: within the band of C, the quantity's expression evaluated with the student's own
   numbers (their value where they wrote one, else the value its own rule gives from theirs),
   |y − C| ≤ a + r·max(|C|, |R|), where every number of theirs C is computed from was right:
   their earlier numbers, rounded as the rule asks, give it (an i6 of −1.00 is right too);
3. too-few-figures: y is R rounded to fewer significant figures than the rule asks;
4. carried forward: within the band of C as in 2, from numbers of theirs that were not all
   right; unless C is trivial (C or one of its inputs 0 or ±1 where R's are not);
5. a catalogued mistake: within the band of the mistake's expression, evaluated the same way;
6. otherwise wrong.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from autograd_core import DomainError

from .expressions import evaluate, to_data
from .formulas import default_format
from .mistakes import CATALOGUE, MISTAKES, TOO_FEW_FIGURES, where_text
from .precision import Precision, follows, interval, matches
from .quantities import Quantity, Sheet, Worked
from .stepping import StepRecord, StepRun

VERDICTS = ("right", "carried-forward", "wrong", "blank", "unreadable")
_TRIVIAL = (0.0, 1.0, -1.0)


@dataclass(frozen=True)
class Answer:
    """What a student wrote for one number: ``value`` (None when ``problem`` is "blank" or
    "unreadable") and, for an unreadable one, the ``message`` saying why."""

    value: float | None
    problem: str | None = None
    message: str = ""


@dataclass(frozen=True)
class Item:
    """One checked number: ``quantity`` its name, ``given`` the student's, ``expected`` the
    right one, ``verdict`` (see `VERDICTS`), ``mistake`` a catalogue id or None,
    ``explanation`` one line, ``where`` its update and example."""

    quantity: str
    given: float | None
    expected: float
    verdict: str
    mistake: str | None
    explanation: str
    where: str = ""


@dataclass(frozen=True)
class Report:
    """Every checked number, in the order they are computed, and the count of each verdict."""

    items: tuple[Item, ...]

    def count(self, verdict: str) -> int:
        """How many items have this verdict."""
        return sum(item.verdict == verdict for item in self.items)

    @property
    def all_right(self) -> bool:
        """True when every number checked is right."""
        return self.count("right") == len(self.items)

    def to_dict(self) -> dict[str, Any]:
        """``{"items": [...], "right": n, "wrong": n, "carried_forward": n, "blank": n,
        "unreadable": n}``."""
        return {"items": [asdict(i) for i in self.items], "right": self.count("right"),
                "wrong": self.count("wrong"), "carried_forward": self.count("carried-forward"),
                "blank": self.count("blank"), "unreadable": self.count("unreadable")}

    def summary(self) -> str:
        """One line: how many of each verdict, and the first wrong number."""
        first = next((i.quantity for i in self.items if i.verdict == "wrong"), None)
        line = (f"{self.count('right')} right, {self.count('wrong')} wrong, "
                f"{self.count('carried-forward')} carried forward")
        for other in ("blank", "unreadable"):
            if self.count(other):
                line += f", {self.count(other)} {other}"
        line += f" (of {len(self.items)})"
        return line + (f"; the first wrong number is {first}" if first else "")


class _Student:
    """The student's numbers as the grader reads them when it judges one: ``value(k)`` is theirs
    where they wrote a readable one before it (in the order of the calculation, as on the page,
    where later fields are still empty), else the value k's own rule gives from theirs;
    ``good(k)`` the same with their wrong numbers replaced too (the "with your numbers" line);
    ``from_right(k)`` whether every number of theirs k is computed from was right."""

    def __init__(self, sheet: Sheet) -> None:
        self.sheet = sheet
        self.typed: dict[str, float] = {}
        self.verdicts: dict[str, str] = {}
        self._value: dict[str, float] = {}
        self._good: dict[str, float] = {}
        self._from_right: dict[str, bool] = {}

    def write(self, k: str, y: float, verdict: str) -> None:
        """The student's number for k, judged: later numbers are evaluated with it."""
        self.typed[k], self.verdicts[k] = y, verdict
        self._value.clear()
        self._good.clear()
        self._from_right.clear()

    def from_right(self, k: str) -> bool:
        if k not in self._from_right:
            self._from_right[k] = all(
                self.verdicts[i] == "right" if i in self.typed else self.from_right(i)
                for i in self.sheet.worked[k].inputs)
        return self._from_right[k]

    def value(self, k: str) -> float:
        if k in self.typed:
            return self.typed[k]
        if k not in self._value:
            self._value[k] = evaluate(self.sheet.worked[k].expr, self.value)
        return self._value[k]

    def good(self, k: str) -> float:
        if k in self.typed and self.verdicts.get(k) in ("right", "carried-forward"):
            return self.typed[k]
        if k not in self._good:
            self._good[k] = evaluate(self.sheet.worked[k].expr, self.good)
        return self._good[k]


def _safe(f: Callable[[], float]) -> float:
    """A value, or nan where the student's numbers take a rule outside its domain."""
    try:
        return f()
    except (DomainError, ZeroDivisionError, OverflowError, ValueError):
        return math.nan


def _guards(w: Worked, sheet: Sheet) -> list[str]:
    """The inputs whose right value is not trivial: a 0 or ±1 there makes the rest trivial."""
    return [k for k in w.inputs if sheet.worked[k].value not in _TRIVIAL]


def _trivial(w: Worked, sheet: Sheet, own: float, student: _Student) -> bool:
    """Whether the value the student's numbers give is uninformative: 0 or ±1 (or an input
    written as one) where the right ones are not; such a value earns no carried-forward
    credit (an all-zeros answers file must not collect it)."""
    if w.value in _TRIVIAL:
        return False
    if any(own == t for t in _TRIVIAL):
        return True
    return any(student.typed.get(k) in _TRIVIAL for k in _guards(w, sheet))


def mistakes_of(w: Worked, sheet: Sheet) -> Iterator[tuple[str, Any]]:
    """(mistake id, expression) for each catalogued way of getting ``w`` wrong."""
    for m in CATALOGUE:
        for e in m.wrong(w, sheet):
            yield m.id, e


def judge(w: Worked, y: float, student: _Student, precision: Precision) -> tuple[str, str | None,
                                                                                   str]:
    """(verdict, mistake id, explanation) of the student's ``y`` for ``w``."""
    sheet = student.sheet
    band = precision.band(w.value)
    if matches(y, w.value, band):
        return "right", None, ""
    own = _safe(lambda: evaluate(w.expr, student.value))
    follows_own = follows(y, own, w.value, band, precision.above(w.value))
    # the numbers that gave it, the student's slips included
    line = _with_numbers(w, student, student.value) if follows_own else ""
    if follows_own and student.from_right(w.key):  # 0.00600 from right numbers, not 0.006
        return "right", None, f"right from your rounded numbers: {line}"
    mine = _with_numbers(w, student, student.good)
    if any(math.isclose(y, c, rel_tol=1e-12) for c in precision.coarse(w.value)):
        return "wrong", TOO_FEW_FIGURES, (
            f"{w.display} is asked {precision.describe()}: {y:g} is the right value rounded to "
            f"fewer figures{where_text(w)}; with your numbers: {mine}")
    if follows_own and not _trivial(w, sheet, own, student):
        return "carried-forward", None, f"consistent with your earlier values: {line}"
    for mistake_id, e in mistakes_of(w, sheet):
        x = _safe(lambda e=e: evaluate(e, student.value))
        if matches(y, x, band) and not matches(x, w.value, band):
            why = MISTAKES[mistake_id].explain(w, sheet)
            return "wrong", mistake_id, f"{why}{where_text(w)}; with your numbers: {mine}"
    return "wrong", None, f"with your numbers: {mine}"


def _with_numbers(w: Worked, student: _Student, value_of: Callable[[str], float]) -> str:
    """"δ4 = o4·(1 − o4)·w46·δ6 = 0.332·(1 − 0.332)·(−0.3)·0.262 = −0.0174" with the numbers
    ``value_of`` gives (a wrong number's line: only the student's right or carried ones)."""
    try:
        numeric = f"{w.numeric(value_of)} = {default_format(value_of(w.key))}"
    except (DomainError, ZeroDivisionError, OverflowError, ValueError):
        numeric = "(your numbers leave the formula's domain)"
    return f"{w.display} = {w.symbolic()} = {numeric}"


def grade(sheet: Sheet, answers: Mapping[str, Answer], precision: Precision) -> Report:
    """Judge every answered quantity (by key) in the order of the calculation."""
    student = _Student(sheet)
    items = []
    for w in sheet.worked.values():
        a = answers.get(w.key)
        if a is None:
            continue
        if a.value is None:
            verdict, mistake, why = a.problem or "blank", None, a.message
        else:
            verdict, mistake, why = judge(w, a.value, student, precision)
            student.write(w.key, a.value, verdict)
        items.append(Item(w.answer_name, a.value, w.value, verdict, mistake, why, w.where()))
    return Report(tuple(items))


def check(run: StepRun, answers: Mapping[Quantity, Answer | float],
          precision: Precision | None = None) -> Report:
    """Check the student's ``answers`` (any subset of the run's numbers) against the records,
    under ``precision`` (the spec's ``[grading]`` rule unless given)."""
    if not isinstance(run, StepRun):
        raise TypeError(f"check needs a run of updates (lab.step(spec)), got {type(run).__name__}")
    sheet = Sheet(list(run))
    given = {q.key: a if isinstance(a, Answer) else Answer(float(a)) for q, a in answers.items()}
    unknown = [k for k in given if k not in sheet.worked]
    if unknown:
        raise ValueError(f"{unknown[0]} is not a number of this run")
    return grade(sheet, given, precision or run.spec.precision)


def page_data(records: Sequence[StepRecord], precision: Precision) -> dict[str, Any]:
    """What the exercise page needs to take the grader's steps in the browser: per quantity its
    names, band, right interval, coarse values, expression (data for the primitives' evaluator),
    the mistakes' expressions and explanations, and the trivial-input guards."""
    sheet = Sheet(list(records))
    fields = []
    for w in sheet.worked.values():
        band = precision.band(w.value)
        fields.append({
            "key": w.key, "name": w.answer_name, "display": w.display,
            # which update and example, where the exercise has several
            "where": w.where() if "@" in w.answer_name else "",
            "asked": w.asked, "expr": to_data(w.expr), "band": list(band),
            "inputs": list(w.inputs), "above": precision.above(w.value),
            "interval": list(interval(w.value, band)), "coarse": precision.coarse(w.value),
            "trivial_right": w.value in _TRIVIAL, "guards": _guards(w, sheet),
            "mistakes": [{"id": i, "expr": to_data(e),
                          "why": MISTAKES[i].explain(w, sheet) + where_text(w)}
                         for i, e in mistakes_of(w, sheet)],
            "formula": w.symbolic(), "numbers": w.numeric(lambda k: sheet.worked[k].value),
        })
    return {"precision": precision.describe(), "fields": fields}
