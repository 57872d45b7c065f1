"""The neuron-level diagram of an MLP, as on the lecture's slide: units as numbered circles (inputs
1..n, then each layer's units), each edge labelled with its weight w_ij, each unit with its bias,
net input i_j = Σᵢ w_ij·o_i + b_j, output o_j = f(i_j) and error term δ_j = −∂E/∂i_j; each edge
and bias also its gradient ∂E/∂w once known; each output unit its target t, and the error E.
"""

from __future__ import annotations

import numbers
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .drawing import (
    DEFAULT_DIGITS,
    HOT_CLASS,
    Drawing,
    Layout,
    check_digits,
    dot_text,
    number,
)

DEFAULT_MAX_UNITS = 60
_HOT = "#ffe680"
_GRADIENT = "#b22222"


def _neurons(model: Any) -> list[Any]:
    layers = getattr(model, "layers", None)
    if layers is None or not hasattr(model, "n_in"):
        raise TypeError(f"draw_network needs an MLP (nn.MLP, or a model from nn.load), "
                        f"got {type(model).__name__}")
    return [n for layer in layers for n in layer.neurons]


def _last_pass(neurons: list[Any]) -> tuple[dict[str, dict[str, float]], dict[str, float]]:
    """Net inputs and outputs of each unit's last call, and its error term if backward ran."""
    called = [n for n in neurons if n.net is not None]
    forward = {str(n.unit): {"net": n.net.data, "out": n.out.data} for n in called}
    ran_backward = any(n.net.grad != 0.0 for n in called)
    errors = {str(n.unit): -n.net.grad for n in called} if ran_backward else {}
    return forward, errors


def _in_order(units: Sequence[int]) -> str:
    # invisible edges inside a rank keep the units in number order, top to bottom as on the slide
    chain = " -> ".join(f"u{u}" for u in units)
    return f"\t\t{chain} [style=invis]\n\t}}" if len(units) > 1 else "\t}"


def _targets(target: float | Sequence[float] | None, model: Any) -> list[tuple[str, float]]:
    """(name, value) of each output unit's target: t for one output, t6, t7, … for several."""
    if target is None:
        return []
    outputs = [n.unit for n in model.layers[-1].neurons]
    ts = [target] if isinstance(target, numbers.Real) else list(target)
    if len(ts) != len(outputs) or not all(
            isinstance(t, numbers.Real) and not isinstance(t, bool) for t in ts):
        raise ValueError(f"target must be {len(outputs)} number(s), one per output unit, "
                         f"got {target!r}")
    if len(ts) == 1:
        return [("t", float(ts[0]))]
    return [(f"t{u}", float(t)) for u, t in zip(outputs, ts, strict=True)]


def check_unit_count(units: int, max_units: int) -> None:
    """A ValueError if a network of ``units`` units (inputs included) is too large to draw."""
    if units > max_units:
        raise ValueError(f"this network has {units:,} units, more than max_units={max_units} "
                         "can show readably; raise max_units or draw one layer's worth")


def draw_network(model: Any, *, inputs: Sequence[float] | None = None,
                 target: float | Sequence[float] | None = None, loss: float | None = None,
                 forward: Mapping[str, Mapping[str, float]] | None = None,
                 errors: Mapping[str, float] | None = None,
                 params: Mapping[str, float] | None = None,
                 old: Mapping[str, float] | None = None,
                 gradients: Mapping[str, float] | None = None, highlight: Collection[str] = (),
                 frozen: Collection[str] = (), rankdir: str = "LR", digits: int = DEFAULT_DIGITS,
                 max_units: int = DEFAULT_MAX_UNITS, layout: Layout | None = None,
                 links: bool = False, lr: float | None = None) -> Drawing:
    """The network as on the slide.

    Args:
        model: an `nn.MLP`.
        inputs: the input values x1..xn to show on the input units.
        target: the target t, shown beside the output unit (one per output unit if several).
        loss: the error E over the output units, shown beside the targets.
        forward: unit → {"net": i_j, "out": o_j} (either may be missing); by default the values
            of the model's last call.
        errors: unit → δ_j = −∂E/∂i_j; by default from the last backward pass, if any.
        params: parameter name → value to show instead of the model's current value.
        old: parameter name → value before the update: those edges read "old → new".
        gradients: parameter name → ∂E/∂w, shown under the parameter once known.
        highlight: unit numbers ("4") and parameter names ("w46", "b4") to draw in colour; they
            are what the picture is about, marked ``class="bp-hot"`` in its SVG (a bias marks
            its unit), so that a stepper can bring them into view.
        frozen: parameter names kept out of the update: "(frozen)" beside them, their edges
            dashed.
        rankdir: "LR" (layers left to right) or "TB".
        digits: decimals shown, and at least as many significant figures (`drawing.number`).
        max_units: refuse larger networks (suggesting `draw_graph(..., collapse_neurons=True)`).
        layout: draw every unit and edge where this `Layout` placed them (a stepper's frames).
        links: make each number one may change a link (``#p:w14``, ``#x:1``, ``#t:1``) and each
            unit's number one (``#u:4``), for a page that edits them in place: in the SVG they
            are ``<a>`` elements, reached with Tab and followed with Enter.
        lr: the learning rate η, shown under the error E (a link ``#lr:η`` with links).
    """
    neurons = _neurons(model)
    digits = check_digits(digits)
    _check(model, neurons, inputs, rankdir, max_units)
    last_forward, last_errors = _last_pass(neurons)
    shown = dict(model.state_dict())
    shown.update(params or {})
    style = _Style(shown, old or {}, gradients or {}, set(highlight), set(frozen), digits, layout,
                   links)
    out = _header(rankdir, layout)
    out += _input_units(model.n_in, inputs, style)
    out += _layer_units(model, last_forward if forward is None else forward,
                        last_errors if errors is None else errors, style)
    nodes, edges = _target_and_loss(model, _targets(target, model), loss, style)
    out += nodes
    if lr is not None:  # under the targets and E, in their column
        link = ' href="#lr:η" tooltip="change η"' if links else ""
        out.append(f'\teta [label="η = {number(lr, digits)}" shape=plaintext{link}'
                   f'{style.pin("eta")}]')
        column = [f"target{n.unit}" for n in model.layers[-1].neurons] if target is not None \
            else []
        if column:
            out.append("\t{ rank=same; " + "; ".join([*column, "eta"]) + " }")
    out += _edges(neurons, edges, style)
    return Drawing("\n".join(out) + "\n}\n", fixed=layout is not None)


def _check(model: Any, neurons: list[Any], inputs: Sequence[float] | None, rankdir: str,
           max_units: int) -> None:
    """ValueError/TypeError for a direction, size or inputs draw_network cannot draw."""
    if rankdir not in ("LR", "TB"):
        raise ValueError(f"rankdir must be 'LR' or 'TB', got {rankdir!r}")
    check_unit_count(model.n_in + len(neurons), max_units)
    if inputs is not None:
        if len(inputs) != model.n_in:
            raise ValueError(f"expected {model.n_in} inputs, got {len(inputs)}")
        if not all(isinstance(x, numbers.Real) and not isinstance(x, bool) for x in inputs):
            raise TypeError(f"inputs must be numbers, got {list(inputs)!r}")


@dataclass(frozen=True)
class _Style:
    """What every unit and edge is drawn with: the parameters' values (shown, before the
    update, gradients), what is highlighted, the digits, the layout pinning them."""

    shown: Mapping[str, float]
    old: Mapping[str, float]
    gradients: Mapping[str, float]
    highlight: set[str]
    frozen: set[str]
    digits: int
    layout: Layout | None
    links: bool

    def param(self, name: str) -> str:
        """A parameter's line(s): "w14 = 0.2" or "w14: 0.2 → 0.191" (and "(frozen)" if it
        is), and ∂E/∂w14 once known."""
        shown_name, digits = dot_text(name), self.digits
        if name in self.old:
            text = (f"{shown_name}: {number(self.old[name], digits)} → "
                    f"{number(self.shown[name], digits)}")
        else:
            text = f"{shown_name} = {number(self.shown[name], digits)}"
        if name in self.frozen:
            text += " (frozen)"
        if name in self.gradients:
            text += (f'<BR/><FONT COLOR="{_GRADIENT}">∂E/∂{shown_name} = '
                     f"{number(self.gradients[name], digits)}</FONT>")
        return text

    def pin(self, key: str) -> str:
        return "" if self.layout is None else " " + self.layout.node(key)

    def circle(self, key: str, lines: list[str], bias: str | None = None,
               first: tuple[str, str] | None = None, formulas: bool = True) -> str:
        """Unit ``key`` as a circle: its number over ``lines``; coloured if it (or its bias)
        is highlighted. With links, its number links to ``#u:key`` (if it has ``formulas``)
        and ``lines[0]`` to ``first``'s link (href, name): its bias, or an input unit's x."""
        rows = [f'<FONT POINT-SIZE="18"><B>{key}</B></FONT>'] + lines
        hot = key in self.highlight or bias in self.highlight
        fill = f' style="filled" fillcolor="{_HOT}" class="{HOT_CLASS}"' if hot else ""
        if self.links:  # one cell per line: a cell is what Graphviz can make a link
            hrefs = {0: (f"#u:{key}", f"unit {key}: its formulas")} if formulas else {}
            if first:
                hrefs[1] = (first[0], f"change {first[1]}")
            cells = [f'<TD HREF="{hrefs[k][0]}" TITLE="{dot_text(hrefs[k][1])}">{row}</TD>'
                     if k in hrefs else f"<TD>{row}</TD>" for k, row in enumerate(rows)]
            label = ('<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="0">'
                     + "".join(f"<TR>{cell}</TR>" for cell in cells) + "</TABLE>")
        else:
            label = "<BR/>".join(rows)
        return f'\t\tu{key} [label=<{label}> shape=circle{fill}{self.pin("u" + key)}]'


def _header(rankdir: str, layout: Layout | None) -> list[str]:
    out = [f"digraph network {{\n\trankdir={rankdir}\n\tnodesep=0.4\n\tranksep=1.6",
           '\tnode [fontname="Helvetica" fontsize=11]',
           '\tedge [fontname="Helvetica" fontsize=10]']
    return out if layout is None else [*out, layout.frame()]


def _input_units(n_in: int, inputs: Sequence[float] | None, style: _Style) -> list[str]:
    """The input units 1..n in one column, each with its value x_i if given."""
    out = ["\t{ rank=same"]
    for i in range(1, n_in + 1):
        value = f"x{i} = {number(inputs[i - 1], style.digits)}" if inputs is not None else f"x{i}"
        link = (f"#x:{i}", f"x{i}") if inputs is not None else None
        out.append(style.circle(str(i), [value], first=link, formulas=False))
    return [*out, _in_order(range(1, n_in + 1))]


def _layer_units(model: Any, forward: Mapping[str, Mapping[str, float]],
                 errors: Mapping[str, float], style: _Style) -> list[str]:
    """Each layer's units in a column: bias, activation, i_j and o_j once known, δ_j."""
    out = []
    for layer in model.layers:
        out.append("\t{ rank=same")
        for n in layer.neurons:
            key = str(n.unit)
            values = forward.get(key, {})
            lines = [style.param(n.b.label), dot_text(n.activation)]
            lines += [f"{s}{key} = {number(values[k], style.digits)}"
                      for s, k in (("i", "net"), ("o", "out")) if k in values]
            if key in errors:
                lines.append(f"δ{key} = {number(errors[key], style.digits)}")
            out.append(style.circle(key, lines, n.b.label, first=(f"#p:{n.b.label}", n.b.label)))
        out.append(_in_order(layer.units))
    return out


# (tail, head, id, label, attributes); the id is what a Layout pins the edge by
_Edge = tuple[str, str, str, str, str]


def _target_and_loss(model: Any, targets: list[tuple[str, float]], loss: float | None,
                     style: _Style) -> tuple[list[str], list[_Edge]]:
    """Beside each output unit its target (dashed), and under the targets E (dotted)."""
    units = [n.unit for n in model.layers[-1].neurons]
    nodes, edges = [], []
    for k, (u, (name, t)) in enumerate(zip(units, targets, strict=False), 1):  # none: none drawn
        link = f' href="#t:{k}" tooltip="change {name}"' if style.links else ""
        nodes.append(f'\ttarget{u} [label="{name} = {number(t, style.digits)}" shape=plaintext'
                     f'{link}{style.pin(f"target{u}")}]')
        edges.append((f"u{u}", f"target{u}", f"t{u}", "", " style=dashed arrowhead=none"))
    if targets and loss is not None:
        # E sums over the output units: one E in the targets' column, under them
        nodes.append(f'\tE [label="E = {number(loss, style.digits)}" shape=plaintext'
                     f'{style.pin("E")}]')
        nodes.append("\t{ rank=same; " + "; ".join(f"target{u}" for u in units) + "; E }")
        edges += [(f"target{u}", "E", f"E{u}", "", " style=dotted arrowhead=none")
                  for u in units]
    return nodes, edges


def _edges(neurons: list[Any], extra: list[_Edge], style: _Style) -> list[str]:
    """Every weight's edge, labelled with the weight (red if highlighted, dashed if frozen),
    then ``extra``."""
    hot = f' color="#d62728" penwidth=2 class="{HOT_CLASS}"'

    def look(name: str) -> str:
        link = (f' labelhref="#p:{dot_text(name)}" labeltooltip="change {dot_text(name)}"'
                if style.links else "")
        return ((hot if name in style.highlight else "")
                + (" style=dashed" if name in style.frozen else "") + link)

    edges: list[_Edge] = [
        (f"u{i}", f"u{n.unit}", f"w{i}-{n.unit}", f"<{style.param(w.label)}>", look(w.label))
        for n in neurons for i, w in zip(n.input_units, n.w, strict=True)]
    out = []
    for a, b, id_, label, attributes in [*edges, *extra]:
        where = f'id="{id_}"' if style.layout is None else style.layout.edge(id_)
        out.append(f"\t{a} -> {b} [{where}{f' label={label}' if label else ''}{attributes}]")
    return out
