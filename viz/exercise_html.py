"""The stepper's exercise page: predict each number, then check; one self-contained HTML file.

Each frame that computes a number hides it (its sentence and its picture) behind an input box
until the student types a prediction and presses Enter, or asks for it through the hints (the
formula; the formula with the numbers; the answer). The verdict is immediate: right, carried
forward from an earlier wrong value of the student's, or wrong with the catalogued mistake. The
page holds every value it compares with, precomputed by `lab.grading` (`viz.exercise`): its
script compares numbers and does no other arithmetic. A table of the answers so far grows a row
per number as it is reached; the last frame shows the score.
"""

from __future__ import annotations

import json
import re
from html import escape
from importlib import resources
from typing import TYPE_CHECKING

from .stepper_html import _POLICY, _STYLE, _width_pt, picture

# the grader's steps in the browser (lab.grading decides what it is handed)
GRADER = (resources.files("viz") / "static" / "grader.js").read_text(encoding="utf-8")

if TYPE_CHECKING:
    from .steps import Steps

_EXERCISE_STYLE = """
body { font-family: Helvetica, Arial, sans-serif; margin: 0.8em; }
h1 { font-size: 1.5em; }
.bp-question { background: #f4f6fb; border: 1px solid #ccd; border-radius: 6px;
  padding: 0.5em 0.8em; margin: 0.4em 0; }
.bp-question label { display: block; margin: 0.3em 0; }
.bp-question input { font-size: 1.1em; width: 9em; padding: 0.3em; min-height: 32px; }
.bp-prompt { font-size: 1.15em; margin: 0.2em 0; }
.bp-verdict { font-weight: bold; min-height: 1.2em; overflow-wrap: anywhere; }
.bp-verdict.right { color: #1a7f37; }
.bp-verdict.carried-forward { color: #9a6700; }
.bp-verdict.wrong { color: #cf222e; }
.bp-hints { overflow-wrap: anywhere; }
.bp-score { font-weight: bold; }
"""

# DATA: viz.exercise's data: the number reader, the precision rule, the grader's fields (each
# quantity's interval, band, expression, mistakes) and per frame the key it asks for. The
# grading steps are BPGrader's (viz/static/grader.js); this script shows questions and verdicts.
_SCRIPT = """
(function (root, DATA) {
  var frames = root.querySelectorAll(".bp-frame");
  var counter = root.querySelector(".bp-counter");
  var prev = root.querySelector(".bp-prev"), next = root.querySelector(".bp-next");
  var rows = root.querySelector(".bp-answers tbody"), score = root.querySelector(".bp-score");
  var tableRows = root.querySelectorAll("tr[data-frame]");
  var sheet = new BPGrader.Sheet(DATA);
  root.bpData = DATA;  // for tests: the same data a fresh BPGrader.Sheet can grade
  var ask = DATA.frames.map(function (key) { return key ? sheet.fields[key] : null; });
  var done = {}, tally = {"right": 0, "carried-forward": 0, "wrong": 0, "shown": 0};
  var asked = ask.filter(function (q) { return q; }).length, current = 0, furthest = 0;
  function shown(x) { return String(Number(x.toPrecision(4))).replace("-", "\\u2212"); }
  function right(q) { return (q.interval[0] + q.interval[1]) / 2; }
  var WORDS = {"right": "Right.", "carried-forward": "Carried forward:", "wrong": "Wrong.",
               "shown": "Shown."};
  function reveal(k, result, given) {
    var f = frames[k], q = ask[k];
    done[k] = true;
    tally[result.verdict] += 1;
    f.querySelector(".bp-answer").disabled = true;
    f.querySelector(".bp-check").disabled = true;
    f.querySelector(".bp-hint").disabled = true;
    var v = f.querySelector(".bp-verdict");
    v.className = "bp-verdict " + result.verdict;
    var why = result.verdict === "carried-forward" ? "consistent with your earlier numbers ("
      + q.formula + " gives " + shown(result.own) + ")" : (result.why || "");
    v.textContent = WORDS[result.verdict] + (result.mistake ? " [" + result.mistake + "] " : " ")
      + why + (why ? "." : "")
      + (result.verdict === "right" ? "" : " The right value: " + shown(right(q)));
    f.querySelector(".bp-reveal").hidden = false;
    f.querySelector(".bp-before").hidden = true;
    var tr = document.createElement("tr");
    [q.display, given === null ? "\\u2013" : given, shown(right(q)), result.verdict]
      .forEach(function (c) { var td = document.createElement("td"); td.textContent = c;
                              tr.appendChild(td); });
    rows.appendChild(tr);
    update();
    next.focus();
  }
  function update() {
    var n = Object.keys(done).length;
    score.textContent = "Score: " + tally.right + " right, " + tally["carried-forward"]
      + " carried forward, " + tally.wrong + " wrong, " + tally.shown + " shown; "
      + n + " of " + asked + " answered" + (n === asked ? ". Done!" : ".");
    next.disabled = current === frames.length - 1 || (ask[current] && !(current in done));
    prev.disabled = current === 0;
    // a table row computed at frame k shows once frame k's number is answered (or, for a
    // frame that asks nothing, once it is reached)
    for (var r = 0; r < tableRows.length; r++) {
      var k = Number(tableRows[r].getAttribute("data-frame")) - 1;
      tableRows[r].hidden = ask[k] ? !(k in done) : k > furthest;
      tableRows[r].classList.toggle("bp-now", k === current);
    }
  }
  function show(k) {
    current = Math.max(0, Math.min(frames.length - 1, k));
    furthest = Math.max(furthest, current);
    for (var j = 0; j < frames.length; j++) { frames[j].hidden = (j !== current); }
    counter.textContent = "Frame " + (current + 1) + " / " + frames.length;
    var f = frames[current], before = f.querySelector(".bp-before");
    if (before && !before.firstChild && current > 0) {
      // until answered, the picture of the frame before: this one would show the number
      var pic = frames[current - 1].querySelector(".bp-reveal .bp-picture");
      if (pic) {
        var copy = pic.cloneNode(true);
        copy.removeAttribute("aria-label");  // the sentence belongs to the frame before
        Array.prototype.forEach.call(copy.querySelectorAll("[id]"),
                                     function (e) { e.removeAttribute("id"); });
        before.appendChild(copy);
      }
    }
    update();
    var input = f.querySelector(".bp-answer");
    if (input && !input.disabled) { input.focus(); }
  }
  Array.prototype.forEach.call(frames, function (f, k) {
    var q = ask[k];
    if (!q) { return; }
    var input = f.querySelector(".bp-answer"), hints = f.querySelector(".bp-hints");
    var verdict = f.querySelector(".bp-verdict"), ladder = 0;
    // the grader's verdict of what is typed: blank and unreadable leave the field open
    function check() {
      if (input.disabled) { return; }
      var result = sheet.answer(q.key, input.value);
      input.setAttribute("data-verdict", result.verdict);
      if (result.verdict === "blank" || result.verdict === "unreadable") {
        verdict.className = "bp-verdict";
        verdict.textContent = result.verdict === "blank" ? "" : result.message + ".";
        return;
      }
      reveal(k, result, input.value.trim());
    }
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { check(); e.preventDefault(); }
    });
    input.addEventListener("change", check);
    input.addEventListener("blur", function () { if (!input.disabled) { check(); } });
    f.querySelector(".bp-check").addEventListener("click", check);
    f.querySelector(".bp-hint").addEventListener("click", function () {
      ladder += 1;
      var p = document.createElement("p");
      if (ladder === 1) { p.textContent = "Formula: " + q.display + " = " + q.formula; }
      if (ladder === 2) { p.textContent = "With the numbers: " + q.display + " = "
                          + q.formula + " = " + q.numbers; }
      hints.appendChild(p);
      if (ladder === 2) { f.querySelector(".bp-hint").textContent = "Show the answer"; }
      if (ladder === 3) { reveal(k, {verdict: "shown"}, null); }
    });
  });
  prev.addEventListener("click", function () { show(current - 1); });
  next.addEventListener("click", function () { show(current + 1); });
  document.addEventListener("keydown", function (e) {
    if (e.target && e.target.tagName === "INPUT") { return; }
    if (e.key === "ArrowRight" && !next.disabled) { show(current + 1); e.preventDefault(); }
    if (e.key === "ArrowLeft") { show(current - 1); e.preventDefault(); }
  });
  show(0);
})(document.getElementById("bp-exercise"), %s);
"""


def _frame(number: int, phase: str, text: str, svg: str, question: dict | None,
           precision: str) -> str:
    reveal = f'<p class="bp-text">{escape(text)}</p>{picture(number, svg, text)}'
    head = (f'<section class="bp-frame" data-number="{number}" hidden>'
            f'<div class="bp-phase">{escape(phase)}</div>')
    if question is None:
        return f'{head}<div class="bp-reveal">{reveal}</div></section>'
    name = escape(question["display"])
    where = escape(f" ({question['where']})" if question["where"] else "")
    # the accessible name holds the answers-file name too ("δ6 (delta6)"): tests and screen
    # readers find a field by either
    label = f"{name} ({escape(question['name'])})"
    return (f'{head}<div class="bp-question"><p class="bp-prompt">{name} = ?{where}</p>'
            f'<label>Your value of {label}, {escape(precision)}: <input class="bp-answer" '
            f'type="text" inputmode="decimal" autocomplete="off" spellcheck="false"></label>'
            f'<button type="button" class="bp-check">Check (Enter)</button> '
            f'<button type="button" class="bp-hint">Hint</button>'
            f'<div class="bp-hints" aria-live="polite"></div>'
            f'<p class="bp-verdict" role="status" aria-live="polite"></p></div>'
            f'<div class="bp-before"></div><div class="bp-reveal" hidden>{reveal}</div></section>')


def _hide_loss(table: str) -> str:
    """A table's caption without the loss it states ("Forward pass (E = 0.277)"): E is one of
    the numbers to predict."""
    return re.sub(r"<caption>([^<]*?) \(E = [^<]*\)</caption>", r"<caption>\1</caption>", table)


def exercise_page(steps: Steps) -> str:
    """The whole exercise page of ``steps`` (made with ``viz.steps(..., exercise=True)``)."""
    data = steps.exercise or {"frames": [], "fields": [], "precision": ""}
    fields = {f["key"]: f for f in data["fields"]}
    questions = [fields.get(key) if key else None for key in data["frames"]]
    svgs = steps.svgs()
    frames = "\n".join(_frame(f.number, f.phase, f.text, svg, q, data["precision"])
                       for f, svg, q in zip(steps.frames, svgs, questions, strict=True))
    width = max(map(_width_pt, svgs), default=0.0)
    tables = "\n".join(f'<div class="bp-scroll">{_hide_loss(t)}</div>' for t in steps.tables)
    title = escape(steps.title)
    try:
        text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    except ValueError:
        raise ValueError("an exercise needs finite numbers, and this run has an infinite or NaN "
                         "value (a step too large?)") from None
    # inside a script element no name may start a tag, a comment or an entity
    text = text.translate({ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026",
                           0x2028: "\\u2028", 0x2029: "\\u2029"})
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{_POLICY}">
<title>{title}: exercise</title><style>{_STYLE}{_EXERCISE_STYLE}</style></head>
<body><main class="bp-stepper" id="bp-exercise">
<h1>{title}: exercise</h1>
<p>Predict each number before it is shown: type it and press Enter. Hint gives the formula,
then the formula with the numbers, then the answer. Next (or →) goes on once a number is
answered; ← goes back. A number counts as right {escape(data["precision"])}.</p>
<div class="bp-controls">
<button type="button" class="bp-prev" aria-label="Previous frame">◀ Previous</button>
<span class="bp-counter" aria-live="polite">Frame 1 / {len(steps.frames)}</span>
<button type="button" class="bp-next" aria-label="Next frame">Next ▶</button>
</div>
<div class="bp-body"><div class="bp-frames" style="flex-basis: {width:.0f}pt">{frames}</div>
<details class="bp-tables" open><summary>Tables</summary>
<div class="bp-scroll"><table class="bp-answers"><caption>Your answers so far</caption>
<thead><tr><th>number</th><th>yours</th><th>right</th><th>verdict</th></tr></thead>
<tbody></tbody></table></div><p class="bp-score" aria-live="polite"></p>
{tables}</details></div>
<script>{GRADER}</script>
<script>{_SCRIPT % text}</script>
</main></body></html>
"""


def exercise_frame(steps: Steps) -> str:
    """The exercise page inside an ``<iframe>``, for a notebook's output: its script and its
    keys stay inside the frame."""
    page = escape(exercise_page(steps))
    return (f'<iframe title="{escape(steps.title)}: exercise" srcdoc="{page}" '
            'style="width: 100%; height: 900px; border: 1px solid #ccc"></iframe>')
