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

import re
from html import escape
from importlib import resources
from typing import TYPE_CHECKING

from .plain_json import script_json
from .stepper_html import _POLICY, stepper

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
/* the frames not shown keep their room (stepper.css levels them) without their hints and with
   one line of verdict: a frame whose hints were asked for does not push every later picture
   down; only the frame being answered grows, by what the student asks to see */
.bp-captions > .bp-frame[hidden] .bp-hints { display: none; }
.bp-captions > .bp-frame[hidden] .bp-verdict { height: 1.2em; overflow: hidden; }
.bp-captions > .bp-frame .bp-reveal[hidden] { display: block; visibility: hidden; }
.bp-score { font-weight: bold; }
"""

# The questions and their verdicts: everything of the page's script but the navigation, which
# is stepper.js's (BPStepper asks this script which frames are still hidden and which may be
# left), and the grading steps, which are BPGrader's (viz/static/grader.js, on lab.grading's
# data: intervals, bands, expressions, mistakes). DATA: {reader, precision, fields, frames},
# frames[k] the key of the number frame k asks for, or null.
GRADING_SCRIPT = """
(function (root, DATA) {
  var frames = root.querySelectorAll(".bp-captions > .bp-frame");
  var rows = root.querySelector(".bp-answers tbody"), score = root.querySelector(".bp-score");
  var sheet = new BPGrader.Sheet(DATA);
  root.bpData = DATA;  // for tests: the same data a fresh BPGrader.Sheet can grade
  var ask = DATA.frames.map(function (key) { return key ? sheet.fields[key] : null; });
  var done = {}, tally = {"right": 0, "carried-forward": 0, "wrong": 0, "shown": 0};
  var asked = ask.filter(function (q) { return q; }).length, furthest = 0, stepper = null;
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
    var tr = document.createElement("tr");
    [q.display, given === null ? "\\u2013" : given, shown(right(q)), result.verdict]
      .forEach(function (c) { var td = document.createElement("td"); td.textContent = c;
                              tr.appendChild(td); });
    rows.appendChild(tr);
    update();
    stepper.refresh();  // the frame's sentence and picture now, and Next
    root.querySelector(".bp-next").focus();
  }
  function update() {
    var n = Object.keys(done).length;
    score.textContent = "Score: " + tally.right + " right, " + tally["carried-forward"]
      + " carried forward, " + tally.wrong + " wrong, " + tally.shown + " shown; "
      + n + " of " + asked + " answered" + (n === asked ? ". Done!" : ".");
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
  stepper = BPStepper(root, {
    keys: true,
    fold: false,  // the score is among the tables
    // a frame that asks for a number is left once it is answered; until then its sentence
    // and its picture (which would show the number) stay hidden
    gate: function (k) { return !ask[k] || k in done; },
    masked: function (k) { return !!ask[k] && !(k in done); },
    // a table row computed at frame k shows once frame k's number is answered (or, for a
    // frame that asks nothing, once it is reached)
    row: function (k) { return ask[k] ? k in done : k <= furthest; },
    onshow: function (k) {
      furthest = Math.max(furthest, k);
      var input = frames[k].querySelector(".bp-answer");
      if (input && !input.disabled) { input.focus(); }
    }
  });
  update();
})(root, JSON.parse(root.querySelector("script.bp-questions").textContent));
"""
# the grader's steps in the browser (lab.grading decides what it is handed)
GRADER = (resources.files("viz") / "static" / "grader.js").read_text(encoding="utf-8")


def _section(number: int, phase: str, text: str, question: dict | None) -> str:
    """Frame ``number``'s caption: its sentence, and for a frame that asks for a number the
    question first (the sentence stays hidden until it is answered)."""
    head = (f'<section class="bp-frame" data-number="{number}"{" hidden" if number > 1 else ""}>'
            f'<div class="bp-phase">{escape(phase)}</div>')
    sentence = f'<p class="bp-text">{escape(text)}</p>'
    if question is None:
        return f'{head}<div class="bp-reveal">{sentence}</div></section>'
    name = escape(question["display"])
    where = escape(f" ({question['where']})" if question["where"] else "")
    # the accessible name holds the answers-file name too ("δ6 (delta6)"): tests and screen
    # readers find a field by either
    label = f"{name} ({escape(question['name'])})"
    return (f'{head}<div class="bp-question"><p class="bp-prompt">{name} = ?{where}</p>'
            f'<label>Your value of {label}: <input class="bp-answer" '
            f'type="text" inputmode="decimal" autocomplete="off" spellcheck="false"></label>'
            f'<button type="button" class="bp-check">Check (Enter)</button> '
            f'<button type="button" class="bp-hint">Hint</button>'
            f'<div class="bp-hints" aria-live="polite"></div>'
            f'<p class="bp-verdict" role="status" aria-live="polite"></p></div>'
            f'<div class="bp-reveal" hidden>{sentence}</div></section>')


def _hide_loss(table: str) -> str:
    """A table's caption without the loss it states ("Forward pass (E = 0.277)"): E is one of
    the numbers to predict."""
    return re.sub(r"<caption>([^<]*?) \(E = [^<]*\)</caption>", r"<caption>\1</caption>", table)


def exercise_page(steps: Steps) -> str:
    """The whole exercise page of ``steps`` (made with ``viz.steps(..., exercise=True)``)."""
    data = steps.exercise or {"frames": [], "fields": [], "precision": ""}
    fields = {f["key"]: f for f in data["fields"]}
    questions = [fields.get(key) if key else None for key in data["frames"]]
    sections = "\n".join(_section(f.number, f.phase, f.text, q)
                         for f, q in zip(steps.frames, questions, strict=True))
    tables = "\n".join(f'<div class="bp-scroll">{_hide_loss(t)}</div>' for t in steps.tables)
    title = escape(steps.title)
    try:
        text = script_json(data)
    except ValueError:
        raise ValueError("an exercise needs finite numbers, and this run has an infinite or NaN "
                         "value (a step too large?)") from None
    aside = f"""<details class="bp-tables" open><summary>Tables</summary>
<div class="bp-scroll"><table class="bp-answers"><caption>Your answers so far</caption>
<thead><tr><th>number</th><th>yours</th><th>right</th><th>verdict</th></tr></thead>
<tbody></tbody></table></div><p class="bp-score" aria-live="polite"></p>
{tables}</details>
<script type="application/json" class="bp-questions">{text}</script>
<script>{GRADER}</script>"""
    body = stepper("bp-exercise", steps, sections, aside, "", GRADING_SCRIPT)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{_POLICY}">
<title>{title}: exercise</title><style>{_EXERCISE_STYLE}</style></head>
<body><main class="bp-stepper" id="bp-exercise">
<h1>{title}: exercise</h1>
<p>Predict each number before it is shown: type it and press Enter. Hint gives the formula,
then the formula with the numbers, then the answer. Next (or →) goes on once a number is
answered; ← goes back. A number counts as right {escape(data["precision"])}.</p>
{body}
</main></body></html>
"""


def exercise_frame(steps: Steps) -> str:
    """The exercise page inside an ``<iframe>``, for a notebook's output: its script and its
    keys stay inside the frame."""
    page = escape(exercise_page(steps))
    return (f'<iframe title="{escape(steps.title)}: exercise" srcdoc="{page}" '
            'style="width: 100%; height: 900px; border: 1px solid #ccc"></iframe>')
