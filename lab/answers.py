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
import re
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import replace
from os import PathLike

from nn._checks import short_repr
from nn._files import read_text, toml_value

from .grading import Answer
from .numbers import UnreadableNumber, read_number
from .quantities import Quantity, Worked
from .stepping import StepRun

# A hand calculation has tens of numbers, a long homework a few hundred: 100 kB is far beyond
# that, and keeps a mistaken file (a whole spreadsheet, a binary) from being read at all.
MAX_FILE_BYTES = 100_000
# other ways to write a name's start, tried in order (the canonical start last)
_ALIASES = (("∂e/∂o", "dE_do"), ("de/do", "dE_do"), ("de_do", "dE_do"), ("∂e/∂", "grad_"),
            ("de/d", "grad_"), ("δ", "delta"), ("delta_", "delta"), ("delta", "delta"),
            ("grad_", "grad_"), ("grad", "grad_"), ("new_", "new_"),
            ("new", "new_"))


class AnswersError(ValueError):
    """A bad answers file: the message names the line and what is wrong."""


def answer(text: str) -> Answer:
    """What a student wrote for one number: its value (`lab.numbers.read_number`), or blank,
    or unreadable with the reason."""
    try:
        return Answer(read_number(text))
    except UnreadableNumber as e:
        return Answer(None, "blank" if e.reason == "empty" else "unreadable", str(e))


def _canonical(head: str) -> str:
    """A name's start as the checker spells it: δ6 → delta6, dE/dw14 → grad_w14, e → E."""
    lowered = head.lower()
    for alias, prefix in _ALIASES:
        if lowered.startswith(alias):
            return prefix + head[len(alias):]
    return "E" if lowered == "e" else head


class Names:
    """Every name a run's numbers go by, and which quantity each stands for."""

    def __init__(self, run: StepRun) -> None:
        self.run = run
        self.lecture = {run.spec.display(n): n for n in run.spec.weights}
        self.known: dict[str, Quantity] = {}
        every = [w.quantity for record in run for w in record.quantities]
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
            "; names are E, i<j>, o<j>, dE_do<j>, delta<j>, grad_<p>, new_<p>, with @<step> for a "
            "later update")
        raise ValueError(f"unknown quantity {short_repr(text.strip())}{hint} (backprop check SPEC "
                         "--template lists every name)")


class Answers(dict[Quantity, Answer]):
    """The answers read from a file, by quantity, and ``problems``: one message per line that
    could not be read (its line number first); the other lines are still checked."""

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []


Row = tuple[int, str, str]  # line, name, the value's text


def _rows_csv(text: str, problems: list[str]) -> list[Row]:
    lines = text.splitlines()
    sample = "\n".join(lines[:20])
    sep = ";" if ";" in sample else "\t" if "\t" in sample else ","
    rows = []
    # the lines as split above (any of \n, \r\n, \r ends one): a lone \r inside a line is
    # what csv.reader refuses when it reads the text itself
    reader = csv.reader(lines, delimiter=sep)
    for k, raw in enumerate(_csv_rows(reader), 1):
        # the value's own spaces are the number reader's to judge, as a page field's are
        cells = [raw[0].strip(), *raw[1:2], *(c.strip() for c in raw[2:])] if raw else []
        while len(cells) > 2 and not cells[-1]:
            cells.pop()  # spreadsheets pad rows with empty cells
        if not any(c.strip() for c in cells) or cells[0].startswith("#"):
            continue
        if len(cells) > 2:
            extra = (" (with , as the separator a decimal comma needs quotes: \"0,47\"; or use ;)"
                     if sep == "," and len(cells) == 3 else "")
            problems.append(f"line {k}: expected quantity{sep}value, got {len(cells)} cells"
                            + extra)
            continue
        rows.append((k, cells[0], cells[1] if len(cells) == 2 else ""))
    return rows


def _csv_rows(reader: Iterator[list[str]]) -> Iterator[list[str]]:
    """The rows of ``reader``, its own refusals (a field past its size limit) as AnswersError."""
    try:
        yield from reader
    except csv.Error as e:
        raise AnswersError(f"line {reader.line_num}: not readable as CSV ({e})") from None


def _unescaped(name: str) -> str:
    """A double-quoted TOML key's text with its escapes read (as TOML reads them)."""
    try:
        return str(tomllib.loads(f'k = "{name}"')["k"])
    except tomllib.TOMLDecodeError:
        return name


def _rows_toml(text: str, problems: list[str]) -> list[Row]:
    try:
        data = toml_value(text)
    except tomllib.TOMLDecodeError as e:
        message = str(e)
        if "overwrite" in message.lower():
            message = f"a quantity is given twice ({message})"
        raise AnswersError(f"not valid TOML: {message}") from None
    except RecursionError:
        raise AnswersError("not valid TOML: nested too deeply to be an answers file") from None
    except ValueError:  # Python's own limit on a whole number's digits
        raise AnswersError("not valid TOML: a whole number of more than 4,300 digits (no "
                           "hand-calculated number has that many)") from None
    written = _key_lines(text)
    rows = []
    for key, value in data.items():
        line, literal = written.get(key, (None, ""))
        where = "" if line is None else f"line {line}: "  # a key spelt with escapes
        if isinstance(value, str):
            rows.append((line or 0, key, value))
        elif isinstance(value, dict):
            problems.append(f"{where}{key} is a table; an answers file gives each quantity a "
                            "number (quantity = value, e.g. o6 = 0.474)")
        elif isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(f"{where}{key}: not a number: {literal or repr(value)[:40]}")
        else:
            rows.append((line or 0, key, _as_written(literal, value)))
    return rows


# a key (basic-quoted, literal-quoted or bare), then = and its value's text, or . or ]; the
# spaces and brackets before it one class, not \s*\[*\s*: a line of 90,000 spaces and a
# comment would otherwise be tried 90,000² ways
_KEY = re.compile(r'[\s\[]*(?:"((?:[^"\\]|\\.)*)"|\'([^\']*)\'|([^=\s.\]]+))'
                  r'\s*([=.\]])\s*([^#]*)')


def _key_lines(text: str) -> dict[str, tuple[int, str]]:
    """Each key of a TOML text → (its line, its value's text as written there; "" for a table).

    TOML's lines end at \\n (or \\r\\n) only: a U+2028 or U+0085 may stand inside a key or a
    comment. Lines inside a multi-line string are its text, not keys."""
    written: dict[str, tuple[int, str]] = {}
    inside = ""  # the quotes of the multi-line string the line is in
    for k, line in enumerate(text.split("\n"), 1):
        if inside:
            inside = "" if inside in line else inside
            continue
        # quantity = value; a table's header [quantity] or a dotted key quantity.x = value
        m = _KEY.match(line)
        if m:
            name = next(g for g in m.groups()[:3] if g is not None)  # "" is a key too
            if m.group(1) and "\\" in name:  # a basic string's escapes: "o\u0034" is o4
                name = _unescaped(name)
            value = m.group(5).strip() if m.group(4) == "=" else ""
            written.setdefault(name, (k, value))
            # a value that opens a multi-line string and does not close it on this line
            inside = next((q for q in ('"""', "'''") if value.startswith(q)
                           and value.count(q) == 1), "")
    return written


def _as_written(literal: str, value: float) -> str:
    """A number's text as its line writes it (1_000 as 1000), if that is the number TOML read;
    else TOML's number."""
    text = literal.replace("_", "")
    try:
        return text if float(text) == value else repr(value)
    except ValueError:
        return repr(value)


def read(path: str | PathLike[str], run: StepRun) -> Answers:
    """The answers in ``path`` (.csv/.txt or .toml) as quantities of ``run``."""
    path, text = read_text(path, "an answers file", (".csv", ".txt", ".toml"), MAX_FILE_BYTES)
    try:
        return parse(text, run, "toml" if path.suffix.lower() == ".toml" else "csv")
    except ValueError as e:
        raise AnswersError(f"{path}, {e}") from None


def parse(text: str, run: StepRun, fmt: str = "csv") -> Answers:
    """The answers in the text of a CSV or TOML file; a line that cannot be read is reported in
    ``problems`` and the rest still read (AnswersError only when no line can be)."""
    answers = Answers()
    problems = answers.problems
    rows = (_rows_toml(text, problems) if fmt == "toml"
            else _rows_csv(text.lstrip("\ufeff"), problems))
    names = Names(run)
    where: dict[Quantity, int] = {}
    for n, (line, name, value) in enumerate(rows):
        try:
            q = names.quantity(name)
        except ValueError as e:
            if n == 0 and fmt == "csv" and answer(value).value is None:
                continue  # a header line ("quantity,value")
            problems.append(f"line {line}: {e}")
            continue
        if q in answers:
            problems.append(f"line {line}: {name} is given twice (first on line {where[q]})")
            continue
        answers[q], where[q] = answer(value), line
    if not answers:
        first = f": {problems[0]}" if problems else ""
        raise AnswersError("no answers could be read from it (one quantity,value per line, "
                           f"e.g. o6,0.474){first}")
    return answers


def template(run: StepRun, asked: Callable[[Worked], bool] | None = None) -> str:
    """An answers file to fill in: every number the run asks for (those ``asked`` accepts, if
    given), in the order of the calculation, each with an empty value after a comment naming it
    (display name, update, example)."""
    lines = ["# your numbers: write each after its comma (a decimal point or comma, e.g. 0.474)",
             "quantity,value"]
    for record in run:
        for w in record.quantities:
            if w.asked and (asked is None or asked(w)):
                lines += [f"# {w.display}, {w.where()}", f"{w.answer_name},"]
    return "\n".join(lines) + "\n"
