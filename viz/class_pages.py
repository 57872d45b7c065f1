"""The pages of a class assignment, each one self-contained HTML file: the hand-in page (type your
numbers, kept in the browser, "Download answers"), the printable worksheet and the feedback page.

The hand-in page and the worksheet hold the student's given numbers (weights, inputs, targets,
η), the network and the formulas in symbols, and nothing computed from them: no right value, no
interval, no expression a script could evaluate. What makes a number right is decided later, by
``backprop grade``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from html import escape

from lab.grading import Item, Report
from lab.quantities import Worked
from lab.stepping import StepRun

from .drawing import number, svg_element
from .network import draw_network
from .stepper_html import _POLICY

Asked = Callable[[Worked], bool]

_STYLE = """
body { font-family: Helvetica, Arial, sans-serif; color: #222; margin: 0.8em; max-width: 60em; }
h1 { font-size: 1.4em; margin: 0.2em 0; }
.bp-picture { overflow-x: auto; max-width: 100%; }
.bp-picture svg { display: block; max-width: 100%; height: auto; }
table { border-collapse: collapse; margin: 0.6em 0; }
td, th { border: 1px solid #bbb; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
.bp-formula { font-family: "DejaVu Sans", Helvetica, sans-serif; overflow-wrap: anywhere; }
.bp-note { color: #555; }
"""

_HAND_IN_STYLE = """
.bp-field input { font-size: 1.1em; width: 8em; padding: 0.3em; min-height: 32px; }
.bp-fields td { padding: 0.35em 0.5em; }
button { font-size: 1em; padding: 0.45em 1em; min-height: 44px; }
.bp-saved { color: #1a7f37; margin-left: 0.6em; }
@media (max-width: 600px) {
  .bp-picture svg { min-width: 560px; max-width: none; }
  .bp-fields, .bp-fields tbody { display: block; }
  .bp-fields tr { display: grid; grid-template-columns: 1fr 9em; border-bottom: 1px solid #bbb; }
  .bp-fields th { display: none; }
  .bp-fields td { border: none; }
  .bp-fields td.bp-formula { grid-column: 1 / 3; font-size: 0.9em; padding-top: 0; }
  .bp-fields input { width: 100%; box-sizing: border-box; }
}
"""

_PRINT_STYLE = """
@page { margin: 12mm; }
body { max-width: 180mm; font-size: 10.5pt; }
.bp-picture svg { max-height: 95mm; width: auto; margin: 0 auto; }
.bp-blanks td.bp-blank { width: 30mm; }
.bp-blanks td { height: 7mm; }
.bp-blanks tr { break-inside: avoid; }
.bp-name { margin: 0.6em 0; }
@media print { body { margin: 0; } }
"""

# Keeps what is typed in the browser (localStorage, keyed by assignment and student), restores it
# on load, and saves it as an answers file. DATA: {"key", "file", "fields": [answers names]}.
HAND_IN_SCRIPT = """
(function (DATA) {
  var store = null;
  try { store = window.localStorage; } catch (e) { store = null; }
  var inputs = document.querySelectorAll("input[data-name]");
  var status = document.querySelector(".bp-saved");
  function saved() {
    try { return JSON.parse(store && store.getItem(DATA.key) || "{}") || {}; }
    catch (e) { return {}; }
  }
  function save() {
    var values = {};
    Array.prototype.forEach.call(inputs, function (i) {
      if (i.value.trim()) { values[i.getAttribute("data-name")] = i.value; }
    });
    if (store) { store.setItem(DATA.key, JSON.stringify(values)); }
    if (status) { status.textContent = store ? "Saved in this browser." : ""; }
    show();
  }
  // the student's numbers beside their units in the picture (o4 under unit 4, …)
  function show() {
    var marks = document.querySelectorAll("svg .bp-typed");
    Array.prototype.forEach.call(marks, function (m) { m.parentNode.removeChild(m); });
    Array.prototype.forEach.call(document.querySelectorAll("svg g.node"), function (g) {
      var title = g.querySelector("title"), shape = g.querySelector("ellipse");
      if (!title || !shape || !/^u\\d+$/.test(title.textContent)) { return; }
      var unit = title.textContent.slice(1), lines = [];
      ["i", "o", "delta"].forEach(function (kind) {
        var i = document.querySelector('input[data-name="' + kind + unit + '"]');
        if (i && i.value.trim()) {
          lines.push((kind === "delta" ? "\\u03b4" : kind) + unit + " = " + i.value.trim());
        }
      });
      var x = Number(shape.getAttribute("cx")), y = Number(shape.getAttribute("cy"))
        + Number(shape.getAttribute("ry")) + 12;
      lines.forEach(function (line, k) {
        var t = document.createElementNS("http://www.w3.org/2000/svg", "text");
        t.setAttribute("class", "bp-typed");
        t.setAttribute("x", x); t.setAttribute("y", y + 12 * k);
        t.setAttribute("text-anchor", "middle"); t.setAttribute("font-size", "10");
        t.setAttribute("fill", "#1f4e9c");
        t.textContent = line;
        g.appendChild(t);
      });
    });
  }
  function cell(text) {
    return /[",;\\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }
  function download() {
    var lines = ["quantity,value"];
    Array.prototype.forEach.call(inputs, function (i) {
      lines.push(i.getAttribute("data-name") + "," + cell(i.value.trim()));
    });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([lines.join("\\n") + "\\n"], {type: "text/csv"}));
    a.download = DATA.file;
    document.body.appendChild(a);
    a.click();
    document.body.removeChild(a);
  }
  var before = saved();
  Array.prototype.forEach.call(inputs, function (i) {
    var name = i.getAttribute("data-name");
    if (before[name] !== undefined) { i.value = before[name]; }
    i.addEventListener("input", save);
  });
  document.querySelector(".bp-download").addEventListener("click", download);
  show();
})(%s);
"""


def _json_script(data: object) -> str:
    text = json.dumps(data, ensure_ascii=False)
    return text.translate({ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
                           0x2028: "\\u2028", 0x2029: "\\u2029"})


def network_svg(run: StepRun) -> str:
    """The network with the student's given numbers only: weights, biases, the first example's
    inputs and targets (no net input, output, error term or gradient)."""
    spec = run.spec
    first = spec.examples[0]
    drawing = draw_network(spec.model(), inputs=first.x, target=list(first.t), forward={},
                           errors={}, digits=_digits(run))
    return svg_element(drawing.svg())


class NetworkPictures:
    """Every student's network picture, with one Graphviz run per network shape: students of one
    template differ only in their numbers, so each picture is the first one drawn with the
    numbers' labels (weights, biases, inputs, targets) rewritten."""

    def __init__(self) -> None:
        self._drawn: dict[tuple, str] = {}

    def __call__(self, run: StepRun) -> str:
        """The picture of ``run``'s network with its given numbers (as `network_svg`)."""
        spec, digits = run.spec, _digits(run)
        shape = (spec.inputs, spec.layers, spec.activation, spec.output_activation,
                 tuple(sorted(spec.names.items())), digits)
        if shape not in self._drawn:
            self._drawn[shape] = network_svg(run)
            return self._drawn[shape]
        labels = _given_labels(run, digits)
        names = "|".join(re.escape(escape(n)) for n in sorted(labels, key=len, reverse=True))
        return re.sub(rf">({names}) = [^<]*<", lambda m: f">{m[1]} = {labels[m[1]]}<",
                      self._drawn[shape])


def _given_labels(run: StepRun, digits: int) -> dict[str, str]:
    """Each given number's label in the picture, as `draw_network` writes it, by its name."""
    spec = run.spec
    first = spec.examples[0]
    shown = {escape(spec.display(n)): v for n, v in spec.weights.items()}
    shown |= {f"x{i}": x for i, x in enumerate(first.x, 1)}
    outputs = range(spec.inputs + sum(spec.layers) - spec.layers[-1] + 1,
                    spec.inputs + sum(spec.layers) + 1)
    shown |= ({"t": first.t[0]} if len(first.t) == 1 else
              {f"t{u}": t for u, t in zip(outputs, first.t, strict=True)})
    return {name: escape(number(v, digits)) for name, v in shown.items()}


def _digits(run: StepRun) -> int:
    """Decimals enough to show every given number exactly (at least 1)."""
    spec = run.spec
    given = [*spec.weights.values(), spec.lr,
             *(v for e in spec.examples for v in (*e.x, *e.t))]
    return max(1, *(len(f"{x:.10f}".rstrip("0").split(".")[1]) for x in given))


def _given(run: StepRun) -> str:
    """The examples (x, t), the learning rate, the loss and the activations, as a table."""
    spec = run.spec
    rows = "".join(f"<tr><td>{k}</td><td>{escape(', '.join(f'{v:g}' for v in e.x))}</td>"
                   f"<td>{escape(', '.join(f'{v:g}' for v in e.t))}</td></tr>"
                   for k, e in enumerate(spec.examples, 1))
    acts = ", ".join(dict.fromkeys([*spec.activation, spec.output_activation]))
    updates = (f"{spec.epochs} epoch{'s' if spec.epochs > 1 else ''}, updated "
               f"{spec.update.replace('-', ' ')}")
    return (f"<p>Learning rate η = {spec.lr:g}; loss: {escape(spec.loss)}; activations: "
            f"{escape(acts)}; {escape(updates)}.</p>"
            f"<table><caption>Examples</caption><tr><th>example</th><th>x</th><th>t</th></tr>"
            f"{rows}</table>")


# the rules every formula in the table is built from, as the lecture writes them
_RULES = """<details open class="bp-rules"><summary>The rules</summary><ul>
<li>net input i_j = Σᵢ w_ij·o_i + b_j (o_i = x_i for an input unit); output o_j = f(i_j)</li>
<li>at an output unit δ_j = −∂E/∂o_j · f′(i_j); at a hidden unit δ_j = f′(i_j) · Σₖ w_jk·δ_k,
with f′ written with the output: σ′ = o_j(1 − o_j), tanh′ = 1 − o_j²</li>
<li>gradient ∂E/∂w_ij = −δ_j·o_i (for a bias ∂E/∂b_j = −δ_j); update w ← w − η·∂E/∂w</li>
</ul></details>"""


def _asked(run: StepRun, asked: Asked | None) -> list[Worked]:
    return [w for r in run for w in r.quantities if w.asked and (asked is None or asked(w))]


def _label(w: Worked, several: bool) -> str:
    """The quantity's name in the formulas and, where it differs, in the answers file: "o4",
    "δ6 (delta6)", "new w46 (new_w46)"; with several updates or examples, which one."""
    name = "" if w.answer_name == w.display else f" ({w.answer_name})"
    where = f" ({w.where()})" if several else ""
    return escape(f"{w.display}{name}{where}")


def _page(title: str, style: str, body: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{_POLICY}">
<title>{escape(title)}</title><style>{_STYLE}{style}</style></head>
<body><main>
{body}
</main></body></html>
"""


# the grader counts a number that follows from the student's right numbers as right
CARRY_ON = ("Work on with your numbers as you wrote them: a number that follows from your right "
            "ones is right, however rounding moved it.")


def hand_in_page(run: StepRun, *, student: str, assignment: str, asked: Asked | None = None,
                 svg: str | None = None) -> str:
    """The hand-in page of ``run`` for ``student``: the network with their numbers, one field per
    quantity asked (with its formula in symbols), kept in the browser under ``assignment`` and
    ``student``; "Download answers" saves ``<student>.csv`` in the answers format."""
    spec = run.spec
    quantities = _asked(run, asked)
    several = len(run) > 1 or len(run[0].passes) > 1
    rows = "".join(
        f'<tr class="bp-field"><td><label for="q{k}">{_label(w, several)}</label></td>'
        f'<td><input id="q{k}" data-name="{escape(w.answer_name)}" type="text" '
        f'inputmode="decimal" autocomplete="off" spellcheck="false"></td>'
        f'<td class="bp-formula">{escape(w.display)} = {escape(w.symbolic())}</td></tr>'
        for k, w in enumerate(quantities, 1))
    data = {"key": f"backprop-hand-in:{assignment}:{student}", "file": f"{student}.csv",
            "fields": [w.answer_name for w in quantities]}
    title = spec.title or assignment or "Backpropagation by hand"
    body = f"""<h1>{escape(title)}</h1>
<p>Student: <strong>{escape(student)}</strong></p>
<p>Work out each number by hand and type it in, {escape(spec.precision.describe())}.
{CARRY_ON} What you type is kept in this browser (also after a reload or a closed tab).
When you are done, press <em>Download answers</em> and hand in the file
<code>{escape(student)}.csv</code>.</p>
<div class="bp-picture" role="img" aria-label="the network with your numbers">
{svg if svg is not None else network_svg(run)}</div>
{_given(run)}
{_RULES}
<table class="bp-fields"><caption>Your numbers</caption>
<tr><th>quantity</th><th>your value</th><th>formula</th></tr>{rows}</table>
<p><button type="button" class="bp-download">Download answers</button>
<span class="bp-saved" aria-live="polite"></span></p>
<script>{HAND_IN_SCRIPT % _json_script(data)}</script>"""
    return _page(f"{title}: {student}", _HAND_IN_STYLE, body)


def worksheet_page(run: StepRun, *, student: str, assignment: str,
                   asked: Asked | None = None, svg: str | None = None) -> str:
    """A printable worksheet (A4 or Letter): the network with the student's numbers, the
    formulas, and a table of blanks to fill in."""
    spec = run.spec
    several = len(run) > 1 or len(run[0].passes) > 1
    rows = "".join(f"<tr><td>{k}</td><td>{_label(w, several)}</td>"
                   f'<td class="bp-formula">{escape(w.display)} = {escape(w.symbolic())}</td>'
                   f'<td class="bp-blank"></td></tr>'
                   for k, w in enumerate(_asked(run, asked), 1))
    title = spec.title or assignment or "Backpropagation by hand"
    body = f"""<h1>{escape(title)}</h1>
<p class="bp-name">Student: <strong>{escape(student)}</strong> &nbsp; Name:
______________________________</p>
<p class="bp-note">Write each number {escape(spec.precision.describe())}. {CARRY_ON}
The formulas use the lecture's names: i_j the net input of unit j, o_j its output,
δ_j = −∂E/∂i_j, η the learning rate.</p>
<div class="bp-picture">{svg if svg is not None else network_svg(run)}</div>
{_given(run)}
{_RULES}
<table class="bp-blanks"><tr><th>#</th><th>quantity</th><th>formula</th><th>your value</th></tr>
{rows}</table>"""
    return _page(f"{title}: worksheet {student}", _PRINT_STYLE, body)


def feedback_page(run: StepRun, report: Report | None, *, student: str, title: str,
                  score: str, max_score: str, error: str = "", problems: Sequence[str] = (),
                  asked: Sequence[Worked] = ()) -> str:
    """The page handed back: each quantity asked with the student's number, the right one, the
    verdict and the explanation in the student's own numbers (one not handed in: blank)."""
    if report is None:
        table = f"<p><strong>Not graded:</strong> {escape(error)}</p>"
    else:
        items = {i.quantity: i for i in report.items}
        rows = [items.get(w.answer_name) or Item(w.answer_name, None, w.value, "blank", None,
                                                 "not in your file", w.where())
                for w in asked] or list(report.items)
        cells = "".join(
            f'<tr class="bp-{escape(i.verdict)}"><td>{escape(i.quantity)}</td>'
            f"<td>{escape(i.where)}</td><td>{'' if i.given is None else f'{i.given:g}'}</td>"
            f"<td>{i.expected:.4g}</td><td>{escape(i.verdict)}</td>"
            f"<td>{escape(i.mistake or '')}</td><td>{escape(i.explanation)}</td></tr>"
            for i in rows)
        table = ("<table><tr><th>quantity</th><th>where</th><th>yours</th><th>right</th>"
                 "<th>verdict</th><th>mistake</th><th>explanation</th></tr>"
                 f"{cells}</table>")
    notes = "".join(f"<li>{escape(p)}</li>" for p in problems)
    body = f"""<h1>{escape(title or run.spec.title or 'Feedback')}</h1>
<p>Student: <strong>{escape(student)}</strong>. Score: <strong>{escape(score)}</strong> of
{escape(max_score)}. Numbers count as right {escape(run.spec.precision.describe())}.</p>
{table}{f'<p>Lines of your file that could not be read:</p><ul>{notes}</ul>' if notes else ''}"""
    style = (".bp-right td { background: #e6f4ea; } .bp-carried-forward td { background: #fff4d6; }"
             " .bp-wrong td { background: #fde7e9; }")
    return _page(f"Feedback: {student}", style, body)
