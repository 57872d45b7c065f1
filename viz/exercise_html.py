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

# The questions and their grading: everything of the page's script but the navigation, which is
# stepper.js's (BPStepper: it asks this script which frames are still hidden and which may be
# left). Kept apart in this one constant so that the grader can be swapped as a whole.
# DATA: one entry per frame, null or a question {name, formula, numbers, answer, wrong:
# [[id, value, why]], carried: {"k:m": value}}; the page compares numbers only.
GRADING_SCRIPT = """
(function (root, DATA) {
  var frames = root.querySelectorAll(".bp-captions > .bp-frame");
  var rows = root.querySelector(".bp-answers tbody"), score = root.querySelector(".bp-score");
  var done = {}, tally = {"right": 0, "carried-forward": 0, "wrong": 0, "shown": 0};
  var asked = DATA.filter(function (q) { return q; }).length, furthest = 0, stepper = null;
  function parse(text) {
    var t = text.trim().replace(/\\u2212/g, "-").replace(/\\s/g, "");
    if (/^[+-]?\\d+,\\d+$/.test(t)) { t = t.replace(",", "."); }
    if (!/^[+-]?(\\d+\\.?\\d*|\\.\\d+)(e[+-]?\\d+)?$/i.test(t)) { return null; }
    var parts = t.toLowerCase().split("e");
    var decimals = (parts[0].split(".")[1] || "").length - (parts[1] ? parseInt(parts[1], 10) : 0);
    return {value: parseFloat(t), decimals: Math.max(decimals, 0)};
  }
  // the checker's rule (lab.grading.Answer.matches): half a unit of the last decimal typed,
  // never coarser than x's first digit, plus 10^-3 of x
  function matches(a, x) {
    var unit = Math.pow(10, -a.decimals);
    if (x !== 0 && isFinite(x)) {
      unit = Math.min(unit, Math.pow(10, Math.floor(Math.log10(Math.abs(x)))));
    }
    var tolerance = Math.max(unit / 2 + 1e-3 * Math.abs(x), 1e-12);
    return Math.abs(a.value - x) <= tolerance;
  }
  function shown(x) { return String(Number(x.toPrecision(4))).replace("-", "\\u2212"); }
  function judge(q, a) {
    if (matches(a, q.answer)) { return {verdict: "right", why: ""}; }
    var keys = Object.keys(done).map(Number).sort(function (x, y) { return y - x; });
    for (var i = 0; i < keys.length; i++) {
      var key = done[keys[i]].key;
      if (key && key in q.carried && matches(a, q.carried[key])) {
        return {verdict: "carried-forward", key: key,
                why: "consistent with your earlier " + done[keys[i]].name};
      }
    }
    for (var m = 0; m < q.wrong.length; m++) {
      if (matches(a, q.wrong[m][1])) {
        return {verdict: "wrong", mistake: q.wrong[m][0], key: q.index + ":" + m,
                why: q.wrong[m][2]};
      }
    }
    return {verdict: "wrong", why: ""};
  }
  function reveal(k, result, given) {
    var f = frames[k], q = DATA[k];
    done[k] = {name: q.name, key: result.key || null};
    tally[result.verdict] += 1;
    f.querySelector(".bp-answer").disabled = true;
    f.querySelector(".bp-check").disabled = true;
    f.querySelector(".bp-hint").disabled = true;
    var v = f.querySelector(".bp-verdict");
    v.className = "bp-verdict " + result.verdict;
    var words = {"right": "Right.", "carried-forward": "Carried forward:", "wrong": "Wrong.",
                 "shown": "Shown."};
    v.textContent = words[result.verdict] + (result.mistake ? " [" + result.mistake + "] " : " ")
      + result.why + (result.why ? "." : "")
      + (result.verdict === "right" ? "" : " The right value: " + shown(q.answer));
    f.querySelector(".bp-reveal").hidden = false;
    var tr = document.createElement("tr");
    [q.name, given === null ? "\\u2013" : given, shown(q.answer), result.verdict]
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
    var q = DATA[k];
    if (!q) { return; }
    var input = f.querySelector(".bp-answer"), hints = f.querySelector(".bp-hints");
    var verdict = f.querySelector(".bp-verdict"), ladder = 0;
    function check() {
      var a = parse(input.value);
      if (a === null) { verdict.className = "bp-verdict"; verdict.textContent =
        "Type a number, e.g. 0.474 or -1.2e-3."; return; }
      reveal(k, judge(q, a), input.value.trim());
    }
    input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { check(); e.preventDefault(); }
    });
    f.querySelector(".bp-check").addEventListener("click", check);
    f.querySelector(".bp-hint").addEventListener("click", function () {
      ladder += 1;
      var p = document.createElement("p");
      if (ladder === 1) { p.textContent = "Formula: " + q.formula; }
      if (ladder === 2) { p.textContent = "With the numbers: " + q.numbers; }
      hints.appendChild(p);
      if (ladder === 2) { f.querySelector(".bp-hint").textContent = "Show the answer"; }
      if (ladder === 3) { reveal(k, {verdict: "shown", why: ""}, null); }
    });
  });
  stepper = BPStepper(root, {
    keys: true,
    fold: false,  // the score is among the tables
    // a frame that asks for a number is left once it is answered; until then its sentence
    // and its picture (which would show the number) stay hidden
    gate: function (k) { return !DATA[k] || k in done; },
    masked: function (k) { return !!DATA[k] && !(k in done); },
    // a table row computed at frame k shows once frame k's number is answered (or, for a
    // frame that asks nothing, once it is reached)
    row: function (k) { return DATA[k] ? k in done : k <= furthest; },
    onshow: function (k) {
      furthest = Math.max(furthest, k);
      var input = frames[k].querySelector(".bp-answer");
      if (input && !input.disabled) { input.focus(); }
    }
  });
  update();
})(root, JSON.parse(root.querySelector("script.bp-questions").textContent));
"""


def _section(number: int, phase: str, text: str, question: dict | None) -> str:
    """Frame ``number``'s caption: its sentence, and for a frame that asks for a number the
    question first (the sentence stays hidden until it is answered)."""
    head = (f'<section class="bp-frame" data-number="{number}"{" hidden" if number > 1 else ""}>'
            f'<div class="bp-phase">{escape(phase)}</div>')
    sentence = f'<p class="bp-text">{escape(text)}</p>'
    if question is None:
        return f'{head}<div class="bp-reveal">{sentence}</div></section>'
    name = escape(question["name"])
    return (f'{head}<div class="bp-question"><p class="bp-prompt">{name} = ?</p>'
            f'<label>Your value of {name}: <input class="bp-answer" type="text" '
            f'inputmode="decimal" autocomplete="off" spellcheck="false"></label>'
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
    questions = steps.questions or []
    sections = "\n".join(_section(f.number, f.phase, f.text, q)
                         for f, q in zip(steps.frames, questions, strict=True))
    tables = "\n".join(f'<div class="bp-scroll">{_hide_loss(t)}</div>' for t in steps.tables)
    title = escape(steps.title)
    try:
        data = script_json(questions)
    except ValueError:
        raise ValueError("an exercise needs finite numbers, and this run has an infinite or NaN "
                         "value (a step too large?)") from None
    aside = f"""<details class="bp-tables" open><summary>Tables</summary>
<div class="bp-scroll"><table class="bp-answers"><caption>Your answers so far</caption>
<thead><tr><th>number</th><th>yours</th><th>right</th><th>verdict</th></tr></thead>
<tbody></tbody></table></div><p class="bp-score" aria-live="polite"></p>
{tables}</details>
<script type="application/json" class="bp-questions">{data}</script>"""
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
answered; ← goes back.</p>
{body}
</main></body></html>
"""


def exercise_frame(steps: Steps) -> str:
    """The exercise page inside an ``<iframe>``, for a notebook's output: its script and its
    keys stay inside the frame."""
    page = escape(exercise_page(steps))
    return (f'<iframe title="{escape(steps.title)}: exercise" srcdoc="{page}" '
            'style="width: 100%; height: 900px; border: 1px solid #ccc"></iframe>')
