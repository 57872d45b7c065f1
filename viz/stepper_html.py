"""The stepper as HTML: one self-contained page (`export_html`) or a notebook widget.

Everything is inline (SVGs, style, script), so the page works offline and fetches nothing. One
script drives both: a frame counter, previous/next buttons, a slider, and on the page the arrow
keys.
"""

from __future__ import annotations

import os
import re
import uuid
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from .drawing import svg_element, writable_path

if TYPE_CHECKING:
    from .steps import Steps

# The page may load nothing from anywhere: everything it needs is inline.
_POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
# The smallest text a picture may be shrunk to, in CSS px; below it the picture scrolls instead.
LEGIBLE_PX = 10.5
PT = 4 / 3  # CSS px per point: Graphviz sizes its SVGs and fonts in points
# Picture first, as wide as it is drawn (the frames' flex-basis); the tables beside it when both
# fit, else below it, folded on a narrow screen.
_STYLE = """
.bp-stepper { font-family: Helvetica, Arial, sans-serif; color: #222; max-width: 100%; }
.bp-stepper .bp-controls { display: flex; flex-wrap: wrap; gap: 0.5em 0.8em; align-items: center;
  margin: 0.5em 0; }
.bp-stepper button { font-size: 1em; padding: 0.45em 1em; min-height: 44px; }
.bp-stepper .bp-counter { min-width: 7em; font-variant-numeric: tabular-nums; }
.bp-stepper .bp-slider { flex: 1 1 12em; min-width: 8em; min-height: 44px; }
.bp-stepper .bp-body { display: flex; flex-wrap: wrap; gap: 1.5em; align-items: flex-start; }
.bp-stepper .bp-frames { flex: 1 1 auto; min-width: 0; max-width: 100%; }
.bp-stepper .bp-tables { flex: 1 1 22em; min-width: 0; max-width: 100%; }
.bp-stepper .bp-text { font-size: 1.15em; margin: 0.4em 0 0.8em; overflow-wrap: anywhere; }
.bp-stepper .bp-phase { color: #666; font-size: 0.8em; text-transform: uppercase; }
.bp-stepper .bp-picture { overflow: auto; max-width: 100%; -webkit-overflow-scrolling: touch; }
.bp-stepper .bp-picture svg { display: block; max-width: 100%; height: auto; }
.bp-stepper .bp-scroll { overflow-x: auto; max-width: 100%; }
.bp-stepper summary { cursor: pointer; font-weight: bold; margin-bottom: 0.5em; }
.bp-stepper table { border-collapse: collapse; margin-bottom: 1em; font-size: 0.9em; }
.bp-stepper td, .bp-stepper th { border: 1px solid #ccc; padding: 0.2em 0.6em; }
.bp-stepper td { font-variant-numeric: tabular-nums; }
.bp-stepper tr.bp-now td { background: #ffe680; font-weight: bold; }
.bp-stepper .bp-sr { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; }
"""

# Shows frame k of the widget ``root``; ``keys`` binds ← → Home End on the whole page. A table
# row with data-frame="k" is computed at frame k: hidden before it, highlighted at it.
_SCRIPT = """
(function (root, keys) {
  var frames = root.querySelectorAll(".bp-frame");
  var rows = root.querySelectorAll("tr[data-frame]");
  var counter = root.querySelector(".bp-counter");
  var slider = root.querySelector(".bp-slider");
  var prev = root.querySelector(".bp-prev");
  var next = root.querySelector(".bp-next");
  var live = root.querySelector(".bp-live");
  var tables = root.querySelector(".bp-tables");
  var current = 0;
  if (tables && window.matchMedia("(max-width: 900px)").matches) { tables.open = false; }
  // every sentence as high as the highest, so the pictures below them never move
  function level() {
    var texts = root.querySelectorAll(".bp-frame .bp-text"), high = 0, j;
    for (j = 0; j < frames.length; j++) {
      var hidden = frames[j].hidden;
      frames[j].hidden = false;
      texts[j].style.minHeight = "";
      high = Math.max(high, texts[j].offsetHeight);
      frames[j].hidden = hidden;
    }
    for (j = 0; j < texts.length; j++) { texts[j].style.minHeight = high + "px"; }
  }
  // scroll ``box`` so that the elements' joint rectangle is centred, if it is not in view
  function center(box, elements) {
    var b = box.getBoundingClientRect(), r = elements[0].getBoundingClientRect();
    var left = r.left, right = r.right, top = r.top, bottom = r.bottom;
    for (var i = 1; i < elements.length; i++) {
      r = elements[i].getBoundingClientRect();
      left = Math.min(left, r.left); right = Math.max(right, r.right);
      top = Math.min(top, r.top); bottom = Math.max(bottom, r.bottom);
    }
    if (left < b.left || right > b.right) {
      box.scrollLeft += (left + right - b.left - b.right) / 2;
    }
    if (top < b.top || bottom > b.bottom) {
      box.scrollTop += (top + bottom - b.top - b.bottom) / 2;
    }
  }
  function show(k, announce) {
    var from = frames[current].querySelector(".bp-picture");
    current = Math.max(0, Math.min(frames.length - 1, k));
    for (var j = 0; j < frames.length; j++) { frames[j].hidden = (j !== current); }
    // a picture panned on a small screen stays panned on the next frame
    var to = frames[current].querySelector(".bp-picture");
    to.scrollLeft = from.scrollLeft;
    to.scrollTop = from.scrollTop;
    // ... unless what this frame is about (its node, with its highlighted edges' labels) lies
    // outside the box: bring it to the middle, the node at least in view
    var hot = to.querySelector('[fill="#ffe680"]');
    if (hot) {
      var parts = [hot], edges = to.querySelectorAll('[stroke="#d62728"]');
      for (var e = 0; e < edges.length; e++) {
        var labels = edges[e].parentNode.querySelectorAll("text");
        for (var l = 0; l < labels.length; l++) { parts.push(labels[l]); }
      }
      center(to, parts);
      center(to, [hot]);
    }
    var n = current + 1;
    for (var r = 0; r < rows.length; r++) {
      var at = Number(rows[r].getAttribute("data-frame"));
      rows[r].hidden = at > n;
      rows[r].classList.toggle("bp-now", at === n);
    }
    var sentence = frames[current].querySelector(".bp-text").textContent;
    counter.textContent = "Frame " + n + " / " + frames.length;
    slider.value = n;
    slider.setAttribute("aria-valuetext", "Frame " + n + " of " + frames.length + ": " + sentence);
    if (announce) { live.textContent = "Frame " + n + " of " + frames.length + ". " + sentence; }
    // a disabled button drops the focus to the page: hand it to the slider, where Enter does
    // nothing unexpected (on Previous it would step back) and the arrow keys still step
    var focused = document.activeElement;
    prev.disabled = current === 0;
    next.disabled = current === frames.length - 1;
    if ((focused === next || focused === prev) && focused.disabled) { slider.focus(); }
  }
  prev.addEventListener("click", function () { show(current - 1, true); });
  next.addEventListener("click", function () { show(current + 1, true); });
  slider.addEventListener("input", function () { show(Number(slider.value) - 1, true); });
  if (keys) {
    var moves = {ArrowRight: 1, ArrowLeft: -1};
    document.addEventListener("keydown", function (e) {
      if (e.altKey || e.ctrlKey || e.metaKey) { return; }
      if (e.key in moves) { show(current + moves[e.key], true); }
      else if (e.key === "Home") { show(0, true); }
      else if (e.key === "End") { show(frames.length - 1, true); }
      else { return; }
      e.preventDefault();
    });
  }
  level();
  window.addEventListener("resize", level);
  show(0, false);
})(document.getElementById("%s"), %s);
"""


def legible(svg: str) -> str:
    """The ``<svg>`` element of a rendered picture, allowed to shrink to the screen's width only
    as far as its smallest text stays `LEGIBLE_PX` high (beyond that its box scrolls); a picture
    whose text is smaller than that to begin with is drawn larger."""
    svg = svg_element(svg)
    sizes = [float(x) for x in re.findall(r'font-size="([\d.]+)"', svg)]
    if not sizes:
        return svg
    shrink = LEGIBLE_PX / (min(sizes) * PT)  # the smallest scale at which all text is legible
    return svg.replace("<svg", f'<svg style="min-width: {_width_pt(svg) * shrink:.1f}pt"', 1)


def _width_pt(svg: str) -> float:
    """The width Graphviz drew a picture at, in points."""
    width = re.search(r'<svg[^>]*\swidth="([\d.]+)pt"', svg)
    return float(width[1]) if width else 0.0


def picture(k: int, svg: str, label: str) -> str:
    """Frame k's picture, `legible`, labelled for a screen reader by ``label``."""
    # each frame's SVG repeats Graphviz's ids (node1, edge1, …): prefix them to keep ids unique
    svg = re.sub(r'\bid="', f'id="f{k}-', legible(svg))
    return f'<div class="bp-picture" role="img" aria-label="{escape(label)}">{svg}</div>'


def _frame(k: int, phase: str, text: str, svg: str) -> str:
    return (f'<section class="bp-frame" data-number="{k}"{" hidden" if k > 1 else ""}>'
            f'<div class="bp-phase">{escape(phase)}</div><p class="bp-text">{escape(text)}</p>'
            f'{picture(k, svg, text)}</section>')


def widget(steps: Steps, keys: bool) -> str:
    """The stepper as an HTML fragment: controls, every frame (sentence and inlined SVG, all but
    the first hidden), the tables beside or below, and the script that drives them."""
    uid = f"bp-{uuid.uuid4().hex[:12]}"
    svgs = steps.svgs()
    frames = "\n".join(_frame(f.number, f.phase, f.text, svg)
                       for f, svg in zip(steps.frames, svgs, strict=True))
    width = max(map(_width_pt, svgs), default=0.0)
    tables = "\n".join(f'<div class="bp-scroll">{t}</div>' for t in steps.tables)
    aside = (f'<details class="bp-tables" open><summary>Tables</summary>{tables}</details>'
             if tables else "")
    n = len(steps.frames)
    return f"""<div class="bp-stepper" id="{uid}">
<style>{_STYLE}</style>
<div class="bp-controls">
<button type="button" class="bp-prev" aria-label="Previous">◀ Previous</button>
<span class="bp-counter">Frame 1 / {n}</span>
<button type="button" class="bp-next" aria-label="Next">Next ▶</button>
<input type="range" class="bp-slider" min="1" max="{n}" value="1" aria-label="frame">
</div>
<p class="bp-live bp-sr" aria-live="polite" aria-atomic="true"></p>
<div class="bp-body"><div class="bp-frames" style="flex-basis: {width:.0f}pt">
{frames}</div>
{aside}</div>
<script>{_SCRIPT % (uid, "true" if keys else "false")}</script>
</div>"""


def page(steps: Steps) -> str:
    """A whole HTML document around the `widget`, with the arrow keys bound."""
    title = escape(steps.title)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{_POLICY}">
<title>{title}</title>
<style>body {{ font-family: Helvetica, Arial, sans-serif; margin: 0.8em; }}
h1 {{ font-size: 1.5em; }}</style></head>
<body><h1>{title}</h1>
<p>Use Next and Previous, the slider, or the arrow keys ← → (Home and End for the first and last
frame).</p>
{widget(steps, keys=True)}
</body></html>
"""


def export_html(steps: Steps, path: str | os.PathLike[str]) -> Path:
    """Write ``steps`` as one self-contained HTML page (SVGs inlined, no network) to ``path``."""
    if not callable(getattr(steps, "to_html", None)):  # viz.steps(...) made it
        raise TypeError(f"export_html needs the frames from viz.steps(...), "
                        f"got {type(steps).__name__}")
    p = writable_path(path)
    p.write_text(steps.to_html(), encoding="utf-8")
    return p
