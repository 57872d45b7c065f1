"""The neuron-level diagram of an MLP, as on the lecture's slide: units as numbered circles (inputs
1..n, then each layer's units), each edge labelled with its weight w_ij, each unit with its bias,
net input i_j = Σᵢ w_ij·o_i + b_j, output o_j = f(i_j) and error term δ_j = −∂E/∂i_j; each edge
and bias also its gradient ∂E/∂w once known; each output unit its target t, and the error E.
"""

from __future__ import annotations

import numbers
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from .drawing import DEFAULT_DIGITS, Drawing, Layout, check_digits, dot_text, number

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
                 rankdir: str = "LR", digits: int = DEFAULT_DIGITS,
                 max_units: int = DEFAULT_MAX_UNITS, layout: Layout | None = None) -> Drawing:
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
        highlight: unit numbers ("4") and parameter names ("w46") to draw in colour.
        rankdir: "LR" (layers left to right) or "TB".
        digits: decimals shown, and at least as many significant figures (`drawing.number`).
        max_units: refuse larger networks (suggesting `draw_graph(..., collapse_neurons=True)`).
        layout: draw every unit and edge where this `Layout` placed them (a stepper's frames).
    """
    neurons = _neurons(model)
    digits = check_digits(digits)
    if rankdir not in ("LR", "TB"):
        raise ValueError(f"rankdir must be 'LR' or 'TB', got {rankdir!r}")
    check_unit_count(model.n_in + len(neurons), max_units)
    if inputs is not None:
        if len(inputs) != model.n_in:
            raise ValueError(f"expected {model.n_in} inputs, got {len(inputs)}")
        if not all(isinstance(x, numbers.Real) and not isinstance(x, bool) for x in inputs):
            raise TypeError(f"inputs must be numbers, got {list(inputs)!r}")
    last_forward, last_errors = _last_pass(neurons)
    forward = last_forward if forward is None else forward
    errors = last_errors if errors is None else errors
    shown = dict(model.state_dict())
    shown.update(params or {})
    old, gradients = old or {}, gradients or {}
    last = model.layers[-1].neurons
    targets = _targets(target, model)

    def param(name: str) -> str:
        shown_name = dot_text(name)
        if name in old:
            text = f"{shown_name}: {number(old[name], digits)} → {number(shown[name], digits)}"
        else:
            text = f"{shown_name} = {number(shown[name], digits)}"
        if name in gradients:
            text += (f'<BR/><FONT COLOR="{_GRADIENT}">∂E/∂{shown_name} = '
                     f"{number(gradients[name], digits)}</FONT>")
        return text

    def pin(key: str) -> str:
        return "" if layout is None else " " + layout.node(key)

    def fill(key: str) -> str:
        return f' style="filled" fillcolor="{_HOT}"' if key in highlight else ""

    def circle(key: str, lines: list[str]) -> str:
        rows = [f'<FONT POINT-SIZE="18"><B>{key}</B></FONT>'] + lines
        return f'\tu{key} [label=<{"<BR/>".join(rows)}> shape=circle{fill(key)}{pin("u" + key)}]'

    out = [f"digraph network {{\n\trankdir={rankdir}\n\tnodesep=0.4\n\tranksep=1.6",
           '\tnode [fontname="Helvetica" fontsize=11]',
           '\tedge [fontname="Helvetica" fontsize=10]']
    if layout is not None:
        out.append(layout.frame())
    out.append("\t{ rank=same")
    for i in range(1, model.n_in + 1):
        value = [f"x{i} = {number(inputs[i - 1], digits)}"] if inputs is not None else [f"x{i}"]
        out.append("\t" + circle(str(i), value))
    out.append(_in_order(range(1, model.n_in + 1)))
    for layer in model.layers:
        out.append("\t{ rank=same")
        for n in layer.neurons:
            key = str(n.unit)
            values = forward.get(key, {})
            lines = [param(n.b.label), dot_text(n.activation)]
            lines += [f"{s}{key} = {number(values[k], digits)}"
                      for s, k in (("i", "net"), ("o", "out")) if k in values]
            if key in errors:
                lines.append(f"δ{key} = {number(errors[key], digits)}")
            out.append("\t" + circle(key, lines))
        out.append(_in_order(layer.units))
    # (tail, head, id, label, style); the id is what a Layout pins the edge by
    edges = [(f"u{i}", f"u{n.unit}", f"w{i}-{n.unit}", f"<{param(w.label)}>",
              ' color="#d62728" penwidth=2' if w.label in highlight else "")
             for n in neurons for i, w in zip(n.input_units, n.w, strict=True)]
    units = [n.unit for n in last]
    for u, (name, t) in zip(units, targets, strict=False):  # no targets: none drawn
        out.append(f'\ttarget{u} [label="{name} = {number(t, digits)}" shape=plaintext'
                   f'{pin(f"target{u}")}]')
        edges.append((f"u{u}", f"target{u}", f"t{u}", "", " style=dashed arrowhead=none"))
    if targets and loss is not None:
        # E sums over the output units: one E in the targets' column, under them
        out.append(f'\tE [label="E = {number(loss, digits)}" shape=plaintext{pin("E")}]')
        out.append("\t{ rank=same; " + "; ".join(f"target{u}" for u in units) + "; E }")
        edges += [(f"target{u}", "E", f"E{u}", "", " style=dotted arrowhead=none") for u in units]
    for a, b, id_, label, style in edges:
        where = f'id="{id_}"' if layout is None else layout.edge(id_)
        out.append(f"\t{a} -> {b} [{where}{f' label={label}' if label else ''}{style}]")
    return Drawing("\n".join(out) + "\n}\n", fixed=layout is not None)
