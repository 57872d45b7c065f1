"""Assignment templates: a spec file in which any number may be a range, from which every student
gets a network of their own.

A range is ``w14 = { from = -0.5, to = 0.5, step = 0.1 }`` (weights, biases, inputs, targets, the
learning rate): the numbers from, from + step, … up to to. Two optional tables go beside the spec's
keys::

    [grading]                      # besides significant_figures (or a tolerance)
    points = 1                     # per quantity; or a table: deltas = 2, o6 = 3, default = 1
    carried_forward_share = 0.5    # the share of a quantity's points a carried-forward number earns

    [assignment]
    title = "Homework 3"
    ask = ["outputs", "deltas", "new_weights"]   # groups or answers-file names; default: all
    seed = 2026

A student's variant (`Template.variant`) is drawn from the seed and the student's id alone (the
same id, the same numbers, whoever else is on the roster), and redrawn until its hand calculation
is meaningful: no saturated unit (f′ below a tenth of its largest value), no gradient that rounds
to zero at the precision asked (unless it is zero in every variant, as behind an input of 0).
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import tomllib
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from os import PathLike
from typing import Any

from nn._files import read_text, toml_value

from . import spec as specs
from .precision import Precision
from .quantities import Worked
from .spec import Spec
from .stepping import StepRun, step

# the groups a template may ask for (or give points to), by the quantities' kinds
GROUPS = {"net_inputs": "i", "outputs": "o", "loss": "E", "deltas": "delta", "gradients": "grad",
          "new_weights": "new"}
ASSIGNMENT_KEYS = ("title", "ask", "seed")
POINT_KEYS = ("points", "carried_forward_share")
MAX_CHOICES = 10_000  # numbers in one range: beyond that a step is surely a typo
MAX_ATTEMPTS = 200  # draws per student before the template is judged unable to give a variant
SAMPLES = 24  # variants drawn to learn which quantities are zero in every variant
SATURATED = 0.1  # f′(i) below this share of its largest value: the unit is saturated

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Range:
    """The numbers start, start + step, …, up to stop (rounded to the decimals they are
    written with, so 0.1 + 0.2 is 0.3)."""

    start: float
    stop: float
    step: float
    decimals: int

    @property
    def count(self) -> int:
        """How many numbers the range holds."""
        return int(math.floor((self.stop - self.start) / self.step + 1e-9)) + 1

    def value(self, k: int) -> float:
        """The k-th number (from 0)."""
        return round(self.start + k * self.step, self.decimals)


def _decimals(x: float) -> int:
    exponent = Decimal(repr(float(x))).normalize().as_tuple().exponent
    return max(0, -int(exponent))


def _where(path: Path) -> str:
    """``("examples", 0, "x", 1)`` → ``examples[1].x[2]`` (counted from 1, as the errors do)."""
    text = ""
    for part in path:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _range(source: str, path: Path, table: Mapping[str, Any]) -> Range:
    where = f"{source}: {_where(path)}"
    extra = sorted(set(table) - {"from", "to", "step"})
    missing = [k for k in ("from", "to", "step") if k not in table]
    if extra or missing:
        raise ValueError(f"{where}: a range is {{ from = A, to = B, step = S }}"
                         + (f"; unknown key {extra[0]}" if extra else f"; missing {missing[0]}"))
    values = []
    for k in ("from", "to", "step"):
        x = table[k]
        if isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x):
            raise ValueError(f"{where}: the range's {k} must be a finite number, got {x!r}")
        values.append(float(x))
    start, stop, size = values
    if size <= 0:
        raise ValueError(f"{where}: the range's step must be above 0, got {size:g}")
    if stop < start:
        raise ValueError(f"{where}: the range goes from {start:g} to {stop:g}: from must not be "
                         "above to")
    r = Range(start, stop, size, max(_decimals(start), _decimals(size)))
    if r.count > MAX_CHOICES:
        raise ValueError(f"{where}: the range holds {r.count} numbers, more than "
                         f"{MAX_CHOICES} (is the step right?)")
    return r


def _ranges(source: str, data: Any, path: Path = ()) -> Iterable[tuple[Path, Range]]:
    """Every range in the spec's numbers (lr, weights, the examples' x and t)."""
    if isinstance(data, Mapping):
        if path and "from" in data:
            yield path, _range(source, path, data)
            return
        for k, v in data.items():
            if path or k in ("lr", "weights", "examples"):
                yield from _ranges(source, v, (*path, k))
    elif isinstance(data, list):
        for k, v in enumerate(data):
            yield from _ranges(source, v, (*path, k))


def _put(data: Any, path: Path, value: float) -> Any:
    """A copy of ``data`` with ``value`` at ``path`` (the rest shared)."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(data, list):
        copy = list(data)
    else:
        copy = dict(data)
    copy[head] = _put(data[head], rest, value)  # type: ignore[index]
    return copy


def _rng(seed: object, student: str, attempt: int) -> random.Random:
    # sha256, not hash(): the same numbers in every Python process and on every machine
    digest = hashlib.sha256(f"{seed}\x1f{student}\x1f{attempt}".encode()).digest()
    return random.Random(int.from_bytes(digest[:16], "big"))


def _slope_share(activation: str, net: float) -> float:
    """f′(net) as a share of the activation's largest slope (1: as steep as it gets)."""
    if activation == "sigmoid":
        s = 1 / (1 + math.exp(-net)) if net > -700 else 0.0
        return 4 * s * (1 - s)
    if activation == "tanh":
        return 1 - math.tanh(net) ** 2
    if activation == "softplus":
        return 1 / (1 + math.exp(-net)) if net > -700 else 0.0
    if activation == "elu":
        return 1.0 if net > 0 else math.exp(net)
    return 1.0  # linear and the rectifiers do not saturate (a dead ReLU gives zero gradients)


@dataclass(frozen=True)
class Template:
    """A checked template: the spec's keys with ``ranges`` in place of some numbers, the
    assignment's ``title``, the groups or names it ``ask``s for (empty: all), its ``seed``, the
    ``precision`` rule, ``points`` per group or name (``default`` for the rest) and the
    ``carried_forward_share`` of the points a carried-forward number earns."""

    data: Mapping[str, Any]
    ranges: Mapping[Path, Range]
    title: str = ""
    ask: tuple[str, ...] = ()
    seed: int | str = 0
    precision: Precision = Precision()
    points: Mapping[str, float] = field(default_factory=lambda: {"default": 1.0})
    carried_forward_share: float = 1.0
    source: str = "the template"

    @property
    def count(self) -> int:
        """How many different networks the ranges give."""
        return math.prod(r.count for r in self.ranges.values())

    def _spec(self, choice: Mapping[Path, float]) -> Spec:
        data: Any = self.data
        if self.title and not data.get("title"):
            data = {**data, "title": self.title}
        for path, value in choice.items():
            data = _put(data, path, value)
        return specs.from_dict(data, self.source)

    def _draw(self, student: str, attempt: int) -> tuple[tuple[float, ...], Spec]:
        rng = _rng(self.seed, student, attempt)
        choice = {p: r.value(rng.randrange(r.count)) for p, r in self.ranges.items()}
        return tuple(choice.values()), self._spec(choice)

    @cached_property
    def first(self) -> Spec:
        """The spec with every range at its first number (to check the keys and names)."""
        return self._spec({p: r.start for p, r in self.ranges.items()})

    @cached_property
    def always_zero(self) -> frozenset[str]:
        """The quantities (keys) that are 0 in every variant drawn to find out (e.g. the
        gradient of a weight behind an input that is always 0): a zero there is no flaw."""
        zero: set[str] | None = None
        for k in range(SAMPLES if self.ranges else 1):
            try:
                run = step(self._draw("\x00sample", k)[1])
            except (ValueError, ArithmeticError):
                continue
            here = {w.key for r in run for w in r.quantities if w.value == 0}
            zero = here if zero is None else zero & here
        return frozenset(zero or ())

    def flaw(self, run: StepRun) -> str | None:
        """Why the hand calculation of ``run`` would be meaningless or ungradable (a saturated
        unit, a gradient that rounds to zero at the precision asked), or None."""
        spec = run.spec
        acts = [*spec.activation, spec.output_activation]
        units = {}
        unit = spec.inputs
        for layer, size in enumerate(spec.layers):
            for _ in range(size):
                unit += 1
                units[str(unit)] = acts[layer]
        for record in run:
            for p in record.passes:
                for j, values in p.forward.items():
                    if _slope_share(units[j], values["net"]) < SATURATED:
                        return (f"unit {j} is saturated (i{j} = {values['net']:.3g}: its "
                                f"{units[j]} has almost no slope there)")
            for w in record.quantities:
                if w.quantity.kind == "grad" and w.key not in self.always_zero and \
                        abs(w.value) < self._zero_below:
                    return f"{w.display} = {w.value:.2g} rounds to zero at the precision asked"
        return None

    @property
    def _zero_below(self) -> float:
        """A gradient smaller than this reads as 0 when written to the precision asked (with
        n significant figures: to n decimal places)."""
        p = self.precision
        if p.absolute is not None:
            return p.absolute
        if p.relative is not None:
            return 1e-12
        return 0.5 * 10.0 ** -(p.significant_figures or 3)

    def variant(self, student_id: str, taken: Collection[tuple[float, ...]] = ()) -> Spec:
        """The student's spec: the first draw (from the seed and the id alone) without a flaw,
        and not one of ``taken`` (the numbers of students already given a variant: see
        `variants`). ValueError when no draw in `MAX_ATTEMPTS` will do, with the usual flaw."""
        return self._variant(str(student_id), taken)[1].spec

    def _variant(self, student: str, taken: Collection[tuple[float, ...]]
                 ) -> tuple[tuple[float, ...], StepRun]:
        flaws: Counter[str] = Counter()
        example: dict[str, str] = {}
        for attempt in range(MAX_ATTEMPTS if self.ranges else 1):
            numbers, spec = self._draw(student, attempt)
            if numbers in taken and self.ranges:
                flaws["the numbers another student already has"] += 1
                continue
            try:
                run = step(spec)
                problem = self.flaw(run)
            except (ValueError, ArithmeticError) as e:
                problem = str(e)
            if problem is None:
                return numbers, run
            kind = _kind(problem)
            flaws[kind] += 1
            example.setdefault(kind, problem)
        reason, n = flaws.most_common(1)[0]
        shown = f"{reason} (e.g. {example[reason]})" if example.get(reason, reason) != reason \
            else reason
        raise ValueError(f"{self.source}: cannot give student {student!r} a network that can be "
                         f"worked by hand: {n} of {sum(flaws.values())} draws had {shown}; widen "
                         "or move the ranges")

    def variants(self, student_ids: Sequence[str]) -> dict[str, Spec]:
        """Each student's spec, in roster order, no two alike where the ranges allow: a student
        whose draw repeats an earlier student's numbers draws again (so adding a student at the
        end of a roster changes no one else's numbers)."""
        return {student: run.spec for student, run in self.runs(student_ids).items()}

    def runs(self, student_ids: Sequence[str]) -> dict[str, StepRun]:
        """As `variants`, each spec's updates run (`lab.step`), as checking it needed."""
        ids = [str(s) for s in student_ids]
        if 1 < self.count < len(ids):
            raise ValueError(f"{self.source}: the ranges give only {self.count} different "
                             f"networks for {len(ids)} students; widen the ranges")
        taken: set[tuple[float, ...]] = set()
        out = {}
        for student in ids:
            numbers, out[student] = self._variant(student, taken)
            taken.add(numbers)
        return out

    def asked(self, worked: Worked) -> bool:
        """Whether the assignment asks for this quantity: one the exercise asks for, in a group
        (outputs, deltas, …) or with a name (o6, new_w14) the ``ask`` list names."""
        if not worked.asked:
            return False
        return not self.ask or any(n in self.ask for n in _names(worked))

    def points_for(self, worked: Worked) -> float:
        """Its points: by its name, else its group, else the default (1 unless set)."""
        for name in _names(worked):
            if name in self.points:
                return self.points[name]
        return self.points.get("default", 1.0)

    def credit(self, verdict: str) -> float:
        """The share of a quantity's points a verdict earns."""
        return {"right": 1.0, "carried-forward": self.carried_forward_share}.get(verdict, 0.0)


def _names(worked: Worked) -> tuple[str, ...]:
    """The names a template may use for a quantity: its answers-file names, then its group."""
    group = next(g for g, kind in GROUPS.items() if kind == worked.quantity.kind) \
        if worked.quantity.kind in GROUPS.values() else ""
    return (worked.answer_name, worked.quantity.text(suffix=False), group)


def _kind(problem: str) -> str:
    """A flaw's kind, to count draws alike whatever unit or weight it is about."""
    if "saturated" in problem:
        return "a saturated unit"
    if "rounds to zero" in problem:
        return "a gradient that rounds to zero at the precision asked"
    return problem


def _points(source: str, value: object) -> dict[str, float]:
    def number(key: str, x: object) -> float:
        if isinstance(x, bool) or not isinstance(x, int | float) or not math.isfinite(x) or x < 0:
            raise ValueError(f"{source}: grading.{key}: points must be a number 0 or above, "
                             f"got {x!r}")
        return float(x)

    if isinstance(value, Mapping):
        return {"default": 1.0} | {str(k): number(f"points.{k}", v) for k, v in value.items()}
    return {"default": number("points", value)}


def _assignment(source: str, table: object) -> tuple[str, tuple[str, ...], int | str]:
    if not isinstance(table, Mapping):
        raise ValueError(f"{source}: assignment must be a table (title, ask, seed)")
    extra = sorted(set(table) - set(ASSIGNMENT_KEYS))
    if extra:
        raise ValueError(f"{source}: assignment: unknown key {extra[0]} (a typo?); allowed: "
                         f"{', '.join(ASSIGNMENT_KEYS)}")
    title = table.get("title", "")
    ask = table.get("ask", [])
    seed = table.get("seed", 0)
    if not isinstance(title, str):
        raise ValueError(f"{source}: assignment.title must be text, got {title!r}")
    if isinstance(ask, str):
        ask = [ask]
    if not isinstance(ask, list) or not all(isinstance(a, str) for a in ask):
        raise ValueError(f"{source}: assignment.ask must be a list of groups or quantity names "
                         f"(e.g. [\"outputs\", \"deltas\", \"new_weights\"]), got {ask!r}")
    if isinstance(seed, bool) or not isinstance(seed, int | str):
        raise ValueError(f"{source}: assignment.seed must be a whole number or text, got {seed!r}")
    return title, tuple(ask), seed


def from_dict(data: object, source: str = "the template") -> Template:
    """A checked `Template` from a file's keys: the spec's (numbers or ranges), ``[grading]``
    with points, ``[assignment]``."""
    if not isinstance(data, Mapping):
        raise TypeError(f"{source}: a template is a table of keys (inputs, layers, ...)")
    data = dict(data)
    title, ask, seed = _assignment(source, data.pop("assignment", {}))
    grading = data.get("grading", {})
    if not isinstance(grading, Mapping):
        raise ValueError(f"{source}: grading must be a table")
    grading = dict(grading)
    points = _points(source, grading.pop("points", 1.0))
    share = grading.pop("carried_forward_share", 1.0)
    if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
        raise ValueError(f"{source}: grading.carried_forward_share must be a number from 0 to 1 "
                         f"(the share of the points a carried-forward number earns), got {share!r}")
    data["grading"] = grading
    ranges = dict(_ranges(source, data))
    template = Template(data, ranges, title or str(data.get("title", "")), ask, seed,
                        Precision(), points, float(share), source)
    first = template.first  # the spec's own checks, on the first number of each range
    template = Template(data, ranges, template.title, ask, seed, first.precision, points,
                        float(share), source)
    _check_names(template, step(first))
    return template


def _check_names(template: Template, run: StepRun) -> None:
    """Every name in ask and in the points table is a group or one of the run's quantities."""
    known = set(GROUPS) | {n for r in run for w in r.quantities for n in _names(w)}
    for where, names in (("assignment.ask", template.ask),
                         ("grading.points", [k for k in template.points if k != "default"])):
        for name in names:
            if name not in known:
                raise ValueError(f"{template.source}: {where}: {name!r} is neither a group "
                                 f"({', '.join(GROUPS)}) nor a quantity of this network (run "
                                 "backprop check SPEC --template for the names)")
    if not any(template.asked(w) for r in run for w in r.quantities):
        raise ValueError(f"{template.source}: assignment.ask asks for no quantity")


def loads_template(text: str, fmt: str = "toml", source: str = "the template") -> Template:
    """A checked `Template` from the text of a TOML or JSON file."""
    try:
        data = toml_value(text) if fmt == "toml" else json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"{source}: not valid {fmt.upper()}: {e}") from None
    except RecursionError:
        raise ValueError(f"{source}: its {fmt.upper()} is nested too deeply to be a template"
                         ) from None
    return from_dict(data, source)


def load_template(path: str | PathLike[str]) -> Template:
    """The checked template in the file ``path`` (.toml or .json)."""
    path, text = read_text(path, "a template file", (".toml", ".json"), specs.MAX_FILE_BYTES)
    return loads_template(text, path.suffix.lower().lstrip("."), str(path))
