"""Backpropagation step by step: numbered frames, each a picture and one sentence.

For any Value graph: the forward pass node by node (vⱼ = op(parents) = … = value), then the
backward pass in reverse topological order as `autograd_core.backward_walk` performs it
(∂y/∂v = Σ_c ∂y/∂c · ∂c/∂v). For the worked example: the units' net inputs and outputs, the loss,
the error terms δ_j = −∂E/∂i_j, every gradient ∂E/∂w = ∂E/∂o_j · ∂o_j/∂i_j · ∂i_j/∂w, and the
update w ← w − η·∂E/∂w of every parameter.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from autograd_core import RULES, Value, topological_order, trace
from autograd_core.trace import BAR, render_rule_text  # the rule table's own templates
from nn._checks import learning_rate
from nn.examples import WORKED_INPUTS, WORKED_TARGET, WorkedExampleStep

from .drawing import DEFAULT_DIGITS, Drawing, Layout, check_digits, exact, number, writable_path
from .graph import GraphPicture, GraphTooLargeError
from .network import draw_network
from .tables import trace_tables, worked_example_tables

DEFAULT_MAX_NODES = 100
_LOSS_FORMULAS = {"squared": "(t − o{k})²", "half-squared": "½(t − o{k})²"}


@dataclass(frozen=True)
class Frame:
    """One step: its number (from 1), the phase ("forward", "backward", "update"), one sentence
    saying what happens, and the picture of the state after it."""

    number: int
    phase: str
    text: str
    picture: Drawing


@dataclass
class Steps(Sequence[Frame]):
    """Numbered frames; in Jupyter a slider with previous/next buttons. ``tables`` are HTML
    fragments shown beside the frames by `to_html`."""

    frames: list[Frame]
    title: str = "Backpropagation, step by step"
    tables: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.frames)

    def __getitem__(self, i: Any) -> Any:
        return self.frames[i]

    def __iter__(self) -> Iterator[Frame]:
        return iter(self.frames)

    def svgs(self) -> list[str]:
        """Every frame's picture as SVG text (runs ``dot`` once per frame)."""
        return [frame.picture.svg() for frame in self.frames]

    def save_frames(self, folder: str | os.PathLike[str], fmt: str = "svg") -> list[Path]:
        """Write frame-001.svg, frame-002.svg, … (or .png, .dot) into ``folder`` (created if its
        parent exists), and frames.txt with one numbered sentence per line."""
        if fmt not in ("svg", "png", "dot"):
            raise ValueError(f"frames can be saved as svg, png or dot, not {fmt!r}")
        out = Path(folder)
        if out.exists() and not out.is_dir():
            raise NotADirectoryError(f"cannot write frames into {out}: it is a file, not a folder")
        if not out.is_dir():
            writable_path(out).mkdir()
        width = len(str(len(self.frames)))
        paths = [f.picture.save(out / f"frame-{f.number:0{max(3, width)}d}.{fmt}")
                 for f in self.frames]
        (out / "frames.txt").write_text(
            "".join(f"{f.number}. [{f.phase}] {f.text}\n" for f in self.frames), encoding="utf-8")
        return paths

    def to_html(self) -> str:
        """One self-contained HTML page: the frames with next/previous buttons, arrow keys, a
        frame counter, and the tables beside."""
        from .stepper_html import page
        return page(self)

    def _repr_html_(self) -> str:
        from .stepper_html import widget
        return widget(self, keys=False)


def _values(template: Any, values: Sequence[float], params: tuple[float, ...],
            digits: int) -> str:
    shown = [_paren(x, digits) for x in values]
    text = render_rule_text(template, shown, params)
    # a negative number that is already a function's argument needs no second pair of brackets
    return re.sub(r"\(\((−[^()]*)\)\)", r"(\1)", text)


def steps(subject: Value | WorkedExampleStep, *, digits: int = DEFAULT_DIGITS,
          rankdir: str = "LR", max_nodes: int = DEFAULT_MAX_NODES,
          lr: float | None = None) -> Steps:
    """The frames of a forward and backward pass (a Value: this runs its backward pass after
    resetting the adjoints of its graph, as `autograd_core.trace` does), or of the worked
    example's forward pass, backward pass and update (a `nn.examples.worked_example_step()`).

    Args:
        subject: the Value y, or the worked example's step.
        digits: decimals shown, and at least as many significant figures, everywhere on the
            frames and the tables beside them (`drawing.number`).
        rankdir: "LR" (left to right) or "TB" (top to bottom).
        max_nodes: refuse a Value graph with more nodes (each makes a forward and a backward
            frame).
        lr: for a Value, also one update frame per input, x ← x − η·∂y/∂x with η = lr (the
            inputs themselves are not changed). The worked example's step has its own η.
    """
    digits = check_digits(digits)
    if isinstance(subject, WorkedExampleStep):
        if lr is not None:
            raise ValueError("the worked example's step has its own learning rate: give it to "
                             "worked_example_step(lr=...)")
        return _worked_steps(subject, digits, rankdir)
    if isinstance(subject, Value):
        lr = None if lr is None else learning_rate(lr, "lr")
        return _graph_steps(subject, digits, rankdir, max_nodes, lr)
    raise TypeError("steps needs a Value (the output of a computation) or the worked example's "
                    f"step (nn.examples.worked_example_step()), got {type(subject).__name__}")


def _graph_steps(output: Value, digits: int, rankdir: str, max_nodes: int,
                 lr: float | None) -> Steps:
    """Frames that follow the evaluation trace row by row, so that frame and table row agree:
    the inputs, each vᵢ of the primal trace, then each row of the adjoint trace, one
    contribution v̄ₚ = v̄ₚ + v̄ᵢ · ∂vᵢ/∂vₚ per edge, as reverse-mode accumulation adds it."""
    try:
        pic = GraphPicture(output, rankdir=rankdir, digits=digits, max_nodes=max_nodes)
    except GraphTooLargeError:
        # the drawing's advice (collapse_neurons) does not apply: a frame per node is the point
        raise GraphTooLargeError(
            "steps makes a forward and a backward frame per node; this graph has more than "
            f"max_nodes={max_nodes} nodes (or too many edges to draw); step through a part of it "
            "(a Value nearer the inputs) or raise max_nodes") from None
    tr = trace(output, digits=digits)  # resets the adjoints and runs the backward pass
    short = pic.short
    node = {name: v for v, name in short.items()}
    leaves = [node[r["var"]] for r in tr.primal if r["var"] in node and not node[r["var"]].parents]
    layout = Layout(pic.dot("both"))  # every value, adjoint and local derivative shown
    frames: list[Frame] = []

    def add(phase: str, text: str, mode: str, **state: Any) -> int:
        frames.append(Frame(len(frames) + 1, phase, text,
                            pic.drawing(mode, layout=layout, **state)))
        return len(frames)

    known = {v for v in pic.order if not v.parents}
    primal_frames = [add("forward", "Inputs: " + ", ".join(
        f"{pic.names[v]} = {number(v.data, digits)}" for v in leaves) + ".", "forward",
        values=set(known), highlight=leaves)] * len(leaves)
    for v in (node[r["var"]] for r in tr.primal[len(leaves):-1]):
        rule = RULES[v.op].expr
        symbolic = render_rule_text(rule, [short.get(p) or exact(p.data) for p in v.parents],
                                    v.params)
        known.add(v)
        numeric = _values(rule, [p.data for p in v.parents], v.params, digits)
        numeric = _values(rule, [p.data for p in v.parents], v.params, digits)
        primal_frames.append(add(
            "forward", f"{short[v]} = {symbolic} = {numeric} = {number(v.data, digits)}",
            "forward", values=set(known), highlight={v}, hot_edges={(p, v) for p in v.parents}))
    primal_frames.append(primal_frames[-1])  # the row y = vₗ names the last one computed

    adjoint: dict[Value, float] = {output: 1.0}
    first = tr.adjoint[0]
    adjoint_frames = [add("backward", f"{first['var']} = ∂y/∂y = 1: reverse mode starts from "
                          "the output", "both", grads=dict(adjoint), highlight={output})]
    for row in tr.adjoint[1:]:
        p, child = node[row["var"].replace(BAR, "")], node[row["from"]]
        child_adjoint = _paren(adjoint[child], digits)
        numbers_ = f"{child_adjoint} × {_paren(row['local'], digits)}"
        if p in adjoint:  # accumulation: this parent already received from another child
            numbers_ = f"{number(adjoint[p], digits)} + {numbers_}"
        adjoint[p] = row["value"]
        adjoint_frames.append(add(
            "backward", f"{row['var']} = {row['expr']} = {row['symbolic']} = {numbers_} = "
            f"{number(row['value'], digits)}", "both", grads=dict(adjoint), highlight={p},
            hot_edges={(p, child)}))
    add("backward", "Gradient: " + ", ".join(
        f"∂y/∂{tr.primal[k]['expr']} = v{BAR}{short[v][1:]} = {number(v.grad, digits)}"
        for k, v in enumerate(leaves)) + ".", "both")
    if lr is not None:
        for k, v in enumerate(leaves):
            x = tr.primal[k]["expr"]
            add("update", f"{x} ← {x} − η·∂y/∂{x} = {number(v.data, digits)} − {number(lr, digits)}"
                f" · {_paren(v.grad, digits)} = {number(v.data - lr * v.grad, digits)}", "both",
                highlight={v})
    primal_table, adjoint_table = trace_tables(tr)
    return Steps(frames, title=f"Forward and backward pass of {pic.names[output]}, step by step",
                 tables=[primal_table.to_html(primal_frames),
                         adjoint_table.to_html(adjoint_frames)])


def _paren(x: float, digits: int) -> str:
    return f"({number(x, digits)})" if x < 0 else number(x, digits)


def _worked_steps(step: WorkedExampleStep, digits: int, rankdir: str) -> Steps:
    model, old, fwd, errors = step.model, step.old, step.forward, step.errors
    node = {v.label: v for v in topological_order(step.graph) if v.label}
    neurons = [n for layer in model.layers for n in layer.neurons]
    frames: list[Frame] = []
    forward: dict[str, dict[str, float]] = {}
    deltas: dict[str, float] = {}
    # laid out once in its widest state: every number known, every edge old → new
    layout = Layout(draw_network(model, inputs=WORKED_INPUTS, target=WORKED_TARGET, loss=step.loss,
                                 forward=fwd, errors=errors, old=old, gradients=step.gradients,
                                 rankdir=rankdir, digits=digits).source)

    def add(phase: str, text: str, highlight: set[str], params: Mapping[str, float] | None = None,
            before: Mapping[str, float] | None = None) -> None:
        picture = draw_network(model, inputs=WORKED_INPUTS, target=WORKED_TARGET,
                               forward={k: dict(v) for k, v in forward.items()},
                               errors=dict(deltas), params=old if params is None else params,
                               old=before, highlight=highlight, rankdir=rankdir, digits=digits,
                               layout=layout)
        frames.append(Frame(len(frames) + 1, phase, text, picture))

    xs = ", ".join(f"x{i} = {number(x, digits)}" for i, x in enumerate(WORKED_INPUTS, 1))
    add("forward", f"Inputs {xs} enter units 1–{len(WORKED_INPUTS)}; the target is "
        f"t = {number(WORKED_TARGET, digits)}.", {str(i) for i in range(1, len(WORKED_INPUTS) + 1)})

    def source(i: int) -> tuple[str, float]:
        """The name and value of what unit i sends on: input x_i or output o_i."""
        if i <= len(WORKED_INPUTS):
            return f"x{i}", WORKED_INPUTS[i - 1]
        return f"o{i}", fwd[str(i)]["out"]

    for n in neurons:
        j = str(n.unit)
        ins = [source(i) for i in n.input_units]
        names = [w.label for w in n.w]
        symbolic = " + ".join(f"{w}·{x}" for w, (x, _) in zip(names, ins, strict=True))
        numeric = " + ".join(f"{_paren(old[w], digits)}·{_paren(x, digits)}"
                             for w, (_, x) in zip(names, ins, strict=True))
        forward[j] = {"net": fwd[j]["net"]}
        add("forward", f"i{j} = {symbolic} + b{j} = {numeric} + {_paren(old[n.b.label], digits)} = "
            f"{number(fwd[j]['net'], digits)}", {j, *names, n.b.label})
        o = node[f"o{j}"]
        forward[j]["out"] = fwd[j]["out"]
        act = (f"{render_rule_text(RULES[o.op].expr, [f'i{j}'], o.params)} = "
               f"{_values(RULES[o.op].expr, [fwd[j]['net']], o.params, digits)}" if o.op != "linear"
               else f"i{j}")
        add("forward", f"o{j} = {act} = {number(fwd[j]['out'], digits)}", {j})

    k = str(neurons[-1].unit)
    t = number(WORKED_TARGET, digits)
    formula = _LOSS_FORMULAS[step.loss_name].format(k=k)
    numeric = formula.replace("t", t).replace(f"o{k}", _paren(fwd[k]["out"], digits))
    add("forward", f"E = {formula} = {numeric} = {number(step.loss, digits)}", {k})

    consumers = {i: [(n, w) for n in neurons for i2, w in zip(n.input_units, n.w, strict=True)
                     if i2 == i] for i in range(1, neurons[-1].unit + 1)}
    for n in reversed(neurons):
        j = str(n.unit)
        o = node[f"o{j}"]
        slope = o.local_grads[0] if o.parents and o.op != "linear" else 1.0
        deltas[j] = errors[j]
        if not consumers[n.unit]:
            text = (f"δ{j} = −∂E/∂i{j} = −∂E/∂o{j} · ∂o{j}/∂i{j} = −{_paren(o.grad, digits)} · "
                    f"{_paren(slope, digits)} = {number(errors[j], digits)}")
        else:
            sums = " + ".join(f"{w.label}·δ{c.unit}" for c, w in consumers[n.unit])
            vals = " + ".join(
                f"{_paren(old[w.label], digits)}·{_paren(errors[str(c.unit)], digits)}"
                for c, w in consumers[n.unit])
            text = (f"δ{j} = −∂E/∂i{j} = ∂o{j}/∂i{j} · ({sums}) = {_paren(slope, digits)} · "
                    f"({vals}) = {number(errors[j], digits)}")
        add("backward", text, {j})
        for w, (x, xv) in [*zip([w.label for w in n.w], [source(i) for i in n.input_units],
                                strict=True), (n.b.label, ("1", 1.0))]:
            local = f"∂i{j}/∂{w}"
            add("backward", f"∂E/∂{w} = ∂E/∂o{j} · ∂o{j}/∂i{j} · {local} = "
                f"{_paren(o.grad, digits)} · {_paren(slope, digits)} · {_paren(xv, digits)} = "
                f"{number(step.gradients[w], digits)}"
                + (f"  ({local} = {x})" if x != "1" else ""), {j, w})

    done: dict[str, float] = {}
    for name in (p for n in reversed(neurons) for p in [*(w.label for w in n.w), n.b.label]):
        done[name] = old[name]
        add("update", f"{name} ← {name} − η·∂E/∂{name} = {number(old[name], digits)} − "
            f"{number(step.lr, digits)} · {_paren(step.gradients[name], digits)} = "
            f"{number(step.updated[name], digits)}", {name},
            params={p: v for p, v in old.items() if p not in done}, before=dict(done))
    add("update", "After one step of gradient descent (η = "
        f"{number(step.lr, digits)}), every weight and bias reads old → new.", set(),
        params={}, before=old)
    return Steps(frames, title="The worked example: forward pass, backward pass, update",
                 tables=[t.to_html() for t in worked_example_tables(step)])
