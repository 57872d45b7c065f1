"""The computation graph of a Value as a picture: forward (name, operation, value per node), or
backward (also the adjoint ∂y/∂v per node, and the local derivative ∂child/∂parent on each edge).
Nodes are named as the evaluation trace names them (v₋₁ (x1), v₁, …).

The picture reads the graph and never changes it. Along every edge the chain rule reads
∂y/∂parent += ∂y/∂child · ∂child/∂parent, so the edge label times the child's adjoint is what the
parent receives from that child.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from typing import Any

from autograd_core import RULES, Constant, Value, topological_order
from autograd_core.trace import render_rule_text, variable_names

from .drawing import (
    DEFAULT_DIGITS,
    HOT_CLASS,
    Drawing,
    Layout,
    check_digits,
    dot_text,
    exact,
    number,
)

MODES = ("forward", "backward", "both")
RANKDIRS = ("LR", "TB", "RL", "BT")
DEFAULT_MAX_NODES = 500
# dot's time grows with the edges, fastest when they carry labels (backward): 2,400 labelled
# edges take 2 s, 4,900 take 25 s; a dense layer of 100 units has 10,000 edges even collapsed.
DEFAULT_MAX_EDGES = 2000
# Ops that make a unit's output from its net input; with collapse_neurons they merge with it.
ACTIVATION_OPS = frozenset({"sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus"})
# How many graph nodes the size check visits per allowed drawn node before refusing: collapsing
# hides the weights and biases of each unit, so the graph may be much larger than the picture.
_WALK_FACTOR = 100
# Longer operations (a unit's net input over many inputs) show their op's name instead.
_LONGEST_OPERATION = 32


class GraphTooLargeError(ValueError):
    """The graph has too many nodes to draw readably (``dot`` would take minutes on it)."""


def bounded_order(output: Value, limit: int, advice: str) -> list[Value]:
    """`topological_order` of ``output``, after checking within ``limit`` visits that the graph has
    at most ``limit`` nodes (so a graph of millions is refused at once, not walked); ``advice``
    ends the refusal and says what to do instead."""
    seen: set[Value] = set()
    stack = [output]
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            if len(seen) > limit:
                raise GraphTooLargeError(
                    f"this graph has more than {limit} nodes, too many to draw readably; {advice}")
            stack.extend(node.parents)
    return topological_order(output)


def node_names(order: list[Value]) -> dict[Value, str]:
    """A name per node, the one its evaluation trace (`autograd_core.trace`) gives it, so that a
    picture and its trace table agree: "v₋₁ (x1)" for an input, "v₃" for an intermediate,
    "v₅ (y)" for the output, the label in brackets where there is one; a constant its number
    ("t = 1" if it is named)."""
    output = order[-1]
    pretty, inputs = variable_names(output)
    names: dict[Value, str] = {}
    for v in order:
        if isinstance(v, Constant):  # a named one, the target, reads "t = 1"
            names[v] = f"{v.label} = {exact(v.data)}" if v.label else exact(v.data)
            continue
        called = inputs.get(v) or v.label or ("y" if v is output else "")
        names[v] = f"{pretty[v]} ({called})" if called else pretty[v]
    return names


def _neuron_groups(order: list[Value], children: Mapping[Value, list[Value]]
                   ) -> dict[Value, Value]:
    """For each node merged into a unit, the unit's top node: a `linear` net input with its own
    weight and bias leaves, and the activation applied to it if nothing else uses the net input."""
    into: dict[Value, Value] = {}
    for node in order:
        if node.op != "linear":
            continue
        n = (len(node.parents) - 1) // 2
        own = [p for p in (*node.parents[:n], node.parents[-1])
               if not p.parents and len(children[p]) == 1]
        users = children[node]
        single = users[0] if len(users) == 1 else None
        top = single if single is not None and single.op in ACTIVATION_OPS else node
        into.update({v: top for v in (*own, node, top)})
    return into


def _first_column(nodes: list[Value], edges: list[tuple[Value, Value, float]]) -> list[Value]:
    """The inputs that only feed nodes computed from inputs alone (x1, x2 and the first layer's
    weights), in the trace's order: the picture's first column, kept in that order so that the
    forward and the backward picture (whose labels differ) show the inputs alike."""
    depth: dict[Value, int] = {}
    for v in nodes:  # topological order: parents first
        depth[v] = 1 + max((depth.get(p, 0) for p in v.parents), default=-1)
    feeds: dict[Value, list[Value]] = {}
    for p, v, _ in edges:
        feeds.setdefault(p, []).append(v)
    return [v for v in nodes if not v.parents and not isinstance(v, Constant) and v in feeds
            and all(depth[c] == 1 for c in feeds[v])]


class GraphPicture:
    """The drawable form of one graph: its nodes in topological order, their names, and the
    edges between drawn nodes with their local derivatives. Built once, drawn in many states."""

    def __init__(self, output: Value, *, rankdir: str = "LR", digits: int = DEFAULT_DIGITS,
                 collapse_neurons: bool = False, max_nodes: int = DEFAULT_MAX_NODES,
                 max_edges: int = DEFAULT_MAX_EDGES) -> None:
        if not isinstance(output, Value):
            raise TypeError(f"draw_graph needs a Value (the output of a computation), "
                            f"got {type(output).__name__}")
        if rankdir not in RANKDIRS:
            raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
        for name, limit in (("max_nodes", max_nodes), ("max_edges", max_edges)):
            if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
                raise ValueError(f"{name} must be a positive whole number, got {limit!r}")
        self.output, self.rankdir, self.digits = output, rankdir, check_digits(digits)
        if collapse_neurons:
            walk = max_nodes * _WALK_FACTOR
            advice = (f"with collapse_neurons=True up to {walk} (100 × max_nodes) are read; "
                      "draw a part of it (a Value nearer the inputs) or raise max_nodes")
        else:
            walk = max_nodes
            advice = ("draw it with collapse_neurons=True, draw a part of it (a Value nearer the "
                      "inputs), or raise max_nodes")
        order = bounded_order(output, walk, advice)
        children: dict[Value, list[Value]] = {v: [] for v in order}
        for v in order:
            for p in v.parents:
                children[p].append(v)
        self.into = _neuron_groups(order, children) if collapse_neurons else {}
        self.merged_ops: dict[Value, list[str]] = {}
        for v, top in self.into.items():
            if v.parents:
                self.merged_ops.setdefault(top, []).append(v.op)
        self.order = order
        self.nodes = [v for v in order if self.into.get(v, v) is v]
        if len(self.nodes) > max_nodes:
            raise GraphTooLargeError(
                f"this graph has {len(self.nodes)} nodes even with its units collapsed, more than "
                f"max_nodes={max_nodes}; draw a part of it or raise max_nodes")
        self.names = node_names(order)
        self.short, _ = variable_names(output)  # the bare vᵢ, to write ∂v₂/∂v₋₁ with
        self.ids = {v: f"n{i}" for i, v in enumerate(self.nodes)}
        self.edges = [(p, v, local) for v in self.nodes for p, local in self._inputs(v, v, 1.0)]
        self.first_column = _first_column(self.nodes, self.edges)
        if len(self.edges) > max_edges:
            raise GraphTooLargeError(
                f"this graph has {len(self.edges)} edges"
                f"{' even with its units collapsed' if collapse_neurons else ''}, more than "
                f"max_edges={max_edges} (dot would take minutes on them); draw a part of it or "
                "raise max_edges")

    def _inputs(self, top: Value, node: Value, factor: float) -> Iterator[tuple[Value, float]]:
        # Through nodes merged into ``top`` the local derivatives multiply (the chain rule inside
        # a unit), so a collapsed unit's edge carries ∂unit/∂input.
        for p, local in zip(node.parents, node.local_grads, strict=True):
            if self.into.get(p) is top:
                yield from self._inputs(top, p, factor * local)
            else:
                yield p, factor * local

    def _operation(self, v: Value) -> str:
        """What the node computes, as its trace row writes it ("ln v₋₁", "v₁ + v₂"); a collapsed
        unit lists its merged ops (σ ∘ linear)."""
        merged = self.merged_ops.get(v)
        if merged and len(merged) > 1:
            return " ∘ ".join(reversed(merged))
        parents = [self.short[p] if p in self.short else exact(p.data) for p in v.parents]
        text = render_rule_text(RULES[v.op].expr, parents, v.params)
        # a unit's net input over many inputs would stretch its node across the page
        return text if len(text) <= _LONGEST_OPERATION else v.op

    def _label(self, v: Value, mode: str, values: Collection[Value] | None,
               grads: Mapping[Value, float] | None) -> str:
        rows = [f"<B>{dot_text(self.names[v])}</B>"]
        if isinstance(v, Constant):
            return f"<{rows[0]}>"
        if v.parents:
            rows.append(f'<FONT POINT-SIZE="10">= {dot_text(self._operation(v))}</FONT>')
        shown = values is None or v in values
        rows.append(f"value {number(v.data, self.digits) if shown else '?'}")
        if mode in ("backward", "both"):
            g = v.grad if grads is None else grads.get(v)
            text = "?" if g is None else number(g, self.digits)
            rows.append(f'<FONT COLOR="#b22222">grad {text}</FONT>')
        return "<" + "<BR/>".join(rows) + ">"

    def dot(self, mode: str = "forward", *, values: Collection[Value] | None = None,
            grads: Mapping[Value, float] | None = None, highlight: Collection[Value] = (),
            hot_edges: Collection[tuple[Value, Value]] = (), layout: Layout | None = None) -> str:
        """DOT source of the picture. ``values``/``grads`` limit what is shown (a stepper frame:
        nodes outside ``values`` show "?"); ``highlight`` and ``hot_edges`` are drawn in colour;
        ``layout`` pins every node and edge where an earlier `Layout` placed them."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        lines = [f"digraph G {{\n\trankdir={self.rankdir}",
                 '\tnode [fontname="Helvetica" fontsize=12]',
                 '\tedge [fontname="Helvetica" fontsize=10]']
        if layout is not None:
            lines.append(layout.frame())
        if len(self.first_column) > 1:  # inputs top to bottom in their order, in every mode
            chain = " -> ".join(self.ids[v] for v in self.first_column)
            lines.append(f"\t{{ rank=same; {chain} [style=invis] }}")
        for v in self.nodes:
            shape = ("plaintext" if isinstance(v, Constant) else "box" if not v.parents
                     else "ellipse")
            # what a stepper's frame is about: marked for its script to bring into view
            fill = (f' style="filled" fillcolor="#ffe680" class="{HOT_CLASS}"'
                    if v in highlight else "")
            pin = "" if layout is None else " " + layout.node(self.ids[v])
            lines.append(f"\t{self.ids[v]} [label={self._label(v, mode, values, grads)} "
                         f"shape={shape}{fill}{pin}]")
        for k, (p, v, local) in enumerate(self.edges):
            attrs = []
            if mode in ("backward", "both") and not isinstance(p, Constant):
                tip = dot_text(f"∂{self.short[v]}/∂{self.short[p]}")
                attrs.append(f'label="{number(local, self.digits)}" tooltip="{tip}"')
            if (p, v) in hot_edges:
                attrs.append(f'color="#d62728" penwidth=2 class="{HOT_CLASS}"')
            attrs.append(f'id="e{k}"' if layout is None else layout.edge(f"e{k}"))
            lines.append(f"\t{self.ids[p]} -> {self.ids[v]}" + (f" [{' '.join(attrs)}]" if attrs
                                                                 else ""))
        return "\n".join(lines) + "\n}\n"

    def drawing(self, mode: str = "forward", **state: Any) -> Drawing:
        """The picture in one state (see `dot`), drawn at ``layout``'s positions if one is given."""
        return Drawing(self.dot(mode, **state), fixed=state.get("layout") is not None)


def draw_graph(output: Value, mode: str = "forward", rankdir: str = "LR",
               digits: int = DEFAULT_DIGITS,
               collapse_neurons: bool = False, max_nodes: int = DEFAULT_MAX_NODES,
               max_edges: int = DEFAULT_MAX_EDGES) -> Drawing:
    """The computation graph of ``output``: forward shows each node's name, operation and value;
    backward also its adjoint ∂y/∂v (run ``output.backward()`` first) and on each edge
    ∂child/∂parent, as micrograd's draw_dot shows value and grad together.

    Args:
        output: the Value y whose graph is drawn.
        mode: "forward", or "backward" (also called "both": values and adjoints).
        rankdir: "LR" (left to right) or "TB" (top to bottom), or "RL"/"BT".
        digits: decimals shown, and at least as many significant figures (`drawing.number`).
        collapse_neurons: draw each unit (net input, activation, its weights and bias) as one node.
        max_nodes: refuse graphs with more drawn nodes than this, instead of a hung ``dot``.
        max_edges: refuse graphs with more drawn edges than this (a dense layer has many more
            edges than nodes, and ``dot``'s time grows with them).
    """
    picture = GraphPicture(output, rankdir=rankdir, digits=digits,
                           collapse_neurons=collapse_neurons, max_nodes=max_nodes,
                           max_edges=max_edges)
    if mode in ("backward", "both") and output.grad == 0.0:
        raise ValueError("the adjoints are not computed yet (output.grad is 0): call "
                         "output.backward() before drawing the backward graph")
    return Drawing(picture.dot(mode))
