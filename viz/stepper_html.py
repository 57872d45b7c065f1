"""The stepper as HTML: one self-contained page (`export_html`) or a notebook widget.

Everything is inline (pictures, style, script), so the page works offline and fetches nothing.
The script and the style are viz/static/stepper.js and stepper.css, the same files the exercise
page and the live app use: a frame counter, previous/next buttons, a slider, on the page the
arrow keys, and on a small screen the picture panned to what the frame is about. The pictures are
one SVG and, per frame, the nodes and edges that change (`viz.film`): the page grows linearly
with the frames.
"""

from __future__ import annotations

import os
import re
import uuid
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from .drawing import svg_element, writable_path
from .film import film
from .plain_json import script_json

if TYPE_CHECKING:
    from lab.spec import Spec

    from .steps import Steps

STATIC = Path(__file__).resolve().parent / "static"
# Measured on a 10-12-4 network (184 parameters, 5 updates, 2,175 frames): about 2.3 kB of page
# and 11 ms of work a frame (the pictures' changes, the sentence, the tables). 6,000 frames are a
# page of about 14 MB, written in a minute or so.
MAX_PAGE_FRAMES = 6_000

# The page may load nothing from anywhere: everything it needs is inline.
_POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'"
# The smallest text a picture may be shrunk to, in CSS px; below it the picture scrolls instead.
LEGIBLE_PX = 10.5
PT = 4 / 3  # CSS px per point: Graphviz sizes its SVGs and fonts in points


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


def assets() -> tuple[str, str]:
    """The stepper's stylesheet and script (viz/static), as every page inlines them."""
    return ((STATIC / "stepper.css").read_text(encoding="utf-8"),
            (STATIC / "stepper.js").read_text(encoding="utf-8"))


def expected_frames(spec: Spec) -> int:
    """How many frames the pages of ``spec``'s updates have, from its sizes alone: per pass the
    inputs, each unit's net input and output, E, each unit's ∂E/∂o and δ, each parameter's
    gradient; per update (per epoch: each parameter's summed gradient first) each parameter's
    new value and a summary."""
    units = sum(spec.layers)
    params = sum(n * (m + 1) for m, n in zip((spec.inputs, *spec.layers), spec.layers))
    per_example = spec.update == "per-example"
    passes = 1 if per_example else len(spec.examples)
    updates = spec.epochs * (len(spec.examples) if per_example else 1)
    sums = 0 if per_example else params
    return updates * (passes * (2 + 4 * units + params) + sums + params + 1)


def check_frame_count(frames: int) -> None:
    """A ValueError if a page of ``frames`` frames would be too large to write and open."""
    if frames > MAX_PAGE_FRAMES:
        raise ValueError(
            f"a page of these updates would have {frames:,} frames, more than the "
            f"{MAX_PAGE_FRAMES:,} a step-by-step page holds (its file and its wait grow with "
            "them): step fewer updates (epochs, examples) or a smaller network; the tables "
            "and --json have no such limit")


def _film(steps: Steps) -> tuple[str, float]:
    """The frames' pictures as a `viz.film.Film` in JSON for the page's script (each whole
    picture `legible`), and the width of the widest, in points."""
    check_frame_count(len(steps.frames))
    pictures = film([f.picture for f in steps.frames])
    whole = [f["svg"] for f in pictures.frames if "svg" in f]
    for i in whole:
        pictures.parts[i] = legible(pictures.parts[i])
    width = max((_width_pt(pictures.parts[i]) for i in whole), default=0.0)
    return script_json(pictures.to_dict()), width


def stepper(uid: str, steps: Steps, sections: str, aside: str, options: str,
            script: str = "") -> str:
    """The stepper's markup, shared by the step page and the exercise page: the frames'
    ``sections`` (a caption each) over one picture box, ``aside`` beside them, the pictures as
    data, stepper.js (which adds the controls above), and the script starting it
    (``BPStepper(root, options)``, or ``script``, which gets ``root`` and starts it itself)."""
    data, width = _film(steps)
    style, code = assets()
    start = script or f"BPStepper(root, {options});"
    return f"""<style>{style}</style>
<div class="bp-body"><div class="bp-frames" style="flex-basis: {width:.0f}pt">
<div class="bp-captions">{sections}</div>
<div class="bp-picture" role="img"></div></div>
{aside}</div>
<script type="application/json" class="bp-film">{data}</script>
<script>{code}</script>
<script>(function (root) {{ {start} }})(document.getElementById("{uid}"));</script>"""


def _section(k: int, phase: str, text: str) -> str:
    return (f'<section class="bp-frame" data-number="{k}"{" hidden" if k > 1 else ""}>'
            f'<div class="bp-phase">{escape(phase)}</div><p class="bp-text">{escape(text)}</p>'
            "</section>")


def widget(steps: Steps, keys: bool) -> str:
    """The stepper as an HTML fragment: controls, every frame's sentence over one picture (the
    pictures as data, put together frame by frame by stepper.js), the tables beside or below,
    and the script that drives them."""
    uid = f"bp-{uuid.uuid4().hex[:12]}"
    sections = "\n".join(_section(f.number, f.phase, f.text) for f in steps.frames)
    tables = "\n".join(f'<div class="bp-scroll">{t}</div>' for t in steps.tables)
    aside = (f'<details class="bp-tables" open><summary>Tables</summary>{tables}</details>'
             if tables else "")
    options = "{keys: true}" if keys else "{keys: false}"
    return (f'<div class="bp-stepper" id="{uid}">\n'
            f"{stepper(uid, steps, sections, aside, options)}\n</div>")
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
