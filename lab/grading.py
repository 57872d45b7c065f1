"""Check a student's hand calculation of a run's updates: right, wrong, or an error carried
forward, and the likely mistake.

The right numbers are read from the step records (`lab.step`); "carried forward" and the
catalogued mistakes come from `lab.replay` (the student's own values put through the rule table)
and `lab.mistakes`. A number is right when it is within the student's own rounding (half a unit
of the last decimal written, that unit never coarser than the right value's first digit) plus a
relative 10⁻³ (a hand calculation rounds every number on the way).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from autograd_core import DomainError

from .formulas import formula
from .mistakes import CATALOGUE
from .replay import Quantity, StepReplay, replay
from .stepping import StepRecord, StepRun

RELATIVE = 1e-3  # what rounding numbers on the way adds to a result, about
VERDICTS = ("right", "wrong", "carried-forward")


@dataclass(frozen=True)
class Answer:
    """A student's number and how many decimals they wrote (None: take it as exact, e.g. from
    Python)."""

    value: float
    decimals: int | None = None

    def matches(self, x: float) -> bool:
        """|given − x| ≤ u/2 + 10⁻³·|x|, u one unit of the last decimal written but never
        coarser than x's first digit: the student's own rounding plus what rounding on the way
        adds, while "0" for −0.017 or "−0.3" for −0.22 stays wrong."""
        unit = 10.0 ** -self.decimals if self.decimals is not None else 0.0
        if x != 0 and math.isfinite(x):
            unit = min(unit, 10.0 ** math.floor(math.log10(abs(x))))
        return abs(self.value - x) <= max(unit / 2 + RELATIVE * abs(x), 1e-12)


@dataclass(frozen=True)
class Item:
    """One checked number: ``quantity`` its name, ``given`` the student's, ``expected`` the
    right one, ``verdict`` right / wrong / carried-forward, ``mistake`` a catalogue id or None,
    ``explanation`` one line."""

    quantity: str
    given: float
    expected: float
    verdict: str
    mistake: str | None
    explanation: str


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
        """``{"items": [...], "right": n, "wrong": n, "carried_forward": n}``."""
        return {"items": [asdict(i) for i in self.items], "right": self.count("right"),
                "wrong": self.count("wrong"), "carried_forward": self.count("carried-forward")}

    def summary(self) -> str:
        """One line: how many right, wrong, carried forward, and the first wrong number."""
        first = next((i.quantity for i in self.items if i.verdict == "wrong"), None)
        line = (f"{self.count('right')} right, {self.count('wrong')} wrong, "
                f"{self.count('carried-forward')} carried forward (of {len(self.items)})")
        return line + (f"; the first wrong number is {first}" if first else "")


def quantities(record: StepRecord) -> Iterator[Quantity]:
    """The numbers of one update in the order a hand calculation (and the stepper) goes: per
    example its net inputs and outputs, E, then from the output layer back each unit's δ_j and
    the gradients of its parameters; last each parameter's new value, output layer first."""
    neurons = [n for layer in record.model.layers for n in layer.neurons]
    per_example = record.example is not None

    def gradients(n: Any) -> list[Quantity]:
        return [Quantity("grad", w.label, record.step) for w in [*n.w, n.b]]

    for p in record.passes:
        at = Quantity("E", "", record.step, None if per_example else p.example)
        for n in neurons:
            yield at.at("i", str(n.unit))
            yield at.at("o", str(n.unit))
        yield at
        for n in reversed(neurons):
            yield at.at("delta", str(n.unit))
            yield from gradients(n) if per_example else ()
    for n in reversed(neurons):
        yield from () if per_example else gradients(n)
    for n in reversed(neurons):
        for w in [*n.w, n.b]:
            yield Quantity("new", w.label, record.step)


def right_value(record: StepRecord, q: Quantity) -> float:
    """The right value of ``q``, read from the record."""
    if q.kind in ("grad", "new"):
        return (record.gradients if q.kind == "grad" else record.updated)[q.name]
    p = record.passes[0] if q.example is None else record.passes[q.example - 1]
    if q.kind == "E":
        return p.loss
    if q.kind == "delta":
        return p.errors[q.name]
    return p.forward[q.name]["net" if q.kind == "i" else "out"]


def _catalogued(q: Quantity, world: StepReplay) -> Iterator[tuple[str, float]]:
    """(mistake id, the value q has when that mistake is made) for each catalogued mistake."""
    for mistake in CATALOGUE:
        try:
            values = mistake.wrong(q, world)
        except (DomainError, ZeroDivisionError, OverflowError):
            continue  # the wrong way leads outside a rule's domain: not what the student did
        for x in values:
            if math.isfinite(x):
                yield mistake.id, x


def verdict(q: Quantity, answer: Answer, expected: float, world: StepReplay,
            name: str) -> Item:
    """Right, carried forward (what the student's own earlier values give) or wrong, with the
    first catalogued mistake that gives the student's number."""
    if answer.matches(expected):
        return Item(name, answer.value, expected, "right", None, "")
    mine = formula(q, world)
    own = world.recomputed[q]
    if answer.matches(own) and not Answer(own).matches(expected):
        return Item(name, answer.value, expected, "carried-forward", None,
                    f"consistent with your earlier values: {mine}")
    for mistake_id, x in _catalogued(q, world):
        if answer.matches(x) and not Answer(x).matches(expected):
            m = next(m for m in CATALOGUE if m.id == mistake_id)
            return Item(name, answer.value, expected, "wrong", mistake_id,
                        f"{m.explanation(world)}; with your numbers: {mine}")
    return Item(name, answer.value, expected, "wrong", None, f"with your numbers: {mine}")


def check(run: StepRun, answers: Mapping[Quantity, Answer | float]) -> Report:
    """Check the student's ``answers`` (any subset of the run's numbers) against the records."""
    if not isinstance(run, StepRun):
        raise TypeError(f"check needs a run of updates (lab.step(spec)), got {type(run).__name__}")
    given = {q: a if isinstance(a, Answer) else Answer(a) for q, a in answers.items()}
    known = {q for r in run for q in quantities(r)}
    unknown = [q for q in given if q not in known]
    if unknown:
        raise ValueError(f"{unknown[0].text()} is not a number of this run")
    several = len(run) > 1
    items = []
    for world in replay(run, {q: a.value for q, a in given.items()}):
        for q in quantities(world.record):
            if q in given:
                items.append(verdict(q, given[q], right_value(world.record, q), world,
                                     q.text(suffix=several or q.example is not None)))
    return Report(tuple(items))


@dataclass(frozen=True)
class Prompt:
    """One number to predict on the exercise page, everything precomputed: its name in an
    answers file and as a formula writes it (``symbol``: δ6, ∂E/∂w14), its formula, the
    formula with the right numbers, the answer, the catalogued wrong values (mistake id, value,
    explanation), and ``carried``: "k:m" → the value this number has when the student's answer
    to prompt k (of the same update) was that prompt's m-th wrong value."""

    quantity: Quantity
    name: str
    symbol: str
    formula: str
    with_numbers: str
    answer: float
    wrong: tuple[tuple[str, float, str], ...]
    carried: dict[str, float]


def _distinct(pairs: Iterator[tuple[str, float]], right: float) -> list[tuple[str, float]]:
    """Each catalogued value once (the first mistake that gives it), none equal to the right."""
    kept: list[tuple[str, float]] = []
    for mistake_id, x in pairs:
        if not Answer(x).matches(right) and not any(Answer(x).matches(y) for _, y in kept):
            kept.append((mistake_id, x))
    return kept


def prompts(run: Sequence[StepRecord]) -> list[Prompt]:
    """The exercise of a run: one prompt per number of each update, in the stepper's order; a
    wrong value is carried through the rest of its update and the next one."""
    explain = {m.id: m for m in CATALOGUE}
    out: list[Prompt] = []
    ends: list[int] = []
    several = len(run) > 1
    for record in run:
        world = StepReplay(record, dict(record.old), {})
        for q in quantities(record):
            right = right_value(record, q)
            f = formula(q, world)
            wrong = tuple((i, x, explain[i].explanation(world))
                          for i, x in _distinct(_catalogued(q, world), right))
            out.append(Prompt(q, q.text(suffix=several or q.example is not None), f.name,
                              f"{f.name} = {f.symbolic}", f"{f.name} = {f.symbolic} = {f.numeric}",
                              right, wrong, {}))
        ends.append(len(out))
    # one earlier wrong value at a time, replayed through the rest of its update and the next
    for s, record in enumerate(run):
        for k in range(ends[s - 1] if s else 0, ends[s]):
            for m, (_, x, _) in enumerate(out[k].wrong):
                replays = {record.step: StepReplay(record, dict(record.old),
                                                   {out[k].quantity: x})}
                if s + 1 < len(run):
                    new = {p: replays[record.step].values[Quantity("new", p, record.step)]
                           for p in record.old}
                    replays[run[s + 1].step] = StepReplay(run[s + 1], new, {})
                for later in out[k + 1: ends[min(s + 1, len(run) - 1)]]:
                    v = replays[later.quantity.step].recomputed[later.quantity]
                    if not Answer(v).matches(later.answer):
                        later.carried[f"{k}:{m}"] = v
    return out
