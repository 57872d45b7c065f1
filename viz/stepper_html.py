"""The stepper as HTML: one self-contained page (`export_html`) or a notebook widget.

Everything is inline (SVGs, style, script), so the page works offline and fetches nothing. One
script drives both: a frame counter, previous/next buttons, a slider, and on the page the arrow
keys.
"""

from __future__ import annotations

import os
import uuid
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from .drawing import svg_element, writable_path

if TYPE_CHECKING:
    from .steps import Steps

# The page may load nothing from anywhere: everything it needs is inline.
_POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
_STYLE = """
.bp-stepper { font-family: Helvetica, Arial, sans-serif; color: #222; }
.bp-stepper .bp-controls { display: flex; gap: 0.6em; align-items: center; margin: 0.5em 0; }
.bp-stepper button { font-size: 1em; padding: 0.3em 0.9em; }
.bp-stepper .bp-counter { min-width: 8em; font-variant-numeric: tabular-nums; }
.bp-stepper .bp-body { display: flex; gap: 2em; align-items: flex-start; }
.bp-stepper .bp-frames { flex: 1 1 auto; min-width: 0; }
.bp-stepper .bp-tables { flex: 0 0 auto; }
.bp-stepper .bp-text { font-size: 1.15em; margin: 0.4em 0 0.8em; }
.bp-stepper .bp-phase { color: #777; font-size: 0.8em; text-transform: uppercase; }
.bp-stepper svg { max-width: 100%; height: auto; }
.bp-stepper table { border-collapse: collapse; margin-bottom: 1em; font-size: 0.9em; }
.bp-stepper td, .bp-stepper th { border: 1px solid #ccc; padding: 0.2em 0.6em; }
"""

# Shows frame i of the widget ``root``; ``keys`` binds ← and → on the whole page.
_SCRIPT = """
(function (root, keys) {
  var frames = root.querySelectorAll(".bp-frame");
  var counter = root.querySelector(".bp-counter");
  var slider = root.querySelector(".bp-slider");
  var prev = root.querySelector(".bp-prev");
  var next = root.querySelector(".bp-next");
  var current = 0;
  function show(k) {
    current = Math.max(0, Math.min(frames.length - 1, k));
    for (var j = 0; j < frames.length; j++) { frames[j].hidden = (j !== current); }
    counter.textContent = "Frame " + (current + 1) + " / " + frames.length;
    slider.value = current + 1;
    prev.disabled = current === 0;
    next.disabled = current === frames.length - 1;
  }
  prev.addEventListener("click", function () { show(current - 1); });
  next.addEventListener("click", function () { show(current + 1); });
  slider.addEventListener("input", function () { show(Number(slider.value) - 1); });
  if (keys) {
    document.addEventListener("keydown", function (e) {
      if (e.key === "ArrowRight") { show(current + 1); e.preventDefault(); }
      if (e.key === "ArrowLeft") { show(current - 1); e.preventDefault(); }
    });
  }
  show(0);
})(document.getElementById("%s"), %s);
"""


def widget(steps: Steps, keys: bool) -> str:
    """The stepper as an HTML fragment: controls, every frame (sentence and inlined SVG, all but
    the first hidden), the tables beside, and the script that drives them."""
    uid = f"bp-{uuid.uuid4().hex[:12]}"
    frames = "\n".join(
        f'<section class="bp-frame" data-number="{f.number}"{" hidden" if f.number > 1 else ""}>'
        f'<div class="bp-phase">{escape(f.phase)}</div>'
        f'<p class="bp-text">{escape(f.text)}</p>{svg_element(svg)}</section>'
        for f, svg in zip(steps.frames, steps.svgs(), strict=True))
    tables = "\n".join(steps.tables)
    n = len(steps.frames)
    return f"""<div class="bp-stepper" id="{uid}">
<style>{_STYLE}</style>
<div class="bp-controls">
<button type="button" class="bp-prev" aria-label="Previous">◀ Previous</button>
<span class="bp-counter">Frame 1 / {n}</span>
<button type="button" class="bp-next" aria-label="Next">Next ▶</button>
<input type="range" class="bp-slider" min="1" max="{n}" value="1" aria-label="frame">
</div>
<div class="bp-body"><div class="bp-frames">{frames}</div>
<aside class="bp-tables">{tables}</aside></div>
<script>{_SCRIPT % (uid, "true" if keys else "false")}</script>
</div>"""


def page(steps: Steps) -> str:
    """A whole HTML document around the `widget`, with the arrow keys bound."""
    title = escape(steps.title)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_POLICY}">
<title>{title}</title></head>
<body><h1 style="font-family: Helvetica, Arial, sans-serif">{title}</h1>
<p style="font-family: Helvetica, Arial, sans-serif">
Use Next and Previous, the slider, or the arrow keys ← →.</p>
{widget(steps, keys=True)}
</body></html>
"""


def export_html(steps: Steps, path: str | os.PathLike[str]) -> Path:
    """Write ``steps`` as one self-contained HTML page (SVGs inlined, no network) to ``path``."""
    from .steps import Steps

    if not isinstance(steps, Steps):
        raise TypeError(f"export_html needs the frames from viz.steps(...), "
                        f"got {type(steps).__name__}")
    p = writable_path(path)
    p.write_text(steps.to_html(), encoding="utf-8")
    return p
