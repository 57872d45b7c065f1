"""A solution sheet: every number of a student's exercise worked out as a teacher writes it on
the board: the formula in symbols, then with the student's numbers put in, then the result
(the one formula writer, `lab.formulas`, through `Worked.symbolic` and `Worked.numeric`). One
self-contained HTML page that prints on A4; `write_solution` also prints it to PDF.
"""

from __future__ import annotations

from html import escape
from itertools import groupby
from pathlib import Path

from lab.formulas import default_format
from lab.quantities import Worked
from lab.stepping import StepRun

from .drawing import svg_element
from .network import draw_network
from .pdf import print_pdf

_PHASE = {"i": "forward pass", "o": "forward pass", "E": "forward pass",
          "dEdo": "backward pass", "delta": "backward pass", "grad": "backward pass",
          "new": "the update"}

STYLE = """
@page { size: A4; margin: 15mm 14mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Helvetica", "Arial", sans-serif; font-size: 10.5pt;
       line-height: 1.35; color: #111; margin: 0 auto; max-width: 182mm; padding: 0 4mm; }
h1 { font-size: 16pt; margin: 0 0 2pt; }
h2 { font-size: 12pt; margin: 12pt 0 4pt; border-bottom: 1.5px solid #333;
     break-after: avoid; page-break-after: avoid; }
.about { margin: 0 0 6pt; color: #333; }
.picture { text-align: center; break-inside: avoid; page-break-inside: avoid; }
.picture svg { max-width: 100%; height: auto; max-height: 105mm; }
.q { break-inside: avoid; page-break-inside: avoid; padding: 3pt 0; border-bottom: 1px solid #ddd;
     overflow-wrap: anywhere; }
.q .name { font-weight: bold; }
.q .line { padding-left: 2.2em; }
.q .result { font-weight: bold; }
"""


def _quantity(w: Worked, value_of: dict[str, float]) -> str:
    symbols = w.symbolic()
    numbers = w.numeric(value_of.__getitem__)
    lines = [f'<div><span class="name">{escape(w.display)}</span> = {escape(symbols)}</div>']
    if numbers != symbols:
        lines.append(f'<div class="line">= {escape(numbers)}</div>')
    lines.append(f'<div class="line">= <span class="result">{escape(default_format(w.value))}'
                 "</span></div>")
    return f'<div class="q" data-name="{escape(w.answer_name)}">{"".join(lines)}</div>'


def _heading(w: Worked, several: bool) -> str:
    where = w.where() if several or w.example is not None else ""
    phase = _PHASE[w.quantity.kind]
    if w.quantity.kind == "grad" and w.example is None and w.of_examples > 1:
        phase = "backward pass: the gradients summed over the examples"
    return (f"{where[0].upper()}{where[1:]}: {phase}" if where else phase.capitalize())


def solution_html(run: StepRun, student: str | None = None) -> str:
    """The solution sheet of ``run`` (a student's spec, stepped) as one HTML page: the network
    with the student's numbers, then every quantity, formula → numbers → result."""
    s = run.spec
    first = s.examples[0]
    picture = svg_element(draw_network(s.model(), inputs=list(first.x),
                                       target=list(first.t) if len(first.t) > 1 else first.t[0],
                                       forward={}, errors={}).svg())
    worked = [w for record in run for w in record.quantities]
    value_of = {w.key: w.value for w in worked}
    several = len(run) > 1
    sections = []
    for heading, group in groupby(worked, key=lambda w: _heading(w, several)):
        items = "\n".join(_quantity(w, value_of) for w in group)
        sections.append(f"<section><h2>{escape(heading)}</h2>\n{items}\n</section>")
    title = s.title or "One step of backpropagation"
    who = f" for {escape(student)}" if student else ""
    about = (f"Learning rate η = {escape(default_format(s.lr))}; loss {escape(s.loss)}; "
             f"{escape(s.update)} update; answers graded {escape(s.precision.describe())}.")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Solution: {escape(title)}{who}</title>
<style>{STYLE}</style></head>
<body>
<h1>Worked solution{who}</h1>
<p class="about">{escape(title)}. {about} Each number: the formula, the formula with the numbers
put in, the result (shown to 4 significant figures; later numbers use the unrounded ones, so
a result worked from the rounded numbers shown may differ a little: the grader counts that as
right).</p>
<div class="picture">{picture}</div>
{chr(10).join(sections)}
</body></html>
"""


def write_solution(run: StepRun, path: str | Path, student: str | None = None) -> Path:
    """Write the sheet to ``path``: an .html page, or a .pdf printed by headless Chromium
    (the page beside it too)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".html", ".htm", ".pdf"):
        raise ValueError(f"a solution sheet is .html or .pdf, got {path.name!r}")
    page = path.with_suffix(".html") if suffix == ".pdf" else path
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(solution_html(run, student), encoding="utf-8")
    return print_pdf(page, path) if suffix == ".pdf" else page
