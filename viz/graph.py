"""The computation graph of a Value as a picture: forward (label, op, value per node), backward
(adjoint ∂y/∂v per node and the local derivative ∂child/∂parent on each edge), or both.

The picture reads the graph and never changes it. Along every edge the chain rule reads
∂y/∂parent += ∂y/∂child · ∂child/∂parent, so the edge label times the child's adjoint is what the
parent receives from that child.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping

from autograd_core import Constant, Value, by_depth, topological_order

from .drawing import Drawing, check_format, dot_text, number

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
    """A readable name per node: its label, else its number for a constant, else "y" for the
    output and v1, v2, … for the other unlabelled nodes, numbered as `autograd_core.trace`
    numbers them (by depth), so a picture and its trace table agree."""
    names: dict[Value, str] = {}
    k = 0
    for v in by_depth(order):
        if v.label:
            names[v] = v.label
        elif isinstance(v, Constant):
            names[v] = number(v.data, "{:g}")
        elif v is order[-1]:
            names[v] = "y"
        else:
            k += 1
            names[v] = f"v{k}"
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


class GraphPicture:
    """The drawable form of one graph: its nodes in topological order, their names, and the
    edges between drawn nodes with their local derivatives. Built once, drawn in many states."""

    def __init__(self, output: Value, *, rankdir: str = "LR", fmt: str = "{:.3f}",
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
        self.output, self.rankdir, self.fmt = output, rankdir, check_format(fmt)
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
        self.ids = {v: f"n{i}" for i, v in enumerate(self.nodes)}
        self.edges = [(p, v, local) for v in self.nodes for p, local in self._inputs(v, v, 1.0)]
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

    def _label(self, v: Value, mode: str, values: Collection[Value] | None,
               grads: Mapping[Value, float] | None) -> str:
        rows = [f"<B>{dot_text(self.names[v])}</B>"]
        if isinstance(v, Constant):
            return f"<{rows[0]}>"
        if v.op:
            merged = self.merged_ops.get(v, [v.op])
            op = " ∘ ".join(reversed(merged)) if len(merged) > 1 else v.op
            params = "".join(" " + number(p, "{:g}") for p in v.params)
            rows.append(f'<FONT POINT-SIZE="10">{dot_text(op)}{params}</FONT>')
        if mode in ("forward", "both"):
            shown = values is None or v in values
            rows.append(f"value {number(v.data, self.fmt) if shown else '?'}")
        if mode in ("backward", "both"):
            g = v.grad if grads is None else grads.get(v)
            text = "?" if g is None else number(g, self.fmt)
            rows.append(f'<FONT COLOR="#b22222">grad {text}</FONT>')
        return "<" + "<BR/>".join(rows) + ">"

    def dot(self, mode: str = "forward", *, values: Collection[Value] | None = None,
            grads: Mapping[Value, float] | None = None, highlight: Collection[Value] = (),
            hot_edges: Collection[tuple[Value, Value]] = ()) -> str:
        """DOT source of the picture. ``values``/``grads`` limit what is shown (a stepper frame:
        nodes outside ``values`` show "?"); ``highlight`` and ``hot_edges`` are drawn in colour."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
        lines = [f"digraph G {{\n\trankdir={self.rankdir}",
                 '\tnode [fontname="Helvetica" fontsize=12]',
                 '\tedge [fontname="Helvetica" fontsize=10]']
        for v in self.nodes:
            shape = ("plaintext" if isinstance(v, Constant) else "box" if not v.parents
                     else "ellipse")
            fill = ' style="filled" fillcolor="#ffe680"' if v in highlight else ""
            lines.append(f"\t{self.ids[v]} [label={self._label(v, mode, values, grads)} "
                         f"shape={shape}{fill}]")
        for p, v, local in self.edges:
            attrs = []
            if mode in ("backward", "both") and not isinstance(p, Constant):
                tip = dot_text(f"∂{self.names[v]}/∂{self.names[p]}")
                attrs.append(f'label="{number(local, self.fmt)}" tooltip="{tip}"')
            if (p, v) in hot_edges:
                attrs.append('color="#d62728" penwidth=2')
            lines.append(f"\t{self.ids[p]} -> {self.ids[v]}" + (f" [{' '.join(attrs)}]" if attrs
                                                                 else ""))
        return "\n".join(lines) + "\n}\n"


def draw_graph(output: Value, mode: str = "forward", rankdir: str = "LR", fmt: str = "{:.3f}",
               collapse_neurons: bool = False, max_nodes: int = DEFAULT_MAX_NODES,
               max_edges: int = DEFAULT_MAX_EDGES) -> Drawing:
    """The computation graph of ``output``: forward shows each node's label, op and value;
    backward its adjoint ∂y/∂v (run ``output.backward()`` first) and on each edge ∂child/∂parent.

    Args:
        output: the Value y whose graph is drawn.
        mode: "forward", "backward" or "both".
        rankdir: "LR" (left to right) or "TB" (top to bottom), or "RL"/"BT".
        fmt: how numbers are shown, e.g. "{:.3f}".
        collapse_neurons: draw each unit (net input, activation, its weights and bias) as one node.
        max_nodes: refuse graphs with more drawn nodes than this, instead of a hung ``dot``.
        max_edges: refuse graphs with more drawn edges than this (a dense layer has many more
            edges than nodes, and ``dot``'s time grows with them).
    """
    picture = GraphPicture(output, rankdir=rankdir, fmt=fmt, collapse_neurons=collapse_neurons,
                           max_nodes=max_nodes, max_edges=max_edges)
    if mode in ("backward", "both") and output.grad == 0.0:
        raise ValueError("the adjoints are not computed yet (output.grad is 0): call "
                         "output.backward() before drawing the backward graph")
    return Drawing(picture.dot(mode))
