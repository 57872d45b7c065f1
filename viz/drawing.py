"""`Drawing`: DOT source that saves itself as SVG, PNG or DOT and shows itself in Jupyter.

Rendering runs Graphviz's ``dot`` program; the DOT text itself needs no program, so it is what
tests read. Numbers are shown with the lecture's minus sign (−), as on the slides.
"""

from __future__ import annotations

import os
import re
import subprocess
from html import escape
from pathlib import Path

import graphviz
import numpy as np

from autograd_core.batch import Broadcast

FORMATS = {".svg": "svg", ".png": "png", ".dot": "dot", ".gv": "dot"}


class DotNotFoundError(RuntimeError):
    """Graphviz's ``dot`` program is needed to render pictures and is not installed."""


class DotFailedError(RuntimeError):
    """Graphviz's ``dot`` ran and refused (a build without cairo has no PNG, say)."""


def number(x: float | np.ndarray | Broadcast, fmt: str = "{:.3f}") -> str:
    """``x`` formatted with ``fmt``, trailing zeros dropped (0.700 → 0.7) and a true minus sign.

    A batch (one number per example, or a `Broadcast` local derivative) shows its mean and size.
    """
    if isinstance(x, Broadcast):
        x = x.local
    if isinstance(x, np.ndarray):
        return f"{number(float(np.mean(x)), fmt)} (mean of {x.size})"
    text = fmt.format(x)
    if "." in text and "e" not in text.lower():
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", ""):
        text = "0"
    return text.replace("-", "−")


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def dot_text(text: str) -> str:
    """``text`` made safe inside a DOT label, quoted ("…") or HTML-like (<…>): ``& < > "`` as
    entities, a backslash as ``&#92;`` (dot reads it as an escape: a label ending in one would
    swallow its closing quote), and a control character shown as ``\x01`` (dot refuses them)."""
    shown = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return escape(shown, quote=True).replace("\\", "&#92;")


def check_format(fmt: str) -> str:
    """``fmt`` itself if it formats a float (as "{:.3f}" does), else a ValueError saying so."""
    if not isinstance(fmt, str):
        raise TypeError(f"fmt must be a format string such as '{{:.3f}}', got {type(fmt).__name__}")
    try:
        shows_number = fmt.format(1.5) != fmt.format(2.5)
    except (ValueError, IndexError, KeyError) as e:
        raise ValueError(
            f"fmt must format one number, such as '{{:.3f}}'; {fmt!r} fails: {e}") from None
    if not shows_number:  # "%.3f" formats without error and would print itself on every node
        raise ValueError(f"fmt must format one number with a {{}} field, such as '{{:.3f}}'; "
                         f"{fmt!r} shows no number")
    return fmt


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


def render(source: str, fmt: str) -> bytes:
    """Run ``dot`` on DOT ``source``, returning the picture in format ``fmt`` ("svg", "png")."""
    try:
        return graphviz.Source(source).pipe(format=fmt, quiet=True)  # its reason is ours to say
    except graphviz.ExecutableNotFound:
        raise DotNotFoundError(
            "Graphviz's 'dot' program is not installed (apt-get install graphviz, or brew install "
            "graphviz); save as .dot to get the source without it") from None
    except subprocess.CalledProcessError as e:
        said = (e.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        reason = said[0][:200] if said else f"exit status {e.returncode}"
        raise DotFailedError(f"Graphviz's 'dot' could not make the {fmt} picture: {reason}"
                             ) from None


def svg_element(svg: str) -> str:
    """The ``<svg>…</svg>`` element of a rendered SVG file, without its XML header and doctype,
    so that it can be inlined in an HTML page."""
    start = svg.find("<svg")
    return re.sub(r"<!--.*?-->\s*", "", svg[start:], flags=re.S) if start >= 0 else svg


class Drawing:
    """A picture as DOT source (``.source``); `save` renders it, Jupyter shows it inline."""

    def __init__(self, source: str) -> None:
        self.source = source

    def svg(self) -> str:
        """The picture as SVG text (runs ``dot``)."""
        return render(self.source, "svg").decode("utf-8")

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the picture to ``path``: SVG, PNG or DOT source, chosen by its suffix."""
        p = Path(path)
        kind = FORMATS.get(p.suffix.lower())
        if kind is None:
            raise ValueError(f"cannot tell the picture format from {p.name!r}: "
                             f"use a name ending in {', '.join(FORMATS)}")
        writable_path(p)
        data = self.source.encode("utf-8") if kind == "dot" else render(self.source, kind)
        p.write_bytes(data)
        return p

    def _repr_svg_(self) -> str:
        return self.svg()

    def __repr__(self) -> str:
        return f"<Drawing: {len(self.source)} characters of DOT in .source>"
