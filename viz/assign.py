"""``backprop assign`` and ``backprop grade``'s files: a folder per student (spec, hand-in page,
worksheet), the teacher's key and answers template, the gradebook and the feedback pages.

DIR/template.toml (or .json) and DIR/roster.csv are copies of the inputs: ``backprop grade``
reads them back, so that DIR alone says how the class is graded.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from pathlib import Path

from lab import answers
from lab.gradebook import Graded, grade_class, gradebook_csv, load_assignment
from lab.marking import asked_quantities
from lab.roster import read_roster
from lab.spec_toml import dumps
from lab.templates import load_template

from .class_pages import NetworkPictures, feedback_page, hand_in_page, worksheet_page
from .pdf import chromium, print_pdf
from .solution_sheet import solution_html


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


def assign(template_path: str | Path, roster_path: str | Path, out: str | Path,
           pdf: bool = False, note: Callable[[str], None] = print,
           solutions: bool = False) -> list[str]:
    """Write the assignment's files into ``out`` for every student of the roster (with
    ``solutions`` each one's worked solution sheet too); the ids, in roster order. ValueError
    (nothing written) for a template the roster cannot be served by."""
    template_path, out = Path(template_path), Path(out)
    template = load_template(template_path)
    roster = read_roster(roster_path)
    runs = template.runs(roster.ids)  # refused before anything is written
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template_path, out / f"template{template_path.suffix.lower()}")
    shutil.copyfile(roster_path, out / "roster.csv")
    key = io.StringIO()
    rows = csv.writer(key, lineterminator="\n")
    rows.writerow(["student", "quantity", "value"])
    title = template.title or template.first.title
    browser = chromium() if pdf else None
    if pdf and browser is None:
        note("backprop assign: note: --pdf needs Chromium (chromium or google-chrome on the "
             "PATH); wrote the HTML worksheets only")
    first_run = None
    pictures = NetworkPictures()
    for student, run in runs.items():
        folder = out / student
        folder.mkdir(exist_ok=True)
        first_run = first_run or run
        _write(folder / "spec.toml", dumps(run.spec))
        svg = pictures(run)
        _write(folder / "exercise.html", hand_in_page(run, student=student, assignment=title,
                                                      asked=template.asked, svg=svg))
        _write(folder / "worksheet.html", worksheet_page(run, student=student, assignment=title,
                                                         asked=template.asked, svg=svg))
        if solutions:
            _write(folder / "solution.html", solution_html(run, student))
        if browser:
            print_pdf(folder / "worksheet.html", folder / "worksheet.pdf")
            if solutions:
                print_pdf(folder / "solution.html", folder / "solution.pdf")
        for w in asked_quantities(run, template.asked):
            rows.writerow([student, w.answer_name, repr(w.value)])
    _write(out / "key.csv", key.getvalue())
    _write(out / "answers-template.csv", answers.template(first_run, template.asked))
    return list(runs)


def grade(folder: str | Path, submissions: str | Path, gradebook: str | Path,
          feedback: str | Path | None = None) -> list[Graded]:
    """Grade every roster student's submission, write the gradebook (and a feedback page per
    student into ``feedback``); the results, in roster order."""
    folder = Path(folder)
    template, roster = load_assignment(folder)
    graded = grade_class(folder, Path(submissions))
    Path(gradebook).parent.mkdir(parents=True, exist_ok=True)
    _write(Path(gradebook), gradebook_csv(graded, roster))
    if feedback is not None:
        feedback = Path(feedback)
        feedback.mkdir(parents=True, exist_ok=True)
        for g in graded:
            _write(feedback / f"{g.student}.html",
                   feedback_page(g.run, g.report, student=g.student, title=template.title,
                                 score=g.row["score"], max_score=g.row["max_score"],
                                 error=g.row["error"], problems=g.problems, asked=g.asked))
    return graded
