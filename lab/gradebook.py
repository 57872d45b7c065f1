"""Grading a class: every student's submission (an answers file) checked against their own
network, with the template's points, into one gradebook row each.

A submission that cannot be graded (no file, a file that is not an answers file, one that names
no quantity of the network) is a row with its ``error``; the others are graded whatever their
bad lines. A student's score is Σ points(q) · credit(verdict of q) over the quantities asked:
credit 1 for right, the template's carried-forward share for carried forward, else 0.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nn._files import read_text

from . import answers as answer_files
from . import spec as specs
from .grading import Report, check
from .marking import asked_quantities, marks, with_blanks
from .quantities import Worked
from .roster import Roster, read_roster
from .stepping import StepRun, step
from .templates import Template, load_template

COLUMNS = ("id", "score", "max_score", "right", "carried_forward", "wrong", "blank",
           "unreadable", "first_wrong", "mistakes", "error")
SUFFIXES = (".csv", ".toml")


@dataclass
class Graded:
    """One student's result: the gradebook ``row``; the ``report`` (None when the submission
    could not be graded), the quantities ``asked`` and the answers file's ``problems``."""

    student: str
    row: dict[str, str]
    run: StepRun
    asked: list[Worked]
    report: Report | None = None
    problems: list[str] = field(default_factory=list)


def _score(x: float) -> str:
    return f"{x:.4g}"


def _row(student: str, template: Template, asked: list[Worked], report: Report | None,
         error: str = "") -> dict[str, str]:
    row = dict.fromkeys(COLUMNS, "")
    row["id"] = student
    row["max_score"] = _score(sum(template.points_for(w) for w in asked))
    if report is None:
        return row | {"score": "0", "error": error}  # counts left empty: nothing was graded
    marked = marks(asked, report, template.points_for, template.credit)
    counts = Counter(m.verdict for m in marked)
    mistakes = list(dict.fromkeys(i.mistake for i in report.items if i.mistake))
    first = next((i.quantity for i in report.items if i.verdict == "wrong"), "")
    return row | {"score": _score(sum(m.score for m in marked)), "right": str(counts["right"]),
                  "carried_forward": str(counts["carried-forward"]),
                  "wrong": str(counts["wrong"]), "blank": str(counts["blank"]),
                  "unreadable": str(counts["unreadable"]), "first_wrong": first,
                  "mistakes": ";".join(mistakes)}


_NAME_NUMBER = re.compile(r"^\s*[^\s,;=]+\s*[,;\t=]\s*[-+\u2212]?[\d.,]*\d", re.M)


def text_or_empty(path: Path) -> str:
    """The file's text, or "" if it cannot be read as text."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def submission(folder: Path, student: str) -> Path | None:
    """The student's answers file in ``folder`` (``<id>.csv`` or ``<id>.toml``), None if none."""
    for suffix in SUFFIXES:
        path = folder / f"{student}{suffix}"
        if path.is_file():
            return path
    return None


def unmatched(folder: Path, ids: Sequence[str], most: int) -> tuple[list[str], int]:
    """The files in ``folder`` that are no roster student's submission (not graded): the first
    ``most`` by name, each with the id it was likely meant for ("S003.csv (s003?)",
    "s002 (1).csv (s002?)", "notes.txt"), and how many there are in all."""
    names = {f"{student}{suffix}" for student in ids for suffix in SUFFIXES}
    left = sorted(p.name for p in folder.iterdir()
                  if p.name not in names and not p.name.startswith(".") and p.is_file())
    folded = {student.casefold(): student for student in ids}
    shown = []
    for name in left[:most]:  # a folder of thousands of other files: only these are compared
        # a browser's second download "s002 (1).csv", a name in capitals "S003.csv"
        stem = re.sub(r"\s*\(\d+\)$", "", Path(name).stem).strip().casefold()
        key = stem if stem in folded else next(iter(difflib.get_close_matches(
            stem, list(folded), n=1, cutoff=0.8)), None)
        shown.append(name + (f" ({folded[key]}?)" if key else ""))
    return shown, len(left)


def grade_student(student: str, template: Template, run: StepRun,
                  path: Path | None) -> Graded:
    """One student's submission graded on their own ``run`` (never raising for a bad file)."""
    asked = asked_quantities(run, template.asked)
    keys = {w.key for w in asked}
    if path is None:
        return Graded(student, _row(student, template, asked, None, "no file"), run, asked)
    try:
        _, text = read_text(path, "an answers file", SUFFIXES, answer_files.MAX_FILE_BYTES)
        given = answer_files.parse(text, run, "toml" if path.suffix == ".toml" else "csv")
    except ValueError as e:
        message = str(e)
        # quantity,number lines whose names are all unknown (another network's file?), or text
        # that is no answers file at all
        named = "unknown quantity" in message and _NAME_NUMBER.search(text_or_empty(path))
        why = "unknown names only" if named else "unreadable file"
        return Graded(student, _row(student, template, asked, None, f"{why}: {message}"), run,
                      asked)
    mine = {q: a for q, a in given.items() if q.key in keys}
    report = check(run, with_blanks(mine, asked))
    return Graded(student, _row(student, template, asked, report), run, asked, report,
                  list(given.problems))


def load_assignment(folder: Path) -> tuple[Template, Roster]:
    """The template and roster ``backprop assign`` copied into its output folder."""
    templates = [folder / f"template{s}" for s in (".toml", ".json")]
    found = [p for p in templates if p.is_file()]
    if not found or not (folder / "roster.csv").is_file():
        raise ValueError(f"{folder}: not a folder written by backprop assign (it has no "
                         "template.toml and roster.csv)")
    return load_template(found[0]), read_roster(folder / "roster.csv")


def grade_class(folder: Path, submissions: Path,
                progress: Callable[[Graded], None] | None = None) -> list[Graded]:
    """Every roster student of the assignment in ``folder`` graded from ``submissions``."""
    if not submissions.is_dir():
        raise ValueError(f"{submissions}: not a folder of submissions (<id>.csv or <id>.toml)")
    template, roster = load_assignment(folder)
    out = []
    for student in roster.ids:
        run = step(specs.load(folder / student / "spec.toml"))
        graded = grade_student(student, template, run, submission(submissions, student))
        if progress:
            progress(graded)
        out.append(graded)
    return out


def gradebook_csv(graded: Sequence[Graded], roster: Roster) -> str:
    """The gradebook: `COLUMNS`, then the roster's other columns (name, email, …)."""
    extra = [c for c in roster.columns if c != "id"]
    info = {row["id"]: row for row in roster.rows}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*COLUMNS, *extra])
    for g in graded:
        writer.writerow([g.row[c] for c in COLUMNS] + [info[g.student].get(c, "") for c in extra])
    return out.getvalue()
