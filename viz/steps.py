"""Backpropagation step by step: numbered frames, each a picture and one sentence.

For any Value graph: the rows of its evaluation trace, the forward pass node by node
(vⱼ = op(parents) = … = value), then each contribution v̄ₚ = v̄ₚ + v̄ⱼ · ∂vⱼ/∂vₚ as reverse-mode
accumulation adds it. For a network (the worked example, or any spec): the units' net inputs and
outputs, the loss, each ∂E/∂o_j written out (−2(t − o) at an output, −Σ w·δ at a hidden unit), the
error terms δ_j = −∂E/∂o_j · ∂o_j/∂i_j, every gradient ∂E/∂w = −δ_j · o_i, and the update
w ← w − η·∂E/∂w of every parameter. A stepper's pictures share one layout, so nothing moves.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from autograd_core import RULES, Value, trace
from autograd_core.trace import BAR, render_rule_text  # the rule table's own templates
from lab.expressions import consts
from lab.precision import Precision
from lab.quantities import Worked, values
from lab.stepping import Pass, StepRecord, StepRun
from nn._checks import learning_rate
from nn.outputs import SHIFT

from .drawing import (
    DEFAULT_DIGITS,
    Deferred,
    Drawing,
    Layout,
    check_digits,
    exact,
    number,
    writable_path,
)
from .graph import GraphPicture, GraphTooLargeError
from .network import draw_network
from .tables import trace_tables, worked_example_tables

DEFAULT_MAX_NODES = 100


@dataclass(frozen=True)
class Frame:
    """One step: its number (from 1), the phase ("forward", "backward", "update"), one sentence
    saying what happens, and the picture of the state after it."""

    number: int
    phase: str
    text: str
    picture: Drawing
    # what the frame computes: a network's record key (o6@1), a trace's row (primal:3)
    quantity: str | None = None
    # a network's frame: its update (from 1) and the example its picture shows (None: all)
    update: int | None = None
    example: int | None = None


@dataclass
class Steps(Sequence[Frame]):
    """Numbered frames; in Jupyter a slider with previous/next buttons. ``tables`` are HTML
    fragments shown beside the frames (below them on a narrow screen) by `to_html`; a row with
    ``data-frame="k"`` appears at frame k."""

    frames: list[Frame]
    title: str = "Backpropagation, step by step"
    tables: list[str] = field(default_factory=list)
    # exercise mode: the grader's data for the page and which number each frame asks for
    # (viz.exercise), None for a plain stepper
    exercise: dict[str, Any] | None = None

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
        if self.exercise is not None:
            from .exercise_html import exercise_page
            return exercise_page(self)
        from .stepper_html import page
        return page(self)

    def _repr_html_(self) -> str:
        if self.exercise is not None:
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
          lr: float | None = None, exercise: bool = False, links: bool = False) -> Steps:
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
        links: a network's pictures link each number one may change and each unit
            (`draw_network`'s ``links``), for the live app, which edits them in place.
    """
    result = _steps(subject, digits, rankdir, max_nodes, lr, links)
    if exercise:
        from .exercise import graph_exercise, network_exercise
        if isinstance(subject, Value):
            result.exercise = graph_exercise(subject, result.frames)
        else:
            records = [subject] if isinstance(subject, StepRecord) else list(subject)
            precision = subject.spec.precision if isinstance(subject, StepRun) else Precision()
            result.exercise = network_exercise(records, precision, result.frames)
    return result


def _steps(subject: Value | StepRecord | StepRun, digits: int, rankdir: str, max_nodes: int,
           lr: float | None, links: bool = False) -> Steps:
    digits = check_digits(digits)
    if isinstance(subject, StepRecord | StepRun):
        if lr is not None:
            raise ValueError("a network's updates have their own learning rate: set lr in its "
                             "spec (or give it to worked_example_step(lr=...))")
        if isinstance(subject, StepRecord):
            return _run_steps([subject], digits, rankdir,
                              "The worked example: forward pass, backward pass, update", links)
        title = subject.spec.title or "A network, step by step"
        return _run_steps(list(subject), digits, rankdir,
                          f"{title}: forward passes, backward passes, updates", links)
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

    def add(phase: str, text: str, mode: str, row: str | None = None, **state: Any) -> int:
        frames.append(Frame(len(frames) + 1, phase, text,
                            pic.drawing(mode, layout=layout, **state), row))
        return len(frames)

    known = {v for v in pic.order if not v.parents}
    primal_frames = [add("forward", "Inputs: " + ", ".join(
        f"{pic.names[v]} = {number(v.data, digits)}" for v in leaves) + ".", "forward",
        values=set(known), highlight=leaves)] * len(leaves)
    for k, v in enumerate((node[r["var"]] for r in tr.primal[len(leaves):-1]), len(leaves)):
        rule = RULES[v.op].expr
        symbolic = render_rule_text(rule, [short.get(p) or exact(p.data) for p in v.parents],
                                    v.params)
        known.add(v)
        numeric = _values(rule, [p.data for p in v.parents], v.params, digits)
        primal_frames.append(add(
            "forward", f"{short[v]} = {symbolic} = {numeric} = {number(v.data, digits)}",
            "forward", f"primal:{k}", values=set(known), highlight={v},
            hot_edges={(p, v) for p in v.parents}))
    primal_frames.append(primal_frames[-1])  # the row y = vₗ names the last one computed

    adjoint: dict[Value, float] = {output: 1.0}
    first = tr.adjoint[0]
    adjoint_frames = [add("backward", f"{first['var']} = ∂y/∂y = 1: reverse mode starts from "
                          "the output", "both", grads=dict(adjoint), highlight={output})]
    for k, row in enumerate(tr.adjoint[1:], 1):
        p, child = node[row["var"].replace(BAR, "")], node[row["from"]]
        child_adjoint = _paren(adjoint[child], digits)
        numbers_ = f"{child_adjoint} × {_paren(row['local'], digits)}"
        if p in adjoint:  # accumulation: this parent already received from another child
            numbers_ = f"{number(adjoint[p], digits)} + {numbers_}"
        adjoint[p] = row["value"]
        adjoint_frames.append(add(
            "backward", f"{row['var']} = {row['expr']} = {row['symbolic']} = {numbers_} = "
            f"{number(row['value'], digits)}", "both", f"adjoint:{k}", grads=dict(adjoint),
            highlight={p},
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


@dataclass
class _Marks:
    """The frame at which each row of the tables beside is computed: a unit's output and error
    term per example, a parameter's update."""

    out: dict[tuple[int, str], int] = field(default_factory=dict)
    delta: dict[tuple[int, str], int] = field(default_factory=dict)
    update: dict[str, int] = field(default_factory=dict)


def _widest(record: StepRecord, digits: int, rankdir: str, links: bool) -> str:
    """The network of an update in its widest state, to lay its frames out by: every number
    known, every edge old → new with its gradient."""
    last = record.passes[-1]
    return draw_network(record.model, inputs=last.x, target=last.t, loss=last.loss,
                        forward=last.forward, errors=last.errors, old=record.old,
                        gradients=record.gradients, frozen=record.frozen, rankdir=rankdir,
                        digits=digits, links=links, lr=record.lr if links else None).source


# what a frame's sentence says a quantity is, before its formula
_DEFINED = {"delta": "δ{j} = −∂E/∂i{j} = ", "dEdo": "∂E/∂o{j} = "}


def sentence(w: Worked, value_of: Callable[[str], float], digits: int) -> str:
    """A quantity's frame sentence from its record: name = formula = the numbers = value."""
    q = w.quantity
    fmt = functools.partial(number, digits=digits)
    if q.kind == "new":
        if w.inputs == () and not w.asked:
            return f"{q.name} is frozen: it keeps its value {number(w.value, digits)}"
        head = f"{q.name} ← "
    else:
        head = _DEFINED.get(q.kind, "{name} = ").format(j=q.name, name=w.display)
    numeric, value = w.numeric(value_of, fmt), number(w.value, digits)
    # a formula whose numbers are the result already (−δ6 = −0.0381) says it once
    text = f"{head}{w.symbolic()} = {numeric}" + ("" if numeric == value else f" = {value}")
    shift = next((c for c in consts(w.expr) if c.name == SHIFT), None)
    return text + ("" if shift is None else
                   f", where {SHIFT} = the largest output = {number(shift.value, digits)}")


class _Frames:
    """One update's frames, each the picture of the state after its quantity is known."""

    def __init__(self, record: StepRecord, digits: int, rankdir: str,
                 layout: Callable[[], Layout], frames: list[Frame], prefix: str,
                 links: bool) -> None:
        self.record, self.digits, self.rankdir, self.layout = record, digits, rankdir, layout
        self.links = links
        self.frames, self.prefix = frames, prefix
        self.state: dict[str, Any] = {}
        self.marks = _Marks()
        neurons = [n for layer in record.model.layers for n in layer.neurons]
        self.fan_in = {str(n.unit): {*(w.label for w in n.w), n.b.label} for n in neurons}
        self.fan_out = {str(i): {w.label for n in neurons for i2, w in
                                 zip(n.input_units, n.w, strict=True) if i2 == i}
                        for i in range(1, neurons[-1].unit + 1)}

    def add(self, phase: str, text: str, highlight: set[str], quantity: str | None = None,
            params: Mapping[str, float] | None = None,
            before: Mapping[str, float] | None = None) -> int:
        st, r = self.state, self.record
        # the state as it is now (copied), drawn when the picture is first used
        state = dict(inputs=st["x"], target=st["t"], loss=st["loss"],
                     forward={k: dict(v) for k, v in st["forward"].items()},
                     errors=dict(st["deltas"]), gradients=dict(st["gradients"]),
                     params=r.old if params is None else params, old=before,
                     highlight=highlight, frozen=r.frozen, rankdir=self.rankdir,
                     digits=self.digits, links=self.links,
                     lr=r.lr if self.links else None)
        picture = Deferred(lambda: draw_network(r.model, layout=self.layout(), **state))
        self.frames.append(Frame(len(self.frames) + 1, phase, self.prefix + st["tag"] + text,
                                 picture, quantity, r.step, st.get("example")))
        return len(self.frames)

    def start_pass(self, p: Pass) -> None:
        """A pass begins: its inputs and targets on the input units."""
        r, outputs = self.record, [str(n.unit) for n in self.record.model.layers[-1].neurons]
        self.state.update(x=p.x, t=p.t, loss=None, forward={}, deltas={}, gradients={},
                          example=p.example,
                          tag=f"(example {p.example}) " if r.example is None else "")
        xs = ", ".join(f"x{i} = {number(x, self.digits)}" for i, x in enumerate(p.x, 1))
        ts = (f"the target is t = {number(p.t[0], self.digits)}" if len(p.t) == 1 else
              "the targets are " + ", ".join(f"t{k} = {number(x, self.digits)}"
                                              for k, x in zip(outputs, p.t, strict=True)))
        n_in = r.model.n_in
        self.add("forward", f"Inputs {xs} enter units 1–{n_in}; {ts}.",
                 {str(i) for i in range(1, n_in + 1)})

    def quantity(self, w: Worked, value_of: Callable[[str], float]) -> None:
        """The frame of one quantity: the state gains its number, its units are highlighted."""
        q, st, example = w.quantity, self.state, w.example or self.record.example or 1
        text = sentence(w, value_of, self.digits)
        if q.kind == "i":
            st["forward"][q.name] = {"net": w.value}
            self.add("forward", text, {q.name, *self.fan_in[q.name]}, w.key)
        elif q.kind == "o":
            st["forward"].setdefault(q.name, {})["out"] = w.value
            self.marks.out[example, q.name] = self.add("forward", text, {q.name}, w.key)
        elif q.kind == "E":
            st["loss"] = w.value
            outputs = {str(n.unit) for n in self.record.model.layers[-1].neurons}
            self.add("forward", text, outputs, w.key)
        elif q.kind == "dEdo":
            self.add("backward", text, {q.name, *self.fan_out[q.name]}, w.key)
        elif q.kind == "delta":
            st["deltas"][q.name] = w.value
            self.marks.delta[example, q.name] = self.add("backward", text, {q.name}, w.key)
        elif q.kind == "grad" and (q.example is not None or self.record.example is not None):
            st["gradients"][q.name] = w.value
            unit = next(j for j, names in self.fan_in.items() if q.name in names)
            self.add("backward", text, {unit, q.name}, w.key)
        elif q.kind == "grad":  # a per-epoch update's sum over the examples
            self.all_examples()
            st["gradients"][q.name] = w.value
            self.add("update", text, {q.name}, w.key)
        else:
            self.update(w, text)

    def all_examples(self) -> None:
        """From here on the numbers are the epoch's: no one example's values on the picture."""
        st, r = self.state, self.record
        if r.example is None and st["x"] is not None:
            st.update(x=None, t=None, loss=sum(p.loss for p in r.passes), forward={},
                      deltas={}, gradients={}, example=None, tag="(all examples) ")

    def update(self, w: Worked, text: str) -> None:
        st, r, name = self.state, self.record, w.quantity.name
        self.all_examples()
        st["gradients"] = st["gradients"] or dict(r.gradients)
        st.setdefault("done", {})[name] = r.old[name]
        self.marks.update[name] = self.add(
            "update", text, {name}, w.key, params={p: v for p, v in r.old.items()
                                                  if p not in st["done"]},
            before=dict(st["done"]))


def _record_frames(record: StepRecord, digits: int, rankdir: str, layout: Callable[[], Layout],
                   frames: list[Frame], prefix: str, value_of: Callable[[str], float],
                   links: bool) -> _Marks:
    """Append the frames of one update, one per quantity of its record (each pass forward and
    backward, the update of every parameter) and a last one with every weight old → new."""
    f = _Frames(record, digits, rankdir, layout, frames, prefix, links)
    first = {p.example: True for p in record.passes}
    for w in record.quantities:
        example = w.example if record.example is None else record.example
        if w.quantity.kind in ("i", "o") and first.get(example):
            first[example] = False
            f.start_pass(record.passes[(example or 1) - 1 if record.example is None else 0])
        f.quantity(w, value_of)
    f.state["gradients"] = dict(record.gradients)
    f.add("update", "After one step of gradient descent (η = "
          f"{number(record.lr, digits)}), every weight and bias reads old → new.", set(),
          params={}, before=record.old)
    return f.marks


def _run_steps(records: Sequence[StepRecord], digits: int, rankdir: str, title: str,
               links: bool) -> Steps:
    """The frames of every update in order; with more than one, each sentence says which. Each
    table row appears at the frame that computes it."""
    frames: list[Frame] = []
    tables: list[str] = []
    # one layout for every update, so that the units and edges never move; made (a dot run)
    # when a first picture is drawn
    layout = functools.cache(lambda: Layout(*(_widest(r, digits, rankdir, links)
                                               for r in records)))
    value_of = values([w for r in records for w in r.quantities]).__getitem__
    for r in records:
        several = len(records) > 1
        where = (f"Step {r.step} (epoch {r.epoch}, "
                 + (f"example {r.example}): " if r.example is not None else "all examples): ")
                 if several else "")
        marks = _record_frames(r, digits, rankdir, layout, frames, where, value_of, links)
        forward, errors, updates = worked_example_tables(r, digits=digits)
        # a per-epoch update's rows start with their example's number
        keys = [[(row[0] if r.example is None else r.example, row[-width]) for row in t.rows]
                for t, width in ((forward, 3), (errors, 2))]
        row_frames = [[marks.out[k] for k in keys[0]], [marks.delta[k] for k in keys[1]],
                      [marks.update[name] for name in r.gradients]]
        keys = [None, None, list(r.gradients)]  # the updates' rows: their parameters
        tables += [(t if not several else replace(t, title=f"Step {r.step}: {t.title}")
                    ).to_html(k, key) for t, k, key in zip((forward, errors, updates), row_frames,
                                                           keys, strict=True)]
    return Steps(frames, title=title, tables=tables)
