"""Backpropagation step by step: numbered frames, each a picture and one sentence.

For any Value graph: the rows of its evaluation trace, the forward pass node by node
(vⱼ = op(parents) = … = value), then each contribution v̄ₚ = v̄ₚ + v̄ⱼ · ∂vⱼ/∂vₚ as reverse-mode
accumulation adds it. For a network (the worked example, or any spec): the units' net inputs and
outputs, the loss, each ∂E/∂o_j written out (−2(t − o) at an output, −Σ w·δ at a hidden unit), the
error terms δ_j = −∂E/∂o_j · ∂o_j/∂i_j, every gradient ∂E/∂w = −δ_j · o_i, and the update
w ← w − η·∂E/∂w of every parameter. A stepper's pictures share one layout, so nothing moves.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from autograd_core import RULES, Value, topological_order, trace
from autograd_core.trace import BAR, render_rule_text  # the rule table's own templates
from lab.stepping import StepRecord, StepRun
from nn._checks import learning_rate

from .drawing import DEFAULT_DIGITS, Drawing, Layout, check_digits, exact, number, writable_path
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
    fragments shown beside the frames (below them on a narrow screen) by `to_html`; a row with
    ``data-frame="k"`` appears at frame k."""

    frames: list[Frame]
    title: str = "Backpropagation, step by step"
    tables: list[str] = field(default_factory=list)
    # exercise mode: per frame the number it asks for, precomputed (viz.exercise), or None
    questions: list[dict[str, Any] | None] | None = None

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
        """One self-contained HTML page: the frames with next/previous buttons, a slider, arrow
        keys, a frame counter, and the tables beside or below; in exercise mode the exercise
        page."""
        if self.questions is not None:
            from .exercise_html import exercise_page
            return exercise_page(self)
        from .stepper_html import page
        return page(self)

    def _repr_html_(self) -> str:
        if self.questions is not None:
            from .exercise_html import exercise_frame
            return exercise_frame(self)
        from .stepper_html import widget
        return widget(self, keys=False)


def _values(template: Any, values: Sequence[float], params: tuple[float, ...],
            digits: int) -> str:
    shown = [_paren(x, digits) for x in values]
    text = render_rule_text(template, shown, params)
    # a negative number that is already a function's argument needs no second pair of brackets
    return re.sub(r"\(\((−[^()]*)\)\)", r"(\1)", text)


def steps(subject: Value | StepRecord | StepRun, *, digits: int = DEFAULT_DIGITS,
          rankdir: str = "LR", max_nodes: int = DEFAULT_MAX_NODES,
          lr: float | None = None, exercise: bool = False) -> Steps:
    """The frames of a forward and backward pass (a Value: this runs its backward pass after
    resetting the adjoints of its graph, as `autograd_core.trace` does), or of a network's
    forward passes, backward passes and updates: one update (a `lab.StepRecord`, such as
    `lab.examples.worked_example_step()`) or every update of a spec (`lab.step(spec)`).

    Args:
        subject: the Value y, one update's record, or a spec's run of updates.
        digits: decimals shown, and at least as many significant figures, everywhere on the
            frames and the tables beside them (`drawing.number`).
        rankdir: "LR" (left to right) or "TB" (top to bottom).
        max_nodes: refuse a Value graph with more nodes (each makes a forward and a backward
            frame).
        lr: for a Value, also one update frame per input, x ← x − η·∂y/∂x with η = lr (the
            inputs themselves are not changed). A network's updates have their own η.
        exercise: hide each number a frame computes until predicted (`viz.exercise`); the
            page (`to_html`, `export_html`) then checks each prediction.
    """
    result = _steps(subject, digits, rankdir, max_nodes, lr)
    if exercise:
        from .exercise import graph_questions, network_questions
        if isinstance(subject, Value):
            result.questions = graph_questions(subject, result.frames)
        else:
            records = [subject] if isinstance(subject, StepRecord) else list(subject)
            result.questions = network_questions(records, result.frames)
    return result


def _steps(subject: Value | StepRecord | StepRun, digits: int, rankdir: str, max_nodes: int,
           lr: float | None) -> Steps:
    digits = check_digits(digits)
    if isinstance(subject, StepRecord | StepRun):
        if lr is not None:
            raise ValueError("a network's updates have their own learning rate: set lr in its "
                             "spec (or give it to worked_example_step(lr=...))")
        if isinstance(subject, StepRecord):
            return _run_steps([subject], digits, rankdir,
                              "The worked example: forward pass, backward pass, update")
        title = subject.spec.title or "A network, step by step"
        return _run_steps(list(subject), digits, rankdir,
                          f"{title}: forward passes, backward passes, updates")
    if isinstance(subject, Value):
        lr = None if lr is None else learning_rate(lr, "lr")
        return _graph_steps(subject, digits, rankdir, max_nodes, lr)
    raise TypeError("steps needs a Value (the output of a computation), a network's update "
                    "(lab.examples.worked_example_step()) or a spec's updates (lab.step(spec)), "
                    f"got {type(subject).__name__}")


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


def _squared_terms(outputs: Sequence[str], t: Sequence[float], o: Mapping[str, float],
                   digits: int) -> tuple[str, str]:
    """Σₖ (tₖ − oₖ)² written out, symbolically and with the numbers; one output's t has no k."""
    one = len(outputs) == 1
    symbolic = " + ".join(f"(t{'' if one else k} − o{k})²" for k in outputs)
    numeric = " + ".join(f"({number(tk, digits)} − {_paren(o[k], digits)})²"
                         for k, tk in zip(outputs, t, strict=True))
    return symbolic, numeric


def _loss_text(loss: str, outputs: Sequence[str], t: Sequence[float],
               o: Mapping[str, float], digits: int) -> str:
    """E's formula with the numbers filled in, for the squared losses; the others by name."""
    if loss in _LOSS_FORMULAS:
        symbolic, numeric = _squared_terms(outputs, t, o, digits)
        lead = {"half-squared": "½", "mse": f"(1/{len(outputs)})·" if len(outputs) > 1 else ""
                }.get(loss, "")
        if len(outputs) > 1:
            symbolic, numeric = f"({symbolic})", f"({numeric})"
        return f"{lead}{symbolic} = {lead}{numeric}"
    os_ = ", ".join(f"o{k}" for k in outputs)
    return f"{loss}(t, ({os_})) with t = ({', '.join(number(x, digits) for x in t)})"


def _output_slope(loss: str, outputs: Sequence[str], k: str, t: float, o: float,
                  digits: int) -> str:
    """∂E/∂o_k of a squared loss written out, "−2(t − o6) = −2(1 − 0.474) = ", else ""."""
    if loss not in _LOSS_FORMULAS:
        return ""
    many = len(outputs)
    lead = {"squared": "−2", "half-squared": "−",
            "mse": f"−(2/{many})·" if many > 1 else "−2"}[loss]
    name = "t" if many == 1 else f"t{k}"
    return f"{lead}({name} − o{k}) = {lead}({number(t, digits)} − {_paren(o, digits)}) = "


def _minus(x: float, digits: int) -> str:
    """−x written as the formula has it: −0.262, −(−0.0131)."""
    return f"−{_paren(x, digits)}"


@dataclass
class _Marks:
    """The frame at which each row of the tables beside is computed: a unit's output and error
    term per example, a parameter's update."""

    out: dict[tuple[int, str], int] = field(default_factory=dict)
    delta: dict[tuple[int, str], int] = field(default_factory=dict)
    update: dict[str, int] = field(default_factory=dict)


def _widest(record: StepRecord, digits: int, rankdir: str) -> str:
    """The network of an update in its widest state, to lay its frames out by: every number
    known, every edge old → new with its gradient."""
    last = record.passes[-1]
    return draw_network(record.model, inputs=last.x, target=last.t, loss=last.loss,
                        forward=last.forward, errors=last.errors, old=record.old,
                        gradients=record.gradients, rankdir=rankdir, digits=digits).source


def _record_frames(record: StepRecord, digits: int, rankdir: str, layout: Layout,
                   frames: list[Frame], prefix: str) -> _Marks:
    """Append the frames of one update: each of its passes forward and backward, then the
    update of every parameter; return where each table row is computed."""
    model, old = record.model, record.old
    neurons = [n for layer in model.layers for n in layer.neurons]
    outputs = [str(n.unit) for n in model.layers[-1].neurons]
    n_in = model.n_in
    state: dict[str, Any] = {}
    marks = _Marks()

    def add(phase: str, text: str, highlight: set[str], params: Mapping[str, float] | None = None,
            before: Mapping[str, float] | None = None) -> int:
        picture = draw_network(model, inputs=state["x"], target=state["t"], loss=state["loss"],
                               forward={k: dict(v) for k, v in state["forward"].items()},
                               errors=dict(state["deltas"]), gradients=dict(state["gradients"]),
                               params=old if params is None else params,
                               old=before, highlight=highlight, rankdir=rankdir, digits=digits,
                               layout=layout)
        frames.append(Frame(len(frames) + 1, phase, prefix + state["tag"] + text, picture))
        return len(frames)

    consumers = {i: [(n, w) for n in neurons for i2, w in zip(n.input_units, n.w, strict=True)
                     if i2 == i] for i in range(1, neurons[-1].unit + 1)}
    for p in record.passes:
        node = {v.label: v for v in topological_order(p.graph) if v.label}
        fwd, errors = p.forward, p.errors
        # a per-epoch update's passes say which example each frame is about
        state.update(x=p.x, t=p.t, loss=None, forward={}, deltas={}, gradients={},
                     tag=f"(example {p.example}) " if record.example is None else "")
        forward, deltas, gradients = state["forward"], state["deltas"], state["gradients"]
        xs = ", ".join(f"x{i} = {number(x, digits)}" for i, x in enumerate(p.x, 1))
        ts = (f"the target is t = {number(p.t[0], digits)}" if len(p.t) == 1 else
              "the targets are " + ", ".join(f"t{k} = {number(x, digits)}"
                                              for k, x in zip(outputs, p.t, strict=True)))
        add("forward", f"Inputs {xs} enter units 1–{n_in}; {ts}.",
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
            numeric = " + ".join(f"{_paren(old[w], digits)}·{_paren(x, digits)}"
                                 for w, (_, x) in zip(names, ins, strict=True))
            forward[j] = {"net": fwd[j]["net"]}
            add("forward", f"i{j} = {symbolic} + {n.b.label} = {numeric} + "
                f"{_paren(old[n.b.label], digits)} = {number(fwd[j]['net'], digits)}",
                {j, *names, n.b.label})
            o = node[f"o{j}"]
            forward[j]["out"] = fwd[j]["out"]
            act = (f"{render_rule_text(RULES[o.op].expr, [f'i{j}'], o.params)} = "
                   f"{_values(RULES[o.op].expr, [fwd[j]['net']], o.params, digits)}"
                   if o.op != "linear" else f"i{j}")
            marks.out[p.example, j] = add(
                "forward", f"o{j} = {act} = {number(fwd[j]['out'], digits)}", {j})

        outs = {k: fwd[k]["out"] for k in outputs}
        state["loss"] = p.loss
        add("forward", f"E = {_loss_text(record.loss_name, outputs, p.t, outs, digits)} = "
            f"{number(p.loss, digits)}", set(outputs))

        for n in reversed(neurons):
            j = str(n.unit)
            o = node[f"o{j}"]
            if not consumers[n.unit]:  # an output unit: E depends on o_j directly
                slope = _output_slope(record.loss_name, outputs, j, p.t[outputs.index(j)],
                                      fwd[j]["out"], digits)
                add("backward", f"∂E/∂o{j} = {slope}{number(o.grad, digits)}", {j})
            else:  # a hidden unit: E depends on o_j through the net inputs it feeds
                sums = " + ".join(f"{w.label}·δ{c.unit}" for c, w in consumers[n.unit])
                vals = " + ".join(
                    f"{_paren(old[w.label], digits)}·{_paren(errors[str(c.unit)], digits)}"
                    for c, w in consumers[n.unit])
                if len(consumers[n.unit]) > 1:
                    sums, vals = f"({sums})", f"({vals})"
                add("backward", f"∂E/∂o{j} = −Σ w·δ = −{sums} = −{vals} = "
                    f"{number(o.grad, digits)}", {j, *(w.label for _, w in consumers[n.unit])})
            slope = o.local_grads[0] if o.parents and o.op != "linear" else 1.0
            derivative = (render_rule_text(RULES[o.op].derivs, [f"i{j}"], o.params, 0)
                          if o.parents and o.op != "linear" else "1")
            deltas[j] = errors[j]
            marks.delta[p.example, j] = add(
                "backward", f"δ{j} = −∂E/∂i{j} = −∂E/∂o{j} · ∂o{j}/∂i{j} = "
                f"{_minus(o.grad, digits)} · {_paren(slope, digits)} = "
                f"{number(errors[j], digits)}  (∂o{j}/∂i{j} = {derivative})", {j})
            for w, (x, xv) in [*zip([w.label for w in n.w], [source(i) for i in n.input_units],
                                    strict=True), (n.b.label, ("1", 1.0))]:
                gradients[w] = p.gradients[w]
                add("backward", f"∂E/∂{w} = ∂E/∂i{j} · ∂i{j}/∂{w} = −δ{j} · {x} = "
                    f"{_minus(errors[j], digits)} · {_paren(xv, digits)} = "
                    f"{number(p.gradients[w], digits)}", {j, w})

    summed = record.example is None and len(record.passes) > 1
    state["gradients"] = dict(record.gradients)
    if summed:  # the update is the sum's: no one example's values on the picture
        state.update(x=None, t=None, loss=sum(p.loss for p in record.passes), forward={},
                     deltas={}, tag="(all examples) ")
    done: dict[str, float] = {}
    for name in (p for n in reversed(neurons) for p in [*(w.label for w in n.w), n.b.label]):
        done[name] = old[name]
        if name in record.frozen:
            text = f"{name} is frozen: it keeps its value {number(old[name], digits)}"
        else:
            grad = (" + ".join(_paren(p.gradients[name], digits) for p in record.passes)
                    if summed else _paren(record.gradients[name], digits))
            rule = f"{name} − η·Σ ∂E/∂{name}" if summed else f"{name} − η·∂E/∂{name}"
            text = (f"{name} ← {rule} = {number(old[name], digits)} − "
                    f"{number(record.lr, digits)} · {f'({grad})' if summed else grad} = "
                    f"{number(record.updated[name], digits)}")
        marks.update[name] = add("update", text, {name},
                                 params={p: v for p, v in old.items() if p not in done},
                                 before=dict(done))
    add("update", "After one step of gradient descent (η = "
        f"{number(record.lr, digits)}), every weight and bias reads old → new.", set(),
        params={}, before=old)
    return marks


def _run_steps(records: Sequence[StepRecord], digits: int, rankdir: str, title: str) -> Steps:
    """The frames of every update in order; with more than one, each sentence says which. Each
    table row appears at the frame that computes it."""
    frames: list[Frame] = []
    tables: list[str] = []
    # one layout for every update, so that the units and edges never move
    layout = Layout(*(_widest(r, digits, rankdir) for r in records))
    for r in records:
        several = len(records) > 1
        where = (f"Step {r.step} (epoch {r.epoch}, "
                 + (f"example {r.example}): " if r.example is not None else "all examples): ")
                 if several else "")
        marks = _record_frames(r, digits, rankdir, layout, frames, where)
        forward, errors, updates = worked_example_tables(r, digits=digits)
        # a per-epoch update's rows start with their example's number
        keys = [[(row[0] if r.example is None else r.example, row[-width]) for row in t.rows]
                for t, width in ((forward, 3), (errors, 2))]
        row_frames = [[marks.out[k] for k in keys[0]], [marks.delta[k] for k in keys[1]],
                      [marks.update[name] for name in r.gradients]]
        tables += [(t if not several else replace(t, title=f"Step {r.step}: {t.title}")
                    ).to_html(k) for t, k in zip((forward, errors, updates), row_frames,
                                                 strict=True)]
    return Steps(frames, title=title, tables=tables)
