"""`Table`: a titled grid of cells shown as plain text, Markdown or HTML; the worked example's
three tables (forward pass, error terms, weight updates); and the two evaluation traces."""

from __future__ import annotations

import html
import numbers
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from autograd_core.trace import Trace, row_expression
from lab.stepping import StepRecord

from .drawing import number

Cell = str | int | float


def _width(text: str) -> int:
    # a combining mark (the bar of the adjoint v̄) shares its letter's column
    return sum(not unicodedata.combining(c) for c in text)


def _fit(text: str, width: int, right: bool) -> str:
    pad = " " * (width - _width(text))
    return pad + text if right else text + pad


@dataclass(frozen=True)
class Table:
    """``rows`` of cells under ``headers``; floats show ``digits`` decimals, right-aligned."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Cell]]
    digits: int = 4

    def __post_init__(self) -> None:
        for k, row in enumerate(self.rows):
            if len(row) != len(self.headers):
                raise ValueError(f"row {k} of table {self.title!r} has {len(row)} cells "
                                 f"for {len(self.headers)} columns")

    def _cell(self, x: Cell) -> str:
        if isinstance(x, numbers.Real) and not isinstance(x, bool | int):
            text = f"{x:.{self.digits}f}"
            # -0.0000 would suggest a sign the rounded number no longer has
            return text[1:] if text.startswith("-") and float(text) == 0 else text
        return str(x)

    def _html_cell(self, x: Cell) -> str:
        if isinstance(x, numbers.Real) and not isinstance(x, bool | int):
            return number(x, self.digits)
        return str(x)

    def _numeric(self) -> list[bool]:
        return [bool(self.rows) and all(isinstance(r[c], numbers.Real) for r in self.rows)
                for c in range(len(self.headers))]

    def to_text(self) -> str:
        """Fixed-width columns under a title, numbers right-aligned."""
        cells = [list(self.headers)] + [[self._cell(x) for x in r] for r in self.rows]
        widths = [max(_width(r[c]) for r in cells) for c in range(len(self.headers))]
        numeric = self._numeric()

        def line(row: list[str]) -> str:
            return "  ".join(_fit(x, w, num)
                             for x, w, num in zip(row, widths, numeric, strict=True)).rstrip()

        rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
        return "\n".join([self.title, line(cells[0]), rule] + [line(r) for r in cells[1:]])

    def to_markdown(self) -> str:
        """A GitHub-flavoured Markdown table under a bold title."""
        align = ["---:" if num else "---" for num in self._numeric()]
        rows = [list(self.headers), align] + [[self._cell(x) for x in r] for r in self.rows]
        return "\n".join([f"**{self.title}**", ""] + ["| " + " | ".join(r) + " |" for r in rows])

    def to_html(self, row_frames: Sequence[int] | None = None,
                row_keys: Sequence[str] | None = None) -> str:
        """An HTML ``<table>`` with the title as its caption, every cell escaped, numbers as the
        pictures show them (`drawing.number`). ``row_frames`` gives each row the number of the
        stepper frame that computes it (``data-frame``): the stepper reveals the row there;
        ``row_keys`` each row what it is about (``data-key``, e.g. a parameter's name)."""
        for given, what in ((row_frames, "frame numbers"), (row_keys, "keys")):
            if given is not None and len(given) != len(self.rows):
                raise ValueError(f"{len(given)} row {what} given for the {len(self.rows)} rows "
                                 f"of table {self.title!r}")

        def tr(cells: Sequence[str], tag: str, frame: int | None = None,
               key: str | None = None) -> str:
            attr = "" if frame is None else f' data-frame="{frame}"'
            attr += "" if key is None else f' data-key="{html.escape(key)}"'
            return (f"<tr{attr}>" + "".join(f"<{tag}>{html.escape(c)}</{tag}>" for c in cells)
                    + "</tr>")

        none = [None] * len(self.rows)
        body = "".join(tr([self._html_cell(x) for x in r], "td", k, key)
                       for r, k, key in zip(self.rows, row_frames or none, row_keys or none,
                                            strict=True))
        return (f"<table><caption>{html.escape(self.title)}</caption>"
                f"<thead>{tr(self.headers, 'th')}</thead><tbody>{body}</tbody></table>")

    def _repr_html_(self) -> str:
        return self.to_html()

    def __str__(self) -> str:
        return self.to_text()


def worked_example_tables(step: StepRecord, digits: int = 4) -> list[Table]:
    """Forward (unit, net input i_j, output o_j), errors (unit, −∂E/∂i_j) and updates
    (parameter, old, ∂E/∂w, step −lr·∂E/∂w, new) of one update of the worked example or of any
    spec (`lab.step`); a per-epoch update lists each example's rows and sums the gradients.
    Numbers show ``digits`` decimals."""
    loss = f"{step.loss_name} loss, lr {step.lr:g}"
    each = step.example is None
    lead = ["example"] if each else []

    def rows(p, cells):
        return [[p.example, *c] for c in cells] if each else cells

    total = sum(p.loss for p in step.passes)
    losses = " + ".join(number(p.loss, digits) for p in step.passes)
    title = (f"E = {losses} = {number(total, digits)}" if each and len(step.passes) > 1
             else f"E = {number(total, digits)}")
    forward = Table(f"Forward pass ({title})", [*lead, "unit", "net input", "output"],
                    [r for p in step.passes for r in rows(
                        p, [[unit, v["net"], v["out"]] for unit, v in p.forward.items()])],
                    digits)
    errors = Table(f"Error terms −∂E/∂net ({loss})", [*lead, "unit", "error"],
                   [r for p in step.passes for r in rows(
                       p, [[unit, e] for unit, e in p.errors.items()])], digits)
    summed = ", gradients summed over the examples" if each else ""
    updates = Table(f"Updates w ← w − lr·∂E/∂w ({loss}{summed})",
                    ["parameter", "old", "gradient", "step", "new"],
                    [[name + (" (frozen)" if name in step.frozen else ""), step.old[name], g,
                      step.steps[name], step.updated[name]]
                     for name, g in step.gradients.items()], digits)
    return [forward, errors, updates]


def parameter_table(values: Mapping[str, float], title: str = "Final parameters") -> Table:
    """One row per parameter: its name and value."""
    return Table(title, ["parameter", "value"], [[name, x] for name, x in values.items()])


def trace_tables(t: Trace) -> list[Table]:
    """The primal trace (vᵢ = expression = value) and the adjoint trace (v̄ᵢ = v̄ⱼ · ∂vⱼ/∂vᵢ =
    the symbolic local derivative = value) of `autograd_core.trace`, as the survey prints them."""
    return [Table(title, ["variable", "expression", "value"],
                  [[r["var"], row_expression(r), r["value"]] for r in rows],
                  digits=t.digits)
            for title, rows in (("Forward primal trace", t.primal),
                                ("Reverse adjoint trace", t.adjoint))]
