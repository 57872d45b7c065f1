"""`Drawing`: DOT source that saves itself as SVG, PNG or DOT and shows itself in Jupyter.

Rendering runs Graphviz's ``dot`` program; the DOT text itself needs no program, so it is what
tests read. Numbers are shown with the lecture's minus sign (−), as on the slides.

A stepper's frames share one `Layout`: ``dot`` places the picture once with its widest labels,
and each frame is drawn at those fixed positions (``neato -n2``), so only numbers and colours
change from frame to frame.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable
from functools import cached_property
from html import escape
from pathlib import Path

import graphviz

# the one number format of the project, re-exported for the pictures' callers
from lab.numbers import DEFAULT_DIGITS as DEFAULT_DIGITS
from lab.numbers import MAX_DIGITS as MAX_DIGITS
from lab.numbers import check_digits as check_digits
from lab.numbers import exact as exact
from lab.numbers import number as number

FORMATS = {".svg": "svg", ".png": "png", ".dot": "dot", ".gv": "dot"}


class DotNotFoundError(RuntimeError):
    """Graphviz's ``dot`` program is needed to render pictures and is not installed."""


# What a person does about a missing Graphviz, said where pictures are asked for from a page
# (the live app's views): there is no file to save as .dot, so only what to install.
GRAPHVIZ_MISSING_IN_APP = (
    "The pictures need Graphviz, which is not installed on the computer running backprop serve: "
    "install it there (sudo apt-get install graphviz, or brew install graphviz on a Mac), then "
    "restart backprop serve. The numbers and tables work without it.")


def graphviz_missing() -> str | None:
    """None when Graphviz's ``dot`` runs on this machine; else one line saying what to install."""
    try:
        graphviz.version()
    except (graphviz.ExecutableNotFound, subprocess.CalledProcessError, OSError):
        return ("Graphviz's 'dot' program is not installed, so no picture can be drawn: install "
                "it (sudo apt-get install graphviz, or brew install graphviz)")
    return None


class DotFailedError(RuntimeError):
    """Graphviz's ``dot`` ran and refused (a build without cairo has no PNG, say)."""


HOT_CLASS = "bp-hot"  # marks in an SVG what a picture is about (a stepper brings it into view)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def dot_text(text: str) -> str:
    """``text`` made safe inside a DOT label, quoted ("…") or HTML-like (<…>): ``& < > "`` as
    entities, a backslash as ``&#92;`` (dot reads it as an escape: a label ending in one would
    swallow its closing quote), and a control character shown as ``\x01`` (dot refuses them)."""
    shown = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return escape(shown, quote=True).replace("\\", "&#92;")


def writable_path(path: str | os.PathLike[str]) -> Path:
    """``path`` as a Path whose folder exists and can be written, else an OSError naming it."""
    p = Path(path)
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        raise FileNotFoundError(f"cannot write {p}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise PermissionError(f"cannot write {p}: the folder {folder} is not writable")
    if p.is_dir():
        raise IsADirectoryError(f"cannot write {p}: it is a folder; give a file name inside it")
    return p


def render(source: str, fmt: str, fixed: bool = False) -> bytes:
    """Run Graphviz on DOT ``source``, returning the picture in format ``fmt`` ("svg", "png",
    "json"): ``dot`` lays it out, or with ``fixed`` ``neato -n2`` keeps the positions it gives."""
    try:
        # quiet: Graphviz's complaint is ours to say, in one line
        if fixed:
            return graphviz.Source(source, engine="neato").pipe(format=fmt, neato_no_op=2,
                                                                 quiet=True)
        return graphviz.Source(source).pipe(format=fmt, quiet=True)
    except graphviz.ExecutableNotFound:
        raise DotNotFoundError(
            "Graphviz's 'dot' program is not installed (apt-get install graphviz, or brew install "
            "graphviz); save as .dot to get the source without it") from None
    except subprocess.CalledProcessError as e:
        said = (e.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        reason = said[0][:200] if said else f"exit status {e.returncode}"
        raise DotFailedError(f"Graphviz's 'dot' could not make the {fmt} picture: {reason}"
                             ) from None


def _placed(source: str) -> dict:
    """Where ``dot`` places the nodes and edges of ``source``: its JSON output, read."""
    return json.loads(render(source, "json"))


# DOT as draw_network and GraphPicture write it: one statement per line
NODE_LINE = re.compile(r"^\s*(?!(?:node|edge|graph)\b)([A-Za-z_]\w*) \[(.*)\]$")
_SETTINGS = re.compile(r"^\s*(node \[.*\]|\w+=\S+)$")  # node defaults; rankdir and the like


def _node_sizes(states: tuple[str, ...]) -> dict[str, tuple[float, float]]:
    """Each node's largest (width, height) over several states of a picture. A node's size is
    its label's: one ``dot`` run over every state's nodes, without edges, measures them all."""
    lines, names = [line for line in states[0].splitlines() if _SETTINGS.match(line)], []
    for state in states:
        for line in state.splitlines():
            node = NODE_LINE.match(line)
            if node:
                lines.append(f"\tbp{len(names)} [{node[2]}]")
                names.append(node[1])
    placed = _placed("digraph sizes {\n" + "\n".join(lines) + "\n}\n")
    size: dict[str, tuple[float, float]] = {}
    for o in placed.get("objects", []):
        if o.get("name", "").startswith("bp") and "width" in o:
            name = names[int(o["name"][2:])]
            w, h = size.get(name, (0.0, 0.0))
            size[name] = (max(w, float(o["width"])), max(h, float(o["height"])))
    return size


class Layout:
    """Where ``dot`` placed a picture's nodes and edges, to draw other states of the same picture
    (other labels, other colours) at exactly those places.

    Nodes are found by name, edges by their ``id`` attribute (edges without one, such as the
    invisible ones that order a rank, are not pinned). Lay out the widest state (every number
    shown) so that each node and edge label has room in every frame; given several such states
    (several updates of a network), each node gets the room of its largest label among them.
    """

    def __init__(self, source: str, *others: str) -> None:
        if others:
            size = _node_sizes((source, *others))
            # a node statement repeated at the end adds these attributes to the node
            source = source.rstrip().removesuffix("}") + "".join(
                f'\t"{name}" [width={w} height={h} fixedsize=true]\n'
                for name, (w, h) in size.items()) + "}\n"
        placed = _placed(source)
        self.bb = placed["bb"]
        self.nodes = {o["name"]: (o["pos"], o["width"], o["height"])
                      for o in placed.get("objects", []) if "pos" in o}
        self.edges = {e["id"]: (e.get("pos"), e.get("lp"))
                      for e in placed.get("edges", []) if "id" in e}

    def frame(self) -> str:
        """DOT statements that keep every state the same size: the bounding box, and an invisible
        point at two of its corners (``neato -n2`` sizes a picture by what it draws, so a state
        without some node or edge label would otherwise come out smaller, and scaled otherwise)."""
        x0, y0, x1, y1 = self.bb.split(",")
        corners = "".join(f'\n\tbb_corner{k} [pos="{x},{y}!" shape=point style=invis width=0]'
                          for k, (x, y) in enumerate(((x0, y0), (x1, y1))))
        return f'\tgraph [bb="{self.bb}"]{corners}'

    def node(self, name: str) -> str:
        """The attributes pinning node ``name``: centre, and the size of its widest label."""
        pos, width, height = self.nodes[name]
        return f'pos="{pos}!" width={width} height={height} fixedsize=true'

    def edge(self, id_: str) -> str:
        """The attributes of edge ``id_``: its id, its spline and the place of its label."""
        pos, lp = self.edges[id_]
        return " ".join(f'{key}="{v}"' for key, v in (("id", id_), ("pos", pos), ("lp", lp)) if v)


def svg_element(svg: str) -> str:
    """The ``<svg>…</svg>`` element of a rendered SVG file, without its XML header and doctype,
    so that it can be inlined in an HTML page."""
    start = svg.find("<svg")
    return re.sub(r"<!--.*?-->\s*", "", svg[start:], flags=re.S) if start >= 0 else svg


class Drawing:
    """A picture as DOT source (``.source``); `save` renders it, Jupyter shows it inline."""

    def __init__(self, source: str, fixed: bool = False) -> None:
        self.source, self.fixed = source, fixed

    def svg(self) -> str:
        """The picture as SVG text (runs Graphviz)."""
        return render(self.source, "svg", self.fixed).decode("utf-8")

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the picture to ``path``: SVG, PNG or DOT source, chosen by its suffix."""
        p = Path(path)
        kind = FORMATS.get(p.suffix.lower())
        if kind is None:
            raise ValueError(f"cannot tell the picture format from {p.name!r}: "
                             f"use a name ending in {', '.join(FORMATS)}")
        writable_path(p)
        data = (self.source.encode("utf-8") if kind == "dot"
                else render(self.source, kind, self.fixed))
        p.write_bytes(data)
        return p

    def _repr_svg_(self) -> str:
        return self.svg()

    def __repr__(self) -> str:
        return f"<Drawing: {len(self.source)} characters of DOT in .source>"


class Deferred(Drawing):
    """A `Drawing` made by ``make`` when it is first used: a stepper has many frames and a page
    shows one at a time, so the numbers need not wait for every picture's DOT (nor the layout's
    ``dot`` run)."""

    def __init__(self, make: Callable[[], Drawing]) -> None:
        self._make = make

    @cached_property
    def made(self) -> Drawing:
        return self._make()

    @property  # type: ignore[override]
    def source(self) -> str:
        return self.made.source

    @property  # type: ignore[override]
    def fixed(self) -> bool:
        return self.made.fixed
