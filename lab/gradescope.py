"""Grading one Gradescope submission: what the exported autograder's ``run_autograder`` runs.

Gradescope's harness (https://gradescope-autograders.readthedocs.io/en/latest/specs/) puts the
autograder zip in ``/autograder/source``, the student's files in ``/autograder/submission`` and
``/autograder/submission_metadata.json`` (``users[0].id``, ``.email``), and uploads
``/autograder/results/results.json``: ``score``, ``output``, ``visibility``, and ``tests``, each
with ``name``, ``number``, ``score``, ``max_score``, ``output``, ``visibility``. The folder is
``/autograder`` unless ``BACKPROP_AUTOGRADER_ROOT`` names another (to run it locally).

``source/assignment.json`` says which template file to grade against and, optionally, a roster
(CSV with a column ``id``, the assignment's student id, and ``gradescope_id`` or ``email`` to
find the submitting user in it).
"""

from __future__ import annotations

import csv
import json
import os
import sys
from pathlib import Path
from typing import Any

from .answers import AnswersError, parse
from .marking import Mark, asked_quantities, mark
from .stepping import step
from .variants import load_variant

ROOT_VARIABLE = "BACKPROP_AUTOGRADER_ROOT"
CONFIG = "assignment.json"
ANSWER_SUFFIXES = (".csv", ".toml", ".txt")
MAX_SUBMISSION_BYTES = 100_000


class SubmissionError(ValueError):
    """A submission that cannot be graded (no file, an unreadable one, an unknown student): its
    message is what the student reads, with a score of 0."""


def root() -> Path:
    """The autograder's folder: ``$BACKPROP_AUTOGRADER_ROOT`` or ``/autograder``."""
    return Path(os.environ.get(ROOT_VARIABLE) or "/autograder")


def _config(base: Path) -> dict[str, Any]:
    return json.loads((base / "source" / CONFIG).read_text(encoding="utf-8"))


def student_id(base: Path, roster: str | None) -> str:
    """The assignment's id of the submitting student: the first user's Gradescope ``id`` from
    ``submission_metadata.json``, looked up in the roster when there is one."""
    path = base / "submission_metadata.json"
    try:
        user = json.loads(path.read_text(encoding="utf-8"))["users"][0]
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        raise SubmissionError(f"{path.name} names no student; the autograder cannot tell whose "
                              "numbers to grade against") from None
    if not roster:
        return str(user["id"])
    with open(base / "source" / roster, encoding="utf-8-sig", newline="") as f:
        for row in csv.DictReader(f):
            if str(user.get("id")) == (row.get("gradescope_id") or "").strip() or (
                    user.get("email") and (row.get("email") or "").strip().lower()
                    == str(user["email"]).lower()):
                return row["id"].strip()
    raise SubmissionError(f"{user.get('name') or user.get('email') or user.get('id')} is not on "
                          "the assignment's roster; ask your teacher to add you")


def roster_ids(base: Path, roster: str | None) -> list[str] | None:
    """The roster's student ids in order (None without a roster): variants are drawn for them
    in this order, as ``backprop assign`` drew them."""
    if not roster:
        return None
    with open(base / "source" / roster, encoding="utf-8-sig", newline="") as f:
        return [row["id"].strip() for row in csv.DictReader(f)]


def submission_file(base: Path) -> Path:
    """The student's answers file: the one .csv/.toml/.txt file in ``submission``."""
    folder = base / "submission"
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))
    answers = [p for p in files if p.suffix.lower() in ANSWER_SUFFIXES]
    if not answers:
        found = f" (found {', '.join(p.name for p in files[:5])})" if files else ""
        raise SubmissionError("no answers file was submitted: upload one .csv (quantity,value "
                              f"per line) or .toml file{found}")
    if len(answers) > 1:
        raise SubmissionError("several answers files were submitted "
                              f"({', '.join(p.name for p in answers[:5])}): upload only one")
    return answers[0]


def _read(path: Path) -> str:
    data = path.read_bytes()
    if len(data) > MAX_SUBMISSION_BYTES:
        raise SubmissionError(f"{path.name} is {len(data):,} bytes, too large for an answers "
                              f"file (at most {MAX_SUBMISSION_BYTES:,})")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise SubmissionError(f"{path.name} is not a text file (save it as CSV, UTF-8)") from None


def _test(n: int, m: Mark, output: str | None = None) -> dict[str, Any]:
    return {"name": f"{m.display} ({m.name})", "number": str(n), "score": m.score,
            "max_score": m.max_score, "output": m.feedback if output is None else output,
            "visibility": "visible"}


def results(base: Path) -> dict[str, Any]:
    """The results.json object for the submission in ``base``: one test per asked quantity;
    a submission that cannot be graded scores 0 with the reason as the output."""
    config = _config(base)
    template = base / "source" / config["template"]
    try:
        student = student_id(base, config.get("roster"))
        variant = load_variant(template, student, roster_ids(base, config.get("roster")))
        run = step(variant.spec)
        path = submission_file(base)
        answers = parse(_read(path), run, "toml" if path.suffix.lower() == ".toml" else "csv")
    except (SubmissionError, AnswersError) as e:
        return _ungraded(base, config, str(e))
    marks = mark(run, answers, variant.asked, variant.points, variant.credit)
    total = sum(m.score for m in marks)
    lines = [f"{path.name}: {sum(m.verdict == 'right' for m in marks)} right, "
             f"{sum(m.verdict == 'carried-forward' for m in marks)} carried forward, "
             f"{sum(m.verdict == 'wrong' for m in marks)} wrong, "
             f"{sum(m.verdict in ('blank', 'unreadable') for m in marks)} blank or unreadable "
             f"(of {len(marks)}); graded {run.spec.precision.describe()}",
             f"score {total:g} of {sum(m.max_score for m in marks):g}"]
    lines += [f"{path.name}, {p} (not graded)" for p in answers.problems]
    return {"score": total, "output": "\n".join(lines), "visibility": "visible",
            "stdout_visibility": "hidden",
            "tests": [_test(n, m) for n, m in enumerate(marks, 1)]}


def _ungraded(base: Path, config: dict[str, Any], message: str) -> dict[str, Any]:
    """Score 0 with ``message``; the tests still list every quantity (the points the
    assignment is out of), when the template can say which they are."""
    tests = []
    try:
        variant = load_variant(base / "source" / config["template"], "")
        marks = [Mark(w.answer_name, w.display, 0.0, variant.points(w), "blank", None, "")
                 for w in asked_quantities(step(variant.spec), variant.asked)]
        tests = [_test(n, m, "not graded: " + message) for n, m in enumerate(marks, 1)]
    except ValueError:
        pass
    return {"score": 0.0, "output": message, "visibility": "visible",
            "stdout_visibility": "hidden", "tests": tests}


def write_results(base: Path) -> dict[str, Any]:
    """Grade the submission in ``base`` and write ``results/results.json``; any failure is
    written as a score of 0 with its reason (Gradescope shows a crash as no result at all)."""
    try:
        out = results(base)
    except Exception as e:  # noqa: BLE001 (the student must get a result, whatever went wrong)
        out = {"score": 0.0, "visibility": "visible", "stdout_visibility": "hidden",
               "output": f"the autograder could not grade this submission ({type(e).__name__}: "
                         f"{e}); your teacher has been shown this message", "tests": []}
    (base / "results").mkdir(parents=True, exist_ok=True)
    (base / "results" / "results.json").write_text(
        json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return out


def main() -> int:
    """``python -m lab.gradescope``: grade the submission under `root` and print the summary."""
    out = write_results(root())
    print(out["output"])
    print(f"score {out['score']:g}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
