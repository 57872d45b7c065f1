"""A stepper's pictures as one whole SVG and, for each later frame, only the nodes and edges that
change: the page grows with the number of frames, not with frames × picture.

Every frame of a stepper is drawn at the positions of one `drawing.Layout` (``neato -n2``), so
frame k's DOT differs from frame k−1's in a few node and edge statements (a new number, a colour).
`film` renders the first picture whole and every changed statement once, all of them in one run
of Graphviz; the page's script (static/stepper.js) puts frame k together from them. A frame whose
statements cannot be compared (no layout, or other graph settings) is kept whole.

In the SVG each node and edge is a group ``<g class="node" data-key="u4">``: its key is the
node's name or the edge's ``id``; Graphviz's own ids are dropped (they repeat from frame to
frame, and a page may hold several steppers).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape, unescape

from .drawing import NODE_LINE, Drawing, render

# one statement per line, as draw_network and GraphPicture write them
_NODE = NODE_LINE
_EDGE = re.compile(r'^\s*([A-Za-z_]\w*) -> ([A-Za-z_]\w*) \[(?=.*\bid="([^"]+)")(.*)\]$')
_TOKEN = re.compile(r"<g\b[^>]*>|</g>")
_GROUP = re.compile(r'<g id="([^"]*)" class="(node|edge)([^"]*)">\s*<title>(.*?)</title>', re.S)
BATCH = 2000  # statements per run of Graphviz: bounds its memory on the largest pages


@dataclass(frozen=True)
class _Statements:
    """A frame's DOT: the lines that draw nothing (settings, rank groups, invisible points),
    and key → (title, statement) for each node and each edge with an id."""

    skeleton: tuple[str, ...]
    drawn: dict[str, tuple[str, str]]


def _statements(source: str) -> _Statements:
    skeleton, drawn = [], {}
    for line in source.splitlines():
        kind, key, value = _line(line)
        if kind == "drawn":
            drawn[key] = value
        elif kind == "skeleton":
            skeleton.append(key)
    return _Statements(tuple(skeleton), drawn)


@lru_cache(maxsize=20_000)  # a frame repeats most lines of the frame before
def _line(line: str) -> tuple[str, str, tuple[str, str]]:
    """("drawn", key, (title, attributes)) for a node or an edge with an id; ("skeleton",
    line, …) for a line that sets something; ("none", …) for a rank group or an invisible
    chain, which draw nothing at fixed positions."""
    edge = _EDGE.match(line)
    node = None if edge else _NODE.match(line)
    if edge and "style=invis" not in line:
        return "drawn", edge[3], (f"{edge[1]}->{edge[2]}", edge[4])
    if node and "style=invis" not in node[2]:
        return "drawn", node[1], (node[1], node[2])
    if not line.strip().startswith(("{", "}")) and "->" not in line:
        return "skeleton", line.strip(), ("", "")
    return "none", "", ("", "")


def _groups(svg: str) -> Iterator[tuple[str, str, str, str]]:
    """(Graphviz id, class, title, markup) of each top-level node or edge group of an SVG."""
    depth, start = 0, 0
    for token in _TOKEN.finditer(svg):
        if token[0] != "</g>":
            depth += 1
            if depth == 2:  # inside the graph's own group
                start = token.start()
        else:
            if depth == 2:
                markup = svg[start:token.end()]
                head = _GROUP.match(markup)
                if head:
                    yield head[1], head[2] + head[3], head[4], markup
            depth -= 1


def _keyed(markup: str, key: str, title: str) -> str:
    """A group with ``data-key`` instead of Graphviz's ids, and the original ``title``."""
    head = _GROUP.match(markup)
    body = re.sub(r'<g id="[^"]*"', "<g", markup[head.end():])  # the link groups of tooltips
    return (f'<g class="{head[2]}{head[3]}" data-key="{escape(key)}">\n'
            f"<title>{escape(title, quote=False)}</title>{body}")


def _key(gid: str, cls: str, title: str) -> str:
    """A node's name, an edge's own id (else its "tail->head")."""
    if cls.startswith("edge") and not re.fullmatch(r"edge\d+", gid):
        return unescape(gid)
    return unescape(title)


def whole(svg: str) -> str:
    """A rendered SVG with its nodes and edges keyed (``data-key``) as in `film`, its XML header,
    comments and Graphviz's ids dropped."""
    start = svg.find("<svg")
    svg = re.sub(r"<!--.*?-->\s*", "", svg[start:], flags=re.S)
    out, at = [], 0
    for gid, cls, title, markup in _groups(svg):
        begin = svg.index(markup, at)
        out += [svg[at:begin], _keyed(markup, _key(gid, cls, title), unescape(title))]
        at = begin + len(markup)
    return "".join(out) + svg[at:]


@dataclass
class Film:
    """``parts``: SVG texts (a whole picture, or one node's or edge's group); ``frames``: per
    frame either ``{"svg": i}`` (the whole picture ``parts[i]``) or ``{"set": {key: i}}`` (the
    groups that differ from the frame before; i is None for a group that is gone)."""

    parts: list[str] = field(default_factory=list)
    frames: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"parts": self.parts, "frames": self.frames}

    def size(self) -> int:
        """Characters of SVG held (what the page grows by)."""
        return sum(map(len, self.parts))


def film(drawings: Sequence[Drawing]) -> Film:
    """The pictures of a stepper's frames as a `Film`: each picture whose statements differ from
    the frame before's only in drawn nodes and edges is kept as those, rendered together."""
    out = Film()
    part: dict[str, int] = {}  # a statement's rendered group → its index in parts
    todo: list[tuple[int, str, str, str]] = []  # (frame, key, title, statement) to render
    before: _Statements | None = None
    frame_head: dict[int, str] = {}  # the graph settings each batch of statements is drawn in
    for k, drawing in enumerate(drawings):
        now = _statements(drawing.source) if drawing.fixed else None
        if now is None or before is None or now.skeleton != before.skeleton:
            out.frames.append({"svg": len(out.parts)})
            out.parts.append(whole(drawing.svg()))
            frame_head[k] = drawing.source
        else:
            changes: dict[str, int | None] = {}
            for key in before.drawn.keys() - now.drawn.keys():
                changes[key] = None
            for key, (title, line) in now.drawn.items():
                if before.drawn.get(key) != (title, line):
                    changes[key] = -1  # to render
                    todo.append((k, key, title, line))
            out.frames.append({"set": changes})
        before = now
    heads = sorted(frame_head)
    for start in range(0, len(todo), BATCH):
        batch = todo[start:start + BATCH]
        rendered = _render(batch, heads, frame_head)
        for (k, key, _, _), markup in zip(batch, rendered, strict=True):
            if markup not in part:
                part[markup] = len(out.parts)
                out.parts.append(markup)
            out.frames[k]["set"][key] = part[markup]
    _line.cache_clear()
    return out


def _render(batch: list[tuple[int, str, str, str]], heads: list[int],
            frame_head: dict[int, str]) -> list[str]:
    """Each statement of ``batch`` drawn as in its frame: one DOT with the settings of the whole
    picture its frame follows, each node renamed bp{n}, each edge given the id bp{n} and drawn
    between two invisible points (its spline and label are pinned: its ends do not matter)."""
    by_head: dict[int, list[int]] = {}
    for n, (k, *_) in enumerate(batch):
        by_head.setdefault(max(h for h in heads if h <= k), []).append(n)
    out: dict[int, str] = {}
    for head, members in by_head.items():
        settings = [line for line in _statements(frame_head[head]).skeleton if line != "}"]
        lines = [*settings, *_invisible(frame_head[head]),
                 'bp_from [shape=point style=invis width=0 pos="0,0!"]',
                 'bp_to [shape=point style=invis width=0 pos="0,0!"]']
        for n in members:
            _, _, title, attributes = batch[n]
            if "->" in title:
                attributes = re.sub(r'\bid="[^"]*"', f'id="bp{n}"', attributes)
                lines.append(f"bp_from -> bp_to [{attributes}]")
            else:
                lines.append(f"bp{n} [{attributes}]")
        svg = render("\n".join(lines) + "\n}\n", "svg", fixed=True).decode("utf-8")
        for gid, cls, name, markup in _groups(svg):
            n = int(_key(gid, cls, name)[2:])
            _, key, title, _ = batch[n]
            out[n] = _keyed(markup, key, title)
    missing = [batch[n][1] for n in range(len(batch)) if n not in out]
    if missing:
        raise RuntimeError(f"Graphviz drew no group for {missing[0]!r}")
    return [out[n] for n in range(len(batch))]


def _invisible(source: str) -> list[str]:
    """The invisible points of a DOT (a Layout's corners): they fix the picture's size."""
    return [line.strip() for line in source.splitlines()
            if _NODE.match(line) and "style=invis" in line]
