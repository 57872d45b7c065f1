"""A student's answers file: quantity names and numbers, as CSV or TOML.

CSV: one ``quantity,value`` per line, a header line optional; what spreadsheets export works: a
byte-order mark, ``;`` or tab as the separator, quoted cells, a decimal comma (``0,474``: read
as a decimal point, since no number a hand calculation needs has a thousands separator; with
``,`` as the separator a decimal comma needs quotes). TOML: ``quantity = value`` (quote a name
with ``@``: ``"o6@2" = 0.45``).

Names, for unit j and parameter p (the lecture's name or the spec's display name): ``E``,
``i<j>``, ``o<j>``, ``delta<j>`` (or ``δ<j>``), ``grad_<p>`` (or ``dE/d<p>``, ``∂E/∂<p>``),
``new_<p>``; ``@<step>`` for a later update (no suffix: step 1), ``@<step>/<example>`` for one
example's pass in a per-epoch update. A bad file raises ValueError naming the line.
"""

from __future__ import annotations

import csv
import difflib
import math
import re
import tomllib
from collections.abc import Iterator
from dataclasses import replace
from os import PathLike

from nn._files import read_text

from .grading import Answer, quantities
from .replay import Quantity
from .stepping import StepRun

# A hand calculation has tens of numbers, a long homework a few hundred: 100 kB is far beyond
# that, and keeps a mistaken file (a whole spreadsheet, a binary) from being read at all.
MAX_FILE_BYTES = 100_000
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?", re.IGNORECASE)
# other ways to write a name's start, tried in order (the canonical start last)
_ALIASES = (("∂e/∂", "grad_"), ("de/d", "grad_"), ("δ", "delta"), ("delta_", "delta"),
            ("delta", "delta"), ("grad_", "grad_"), ("grad", "grad_"), ("new_", "new_"),
            ("new", "new_"))


class AnswersError(ValueError):
    """A bad answers file: the message names the line and what is wrong."""


def number(text: str) -> Answer:
    """A student's number and its decimals: "0,474" and "−0.47" read as 0.474 and −0.47;
    "1.2e-3" has 4 decimals."""
    t = text.strip().replace("−", "-").replace(" ", "")
    if t.count(",") == 1 and "." not in t:
        t = t.replace(",", ".")
    if not _NUMBER.fullmatch(t):
        raise ValueError(f"not a number: {text.strip()!r}")
    mantissa, _, exponent = t.lower().partition("e")
    decimals = len(mantissa.partition(".")[2]) - int(exponent or 0)
    value = float(t)
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {text.strip()!r}")
    return Answer(value, max(decimals, 0))


def _canonical(head: str) -> str:
    """A name's start as the checker spells it: δ6 → delta6, dE/dw14 → grad_w14, e → E."""
    lowered = head.lower()
    for alias, prefix in _ALIASES:
        if lowered.startswith(alias):
            return prefix + head[len(alias):]
    return "E" if lowered == "e" else head


def _is_number(text: str) -> bool:
    try:
        number(text)
    except ValueError:
        return False
    return True


class Names:
    """Every name a run's numbers go by, and which quantity each stands for."""

    def __init__(self, run: StepRun) -> None:
        self.run = run
        self.lecture = {run.spec.display(n): n for n in run.spec.weights}
        self.known: dict[str, Quantity] = {}
        every = [q for record in run for q in quantities(record)]
        for lecture_too in (False, True):  # a display name wins over another's lecture name
            for q in every:
                name = self.lecture.get(q.name, q.name) if lecture_too else q.name
                alias = replace(q, name=name)
                forms = [alias.text()]
                if q.example is not None and len(run[q.step - 1].passes) == 1:
                    forms.append(replace(alias, example=None).text())  # one example per update
                if q.step == 1 and (q.example is None or len(run[0].passes) == 1):
                    forms.append(alias.text(suffix=False))
                for form in forms:
                    self.known.setdefault(form, q)

    def quantity(self, text: str) -> Quantity:
        """The quantity a name stands for; ValueError with the closest valid names."""
        name = re.sub(r"\s+", "", text)
        head, at, where = name.partition("@")
        key = _canonical(head) + at + where
        if key in self.known:
            return self.known[key]
        # the names written the same way first (with or without a step)
        alike = [k for k in self.known if ("@" in k) == bool(at)] or list(self.known)
        close = difflib.get_close_matches(key, alike, n=3, cutoff=0.5)
        hint = f"; did you mean {' or '.join(close)}?" if close else (
            "; names are E, i<j>, o<j>, delta<j>, grad_<p>, new_<p>, with @<step> for a later "
            "update")
        raise ValueError(f"unknown quantity {text.strip()!r}{hint}")


def _rows_csv(text: str) -> list[tuple[int, list[str]]]:
    lines = text.splitlines()
    sample = "\n".join(lines[:20])
    sep = ";" if ";" in sample else "\t" if "\t" in sample else ","
    rows = []
    # the lines as split above (any of \n, \r\n, \r ends one): a lone \r inside a line is
    # what csv.reader refuses when it reads the text itself
    reader = csv.reader(lines, delimiter=sep)
    for k, cells in enumerate(_csv_rows(reader), 1):
        cells = [c.strip() for c in cells]
        while cells and not cells[-1]:
            cells.pop()  # spreadsheets pad rows with empty cells
        if not cells or cells[0].startswith("#"):
            continue
        if len(cells) != 2:
            extra = (" (with , as the separator a decimal comma needs quotes: \"0,47\"; or use ;)"
                     if sep == "," and len(cells) == 3 else "")
            raise AnswersError(f"line {k}: expected quantity{sep}value, got {len(cells)} cells"
                               + extra)
        rows.append((k, cells))
    return rows


def _csv_rows(reader: Iterator[list[str]]) -> Iterator[list[str]]:
    """The rows of ``reader``, its own refusals (a field past its size limit) as AnswersError."""
    try:
        yield from reader
    except csv.Error as e:
        raise AnswersError(f"line {reader.line_num}: not readable as CSV ({e})") from None


def _rows_toml(text: str) -> list[tuple[int, list[str]]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        message = str(e)
        if "overwrite" in message.lower():
            message = f"a quantity is given twice ({message})"
        raise AnswersError(f"not valid TOML: {message}") from None
    written = {}
    for k, line in enumerate(text.splitlines(), 1):
        # quantity = value; a table's header [quantity] or a dotted key quantity.x = value
        m = re.match(r'\s*\[*\s*(?:"([^"]*)"|\'([^\']*)\'|([^=\s.\]]+))\s*([=.\]])\s*([^#]*)',
                     line)
        if m:
            name = m.group(1) or m.group(2) or m.group(3)
            written.setdefault(name, (k, m.group(5).strip() if m.group(4) == "=" else ""))
    rows = []
    for key, value in data.items():
        line, literal = written.get(key, (None, repr(value)[:40]))
        where = "" if line is None else f"line {line}: "  # a key spelt with escapes
        if isinstance(value, dict | list) and not literal.startswith("["):
            raise AnswersError(f"{where}{key} is a table; an answers file gives each quantity "
                               "a number (quantity = value, e.g. o6 = 0.474)")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise AnswersError(f"{where}{key}: not a number: {literal}")
        rows.append((line or 0, [key, literal.replace("_", "")]))
    return rows


def read(path: str | PathLike[str], run: StepRun) -> dict[Quantity, Answer]:
    """The answers in ``path`` (.csv/.txt or .toml) as quantities of ``run``."""
    path, text = read_text(path, "an answers file", (".csv", ".txt", ".toml"), MAX_FILE_BYTES)
    try:
        return parse(text, run, "toml" if path.suffix.lower() == ".toml" else "csv")
    except ValueError as e:
        raise AnswersError(f"{path}, {e}") from None


def parse(text: str, run: StepRun, fmt: str = "csv") -> dict[Quantity, Answer]:
    """The answers in the text of a CSV or TOML file."""
    rows = _rows_toml(text) if fmt == "toml" else _rows_csv(text.lstrip("\ufeff"))
    names = Names(run)
    answers: dict[Quantity, Answer] = {}
    where: dict[Quantity, int] = {}
    for n, (line, (name, value)) in enumerate(rows):
        try:
            q = names.quantity(name)
        except ValueError as e:
            if n == 0 and fmt == "csv" and not _is_number(value):
                continue  # a header line ("quantity,value")
            raise AnswersError(f"line {line}: {e}") from None
        try:
            answer = number(value)
        except ValueError as e:
            raise AnswersError(f"line {line}: {name}: {e}") from None
        if q in answers:
            raise AnswersError(f"line {line}: {name} is given twice (first on line {where[q]})")
        answers[q], where[q] = answer, line
    if not answers:
        raise AnswersError("no answers in it (one quantity,value per line, e.g. o6,0.474)")
    return answers
