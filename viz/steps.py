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
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from autograd_core import (
    RULES,
    Constant,
    Value,
    backward_walk,
    by_depth,
    topological_order,
    trace,
    zero_grad,
)
from autograd_core.trace import render_rule_text  # the rule table's own templates
from nn._checks import learning_rate
from nn.stepping import StepRecord, StepRun

from .drawing import Drawing, check_format, number, writable_path
from .graph import GraphPicture, GraphTooLargeError
from .network import draw_network
from .tables import trace_tables, worked_example_tables

DEFAULT_MAX_NODES = 100
_LOSS_FORMULAS = ("squared", "half-squared", "mse")  # written out as Σₖ (tₖ − oₖ)²


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


def _values(template: Any, values: Sequence[float], params: tuple[float, ...], fmt: str) -> str:
    shown = [f"({number(x, fmt)})" if x < 0 else number(x, fmt) for x in values]
    text = render_rule_text(template, shown, params)
    # a negative number that is already a function's argument needs no second pair of brackets
    return re.sub(r"\(\((−[^()]*)\)\)", r"(\1)", text)


def steps(subject: Value | StepRecord | StepRun, *, fmt: str = "{:.3g}", rankdir: str = "LR",
          max_nodes: int = DEFAULT_MAX_NODES, lr: float | None = None) -> Steps:
    """The frames of a forward and backward pass (a Value: this runs its backward pass after
    resetting the adjoints of its graph, as `autograd_core.trace` does), or of a network's
    forward passes, backward passes and updates: one update (a `nn.StepRecord`, such as
    `nn.examples.worked_example_step()`) or every update of a spec (`nn.step(spec)`).

    Args:
        subject: the Value y, one update's record, or a spec's run of updates.
        fmt: how numbers are shown in the sentences and pictures, e.g. "{:.3g}".
        rankdir: "LR" (left to right) or "TB" (top to bottom).
        max_nodes: refuse a Value graph with more nodes (each makes a forward and a backward
            frame).
        lr: for a Value, also one update frame per input, x ← x − η·∂y/∂x with η = lr (the
            inputs themselves are not changed). A network's updates have their own η.
    """
    fmt = check_format(fmt)
    if isinstance(subject, StepRecord | StepRun):
        if lr is not None:
            raise ValueError("a network's updates have their own learning rate: set lr in its "
                             "spec (or give it to worked_example_step(lr=...))")
        if isinstance(subject, StepRecord):
            return _run_steps([subject], fmt, rankdir,
                              "The worked example: forward pass, backward pass, update")
        title = subject.spec.title or "A network, step by step"
        return _run_steps(list(subject), fmt, rankdir,
                          f"{title}: forward passes, backward passes, updates")
    if isinstance(subject, Value):
        lr = None if lr is None else learning_rate(lr, "lr")
        return _graph_steps(subject, fmt, rankdir, max_nodes, lr)
    raise TypeError("steps needs a Value (the output of a computation), a network's update "
                    "(nn.examples.worked_example_step()) or a spec's updates (nn.step(spec)), "
                    f"got {type(subject).__name__}")


def _graph_steps(output: Value, fmt: str, rankdir: str, max_nodes: int,
                 lr: float | None) -> Steps:
    try:
        pic = GraphPicture(output, rankdir=rankdir, fmt=fmt, max_nodes=max_nodes)
    except GraphTooLargeError:
        # the drawing's advice (collapse_neurons) does not apply: a frame per node is the point
        raise GraphTooLargeError(
            "steps makes a forward and a backward frame per node; this graph has more than "
            f"max_nodes={max_nodes} nodes (or too many edges to draw); step through a part of it "
            "(a Value nearer the inputs) or raise max_nodes") from None
    # in the trace's order (by depth), so frame k and row k of the trace tables beside agree
    names, order = pic.names, by_depth(pic.order)
    frames: list[Frame] = []

    def add(phase: str, text: str, dot: str) -> None:
        frames.append(Frame(len(frames) + 1, phase, text, Drawing(dot)))

    leaves = [v for v in order if not v.parents and not isinstance(v, Constant)]
    known = set(v for v in order if not v.parents)
    add("forward", "Inputs: " + ", ".join(f"{names[v]} = {number(v.data, fmt)}" for v in leaves)
        + ".", pic.dot("forward", values=known, highlight=leaves))
    for v in order:
        if not v.parents:
            continue
        rule = RULES[v.op].expr
        symbolic = render_rule_text(rule, [names[p] for p in v.parents], v.params)
        numeric = _values(rule, [p.data for p in v.parents], v.params, fmt)
        known.add(v)
        add("forward", f"{names[v]} = {symbolic} = {numeric} = {number(v.data, fmt)}",
            pic.dot("forward", values=known, highlight={v},
                    hot_edges={(p, v) for p in v.parents}))

    uses: dict[Value, list[tuple[Value, float]]] = {v: [] for v in order}
    for p, v, local in pic.edges:
        uses[p].append((v, local))
    y = names[output]
    zero_grad(order)
    final: dict[Value, float] = {}
    for v in backward_walk(output, order=order):
        if isinstance(v, Constant):
            continue
        final[v] = v.grad
        if v is output:
            text = f"∂{y}/∂{y} = 1: reverse mode starts from the output"
        else:
            terms = [f"∂{y}/∂{names[c]} · ∂{names[c]}/∂{names[v]}" for c, _ in uses[v]]
            numbers_ = [f"{_paren(final[c], fmt)} · {_paren(local, fmt)}" for c, local in uses[v]]
            text = (f"∂{y}/∂{names[v]} = {' + '.join(terms)} = {' + '.join(numbers_)} = "
                    f"{number(v.grad, fmt)}")
        add("backward", text, pic.dot("both", grads=final, highlight={v},
                                      hot_edges={(v, c) for c, _ in uses[v]}))
    add("backward", "Gradient: " + ", ".join(
        f"∂{y}/∂{names[v]} = {number(v.grad, fmt)}" for v in leaves) + ".", pic.dot("both"))
    if lr is not None:
        for v in leaves:
            x = names[v]
            add("update", f"{x} ← {x} − η·∂{y}/∂{x} = {number(v.data, fmt)} − {number(lr, fmt)} · "
                f"{_paren(v.grad, fmt)} = {number(v.data - lr * v.grad, fmt)}",
                pic.dot("both", highlight={v}))
    return Steps(frames, title=f"Forward and backward pass of {y}, step by step",
                 tables=[t.to_html() for t in trace_tables(trace(output))])


def _paren(x: float, fmt: str) -> str:
    return f"({number(x, fmt)})" if x < 0 else number(x, fmt)


def _squared_terms(outputs: Sequence[str], t: Sequence[float], o: Mapping[str, float],
                   fmt: str) -> tuple[str, str]:
    """Σₖ (tₖ − oₖ)² written out, symbolically and with the numbers; one output's t has no k."""
    one = len(outputs) == 1
    symbolic = " + ".join(f"(t{'' if one else k} − o{k})²" for k in outputs)
    numeric = " + ".join(f"({number(tk, fmt)} − {_paren(o[k], fmt)})²"
                         for k, tk in zip(outputs, t, strict=True))
    return symbolic, numeric


def _loss_text(loss: str, outputs: Sequence[str], t: Sequence[float],
               o: Mapping[str, float], fmt: str) -> str:
    """E's formula with the numbers filled in, for the squared losses; the others by name."""
    if loss in _LOSS_FORMULAS:
        symbolic, numeric = _squared_terms(outputs, t, o, fmt)
        lead = {"half-squared": "½", "mse": f"(1/{len(outputs)})·" if len(outputs) > 1 else ""
                }.get(loss, "")
        if len(outputs) > 1:
            symbolic, numeric = f"({symbolic})", f"({numeric})"
        return f"{lead}{symbolic} = {lead}{numeric}"
    os_ = ", ".join(f"o{k}" for k in outputs)
    return f"{loss}(t, ({os_})) with t = ({', '.join(number(x, fmt) for x in t)})"


def _record_frames(record: StepRecord, fmt: str, rankdir: str, frames: list[Frame],
                   prefix: str) -> None:
    """Append the frames of one update: each of its passes forward and backward, then the
    update of every parameter."""
    model, old = record.model, record.old
    neurons = [n for layer in model.layers for n in layer.neurons]
    outputs = [str(n.unit) for n in model.layers[-1].neurons]
    n_in = model.n_in
    shown_grads: dict[str, float] = {}
    state: dict[str, Any] = {}

    def add(phase: str, text: str, highlight: set[str], params: Mapping[str, float] | None = None,
            before: Mapping[str, float] | None = None) -> None:
        picture = draw_network(model, inputs=state["x"], target=state["t"],
                               forward={k: dict(v) for k, v in state["forward"].items()},
                               errors=dict(state["deltas"]),
                               params=old if params is None else params,
                               old=before, highlight=highlight, rankdir=rankdir, fmt=fmt)
        frames.append(Frame(len(frames) + 1, phase, prefix + text, picture))

    for p in record.passes:
        node = {v.label: v for v in topological_order(p.graph) if v.label}
        fwd, errors = p.forward, p.errors
        state.update(x=p.x, t=p.t, forward={}, deltas={})
        forward, deltas = state["forward"], state["deltas"]
        xs = ", ".join(f"x{i} = {number(x, fmt)}" for i, x in enumerate(p.x, 1))
        ts = (f"the target is t = {number(p.t[0], fmt)}" if len(p.t) == 1 else
              "the targets are " + ", ".join(f"t{k} = {number(x, fmt)}"
                                              for k, x in zip(outputs, p.t, strict=True)))
        each = f"Example {p.example}: inputs" if record.example is None else "Inputs"
        add("forward", f"{each} {xs} enter units 1–{n_in}; {ts}.",
            {str(i) for i in range(1, n_in + 1)})

        def source(i: int, p=p) -> tuple[str, float]:
            """The name and value of what unit i sends on: input x_i or output o_i."""
            if i <= n_in:
                return f"x{i}", p.x[i - 1]
            return f"o{i}", p.forward[str(i)]["out"]

        for n in neurons:
            j = str(n.unit)
            ins = [source(i) for i in n.input_units]
            names = [w.label for w in n.w]
            symbolic = " + ".join(f"{w}·{x}" for w, (x, _) in zip(names, ins, strict=True))
            numeric = " + ".join(f"{_paren(old[w], fmt)}·{_paren(x, fmt)}"
                                 for w, (_, x) in zip(names, ins, strict=True))
            forward[j] = {"net": fwd[j]["net"]}
            add("forward", f"i{j} = {symbolic} + {n.b.label} = {numeric} + "
                f"{_paren(old[n.b.label], fmt)} = {number(fwd[j]['net'], fmt)}",
                {j, *names, n.b.label})
            o = node[f"o{j}"]
            forward[j]["out"] = fwd[j]["out"]
            act = (f"{render_rule_text(RULES[o.op].expr, [f'i{j}'], o.params)} = "
                   f"{_values(RULES[o.op].expr, [fwd[j]['net']], o.params, fmt)}"
                   if o.op != "linear" else f"i{j}")
            add("forward", f"o{j} = {act} = {number(fwd[j]['out'], fmt)}", {j})

        outs = {k: fwd[k]["out"] for k in outputs}
        add("forward", f"E = {_loss_text(record.loss_name, outputs, p.t, outs, fmt)} = "
            f"{number(p.loss, fmt)}", set(outputs))

        consumers = {i: [(n, w) for n in neurons for i2, w in zip(n.input_units, n.w, strict=True)
                         if i2 == i] for i in range(1, neurons[-1].unit + 1)}
        for n in reversed(neurons):
            j = str(n.unit)
            o = node[f"o{j}"]
            slope = o.local_grads[0] if o.parents and o.op != "linear" else 1.0
            deltas[j] = errors[j]
            if not consumers[n.unit]:
                text = (f"δ{j} = −∂E/∂i{j} = −∂E/∂o{j} · ∂o{j}/∂i{j} = −{_paren(o.grad, fmt)} · "
                        f"{_paren(slope, fmt)} = {number(errors[j], fmt)}")
            else:
                sums = " + ".join(f"{w.label}·δ{c.unit}" for c, w in consumers[n.unit])
                vals = " + ".join(f"{_paren(old[w.label], fmt)}·{_paren(errors[str(c.unit)], fmt)}"
                                  for c, w in consumers[n.unit])
                text = (f"δ{j} = −∂E/∂i{j} = ∂o{j}/∂i{j} · ({sums}) = {_paren(slope, fmt)} · "
                        f"({vals}) = {number(errors[j], fmt)}")
            add("backward", text, {j})
            for w, (x, xv) in [*zip([w.label for w in n.w], [source(i) for i in n.input_units],
                                    strict=True), (n.b.label, ("1", 1.0))]:
                local = f"∂i{j}/∂{w}"
                shown_grads[w] = p.gradients[w]
                add("backward", f"∂E/∂{w} = ∂E/∂o{j} · ∂o{j}/∂i{j} · {local} = "
                    f"{_paren(o.grad, fmt)} · {_paren(slope, fmt)} · {_paren(xv, fmt)} = "
                    f"{number(p.gradients[w], fmt)}" + (f"  ({local} = {x})" if x != "1" else ""),
                    {j, w})

    summed = record.example is None and len(record.passes) > 1
    done: dict[str, float] = {}
    for name in (p for n in reversed(neurons) for p in [*(w.label for w in n.w), n.b.label]):
        done[name] = old[name]
        if name in record.frozen:
            text = f"{name} is frozen: it keeps its value {number(old[name], fmt)}"
        else:
            grad = (" + ".join(_paren(p.gradients[name], fmt) for p in record.passes)
                    if summed else _paren(record.gradients[name], fmt))
            rule = f"{name} − η·Σ ∂E/∂{name}" if summed else f"{name} − η·∂E/∂{name}"
            text = (f"{name} ← {rule} = {number(old[name], fmt)} − {number(record.lr, fmt)} · "
                    f"{f'({grad})' if summed else grad} = {number(record.updated[name], fmt)}")
        add("update", text, {name}, params={p: v for p, v in old.items() if p not in done},
            before=dict(done))
    add("update", "After one step of gradient descent (η = "
        f"{number(record.lr, fmt)}), every weight and bias reads old → new.", set(),
        params={}, before=old)


def _run_steps(records: Sequence[StepRecord], fmt: str, rankdir: str, title: str) -> Steps:
    """The frames of every update in order; with more than one, each sentence says which."""
    frames: list[Frame] = []
    tables: list[str] = []
    for r in records:
        several = len(records) > 1
        where = (f"Step {r.step} (epoch {r.epoch}, "
                 + (f"example {r.example}): " if r.example is not None else "all examples): ")
                 if several else "")
        _record_frames(r, fmt, rankdir, frames, where)
        tables += [(t if not several else replace(t, title=f"Step {r.step}: {t.title}")).to_html()
                   for t in worked_example_tables(r)]
    return Steps(frames, title=title, tables=tables)
