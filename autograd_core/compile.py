"""Compiled batches: record the scalar graph once, replay it as a few array operations a layer.

`compile(output, inputs)` takes the graph students draw and trace (one scalar operation per
node), groups the nodes that can run as one numpy call — same depth, same op and op parameters,
same kinds of operands (one number, or one per example) — and replays forward and backward for a
whole batch:

- an elementwise group runs its op's rule from `RULES` on stacked (k × batch) arrays, so no
  derivative is written twice;
- the `linear` nodes of a layer, which share their inputs, run as one matrix product
  I = W·X + b (backward: ∂L/∂X = Wᵀ·G, ∂L/∂W = G·Xᵀ, ∂L/∂b = Σₑ G), and a group of `sum` nodes as
  one reduction of gathered rows (each operand receives the node's adjoint): the only maths here
  that is not taken from the rule table.

A wide layer's units make one `linear` node with 2n + 1 parents each (a layer 256 wide: 131,000
edges), and recording and grouping them edge by edge costs more than many runs. `Dense` names
such a layer without recording it: its units' `linear` nodes and their activation, which become
exactly the two groups the grouping would make (the same matrix product, the same rule on the
same rows, so the same numbers); the recorded graph then starts from the layer's outputs.

Every node keeps a row in one of two buffers (one column for single numbers, one column per
example for batches). The parameters are the first rows of the single-number buffer, so
`Program.data` and `Program.grad` are flat views of all parameters at once; `write_values` and
`read_values` keep the `Value` view (for ``state_dict``, drawing, stepping) consistent with them.

A program is valid for the graph's structure: its batch size, and every constant baked in at
recording (such as 1/n in a mean). For another batch size, another loss or another model, record
and compile again. Per-example constants are either inputs, or `Detached` (computed from other
nodes, such as softmax's shift by each example's largest score, or a loss's class masks from the
targets), which a run recomputes in their place in the order, with no backward; any other
per-example constant cannot be followed and is refused.
"""

from __future__ import annotations

import gc
import types
from collections import deque
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, repeat
from operator import attrgetter, is_
from typing import Any

import numpy as np

from . import array_math as A
from .batch import BatchValue, Detached, PerBatch
from .graph import depths, topological_order
from .rules import RULES, DomainError
from .value import Constant, Value

_DATA, _PARENTS = attrgetter("data"), attrgetter("parents")
ONE, BATCH = 0, 1  # a node's kind: one number, or one per example; also its buffer's index

# The rule table's array namespace for stacked batches (one row per node): the same elementwise
# functions, with the sum over the examples taken along each row.
STACKED = types.SimpleNamespace(**{k: v for k, v in vars(A).items() if not k.startswith("_")})
STACKED.batch_sum = lambda x: np.sum(x, axis=1, keepdims=True)


class CompileError(ValueError):
    """The graph cannot be compiled (a per-example constant that is not an input, a bad input)."""


Index = slice | np.ndarray


def _index(rows: Sequence[int]) -> Index:
    """Rows as a slice when they are consecutive (a view, no copy), else an index array."""
    first = rows[0]
    if list(rows) == list(range(first, first + len(rows))):
        return slice(first, first + len(rows))
    return np.asarray(rows, dtype=np.intp)


def _scatter_add(target: np.ndarray, index: Index, contribution: np.ndarray | float,
                 unique: bool) -> None:
    """target[index] += contribution, adding every contribution where an index repeats."""
    if unique:
        target[index] += contribution
    else:
        np.add.at(target, index, contribution)


def _matmul(a: np.ndarray, b: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """a·b; over an inner dimension of 1 it is an outer product, which numpy's matmul runs
    without BLAS, ~10× slower than the same broadcast product."""
    if a.shape[1] == 1:
        return np.multiply(a, b, out=out)
    return np.matmul(a, b, out=out)


def _regular(index: np.ndarray) -> tuple[int, int, int] | None:
    """(start, s₀, s₁) if the 2-D index is start + s₀·j + s₁·i with s₀, s₁ > 0 and no row twice
    (as an MLP lists a layer's weights: by input, then by unit), else None."""
    rows, cols = index.shape
    start = int(index[0, 0])
    s0 = int(index[1, 0]) - start if rows > 1 else 1
    s1 = int(index[0, 1]) - start if cols > 1 else 1
    # steps this far apart never land on the same row twice
    apart = s1 >= s0 * rows or s0 >= s1 * cols
    if s0 <= 0 or s1 <= 0 or not apart:
        return None
    regular = start + s0 * np.arange(rows)[:, None] + s1 * np.arange(cols)
    return (start, s0, s1) if np.array_equal(index, regular) else None


def _strided(column: np.ndarray, index: np.ndarray) -> np.ndarray | None:
    """``column[index]`` as a view when the index is `_regular`, else None. With a view a
    matrix product reads its weights in place and adds their gradient in place, instead of a
    gather and a scatter of every weight on every run."""
    steps = _regular(index)
    if steps is None:
        return None
    start, s0, s1 = steps
    step = column.strides[0]
    return np.lib.stride_tricks.as_strided(column[start:], index.shape, (s0 * step, s1 * step))


def _is_unique(index: Index) -> bool:
    return isinstance(index, slice) or len(np.unique(index)) == index.size


# How a group's contributions reach its parents' adjoints at one operand position:
ADD, ASSIGN, SKIP = "add", "assign", "skip"  # += ; = (their only contributor) ; not needed


@dataclass
class _Operand:
    """One operand position of a group: the parents' kind and their rows in that buffer."""

    kind: int
    index: Index
    unique: bool
    mode: str = ADD


@dataclass
class _Group:
    """Nodes run as one array operation; their values fill rows ``out`` of buffer ``kind``."""

    op: str
    kind: int
    out: slice
    operands: list[_Operand]
    params: tuple[float, ...] = ()
    saved: tuple[Any, ...] = field(default=(), repr=False)
    fn: Any = None  # a `Detached` group's function
    # a matrix product's weights and their adjoints as views of the buffers, if `_strided`
    views: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)


DETACHED = "detached"  # the group op of `Detached` constants: recomputed forward, no backward


@dataclass(frozen=True)
class Dense:
    """A layer of units o_j = f(Σᵢ W[j][i]·xᵢ + b_j), j = 1 … k, given to `compile` instead of
    recorded: the units' `linear` nodes run as one matrix product, f as one group of its op.

    weights: W[j] is unit j's list of weights (parameters), one per input.
    biases: b_j, parameters.
    inputs: the xᵢ: inputs of the program, or outputs of an earlier `Dense`.
    outputs: one `BatchValue` leaf per unit standing for o_j in the recorded graph that reads
        the layer (their numbers serve the recording only).
    op, params: f as an op of the rule table with its parameters; None for f(x) = x.
    """

    weights: Sequence[Sequence[Value]]
    biases: Sequence[Value]
    inputs: Sequence[Value]
    outputs: Sequence[Value]
    op: str | None = None
    params: tuple[float, ...] = ()


class _Rows(dict):
    """Each node's (kind, row) in the buffers. The parameters, the first rows of the
    single-number buffer, are looked up by their position in ``params`` (node → row) instead of
    stored as pairs: a wide network has 66,000 of them."""

    def __init__(self, params: dict[Value, int]) -> None:
        super().__init__()
        self.params = params

    def __missing__(self, node: Value) -> tuple[int, int]:
        return ONE, self.params[node]

    def __contains__(self, node: object) -> bool:
        return dict.__contains__(self, node) or node in self.params


def _kind(node: Value) -> int:
    return BATCH if isinstance(node.data, np.ndarray) else ONE


def _recorded_order(output: Value) -> tuple[list[Value], dict[Value, tuple[Value, ...]]]:
    """The graph's nodes in an order where each `Detached` constant follows the nodes it is
    computed from, and those sources by constant (found walk by walk: a source's own graph
    may hold another `Detached` constant)."""
    needs: dict[Value, tuple[Value, ...]] = {}
    while True:
        order = topological_order(output, needs or None)
        found = {v: v.sources for v in order if isinstance(v, Detached) and v not in needs}
        if not found:
            return order, needs
        needs.update(found)


def _group_key(node: Value, depth: int, kind_of: dict[Value, int]) -> tuple:
    """Nodes with the same key run as one group; ``kind_of`` gives each node's kind."""
    if isinstance(node, Detached):
        kinds = tuple(map(kind_of.__getitem__, node.sources))
        return depth, DETACHED, node.fn, node.fn_params, kinds
    # map over a dict look-up: a wide layer's units have 500 parents each
    kinds = tuple(map(kind_of.__getitem__, node.parents))
    if node.op == "linear":
        n = (len(node.parents) - 1) // 2
        if set(kinds[:n]) == {ONE} and set(kinds[n:2 * n]) == {BATCH}:
            # one layer: the units that read the same inputs become one matrix product
            return depth, "matmul", tuple(map(id, node.parents[n:2 * n])), kinds[-1]
    if node.op == "sum" and len(set(kinds)) == 1:
        return depth, "rowsum", len(kinds), kinds[0]
    return depth, node.op, node.params, kinds


class Program:
    """A recorded graph, compiled for batches of ``batch_size`` examples; see the module's
    docstring. Make one with `compile`."""

    def __init__(self, output: Value, inputs: Sequence[Value], params: Sequence[Value],
                 batch_size: int | None = None, layers: Sequence[Dense] = (),
                 data: np.ndarray | None = None) -> None:
        order, needs = _recorded_order(output)
        self.inputs = list(inputs)
        self.params = list(params)
        self.output = output
        sizes = {v.data.size for v in order if isinstance(v.data, np.ndarray)}
        if len(sizes) > 1:
            raise CompileError(f"the graph mixes batches of sizes {sorted(sizes)}")
        recorded = sizes.pop() if sizes else 1
        self.batch_size = recorded if batch_size is None else batch_size
        count = [0, 0]

        def place(node: Value, kind: int) -> None:
            if node in self._row:
                raise CompileError(f"{node!r} is listed twice among the inputs and parameters")
            self._row[node] = (kind, count[kind])
            count[kind] += 1

        # at C speed for plain leaf Values first: a wide network has 66,000 parameters
        if not set(map(type, self.params)) <= {Value} or any(map(_PARENTS, self.params)):
            for p in self.params:
                if not isinstance(p, Value) or p.parents or isinstance(p, BatchValue):
                    raise CompileError(f"a parameter must be a leaf Value holding one number, "
                                       f"got {p!r}")
        self._param_row = dict(zip(self.params, range(len(self.params))))
        if len(self._param_row) != len(self.params):
            twice = next(p for k, p in enumerate(self.params) if self._param_row[p] != k)
            raise CompileError(f"{twice!r} is listed twice among the inputs and parameters")
        self._row = _Rows(self._param_row)
        count[ONE] = len(self.params)
        for x in self.inputs:
            if not isinstance(x, BatchValue) or x.parents:
                raise CompileError(f"an input must be a leaf BatchValue (one number per "
                                   f"example), got {x!r}")
            place(x, BATCH)
        self._groups: list[_Group] = []
        for layer in layers:
            self._groups += self._dense_groups(layer, place, count)
        constants: list[Value] = []
        for v in order:
            if v.parents or v in needs or v in self._row:
                continue
            if isinstance(v, BatchValue):
                raise CompileError(
                    f"the graph has per-example numbers {v!r} that are not among the inputs: a "
                    "recorded program cannot know them for another batch (compile with them as "
                    "inputs, or run uncompiled)")
            place(v, ONE)
            constants.append(v)

        depth = depths(order, needs)
        kind_of = {v: BATCH if isinstance(v.data, np.ndarray) else ONE for v in order}
        keyed: dict[tuple, list[Value]] = {}
        for v in order:
            if v.parents or v in needs:
                keyed.setdefault(_group_key(v, depth[v], kind_of), []).append(v)
        for key in sorted(keyed, key=lambda k: k[0]):  # by depth; a stable sort keeps the rest
            nodes = keyed[key]
            kind = _kind(nodes[0])
            start = count[kind]
            for v in nodes:
                place(v, kind)
            self._groups.append(self._make_group(key[1], nodes, kind, slice(start, count[kind])))
        detached = {self._row[v][1] for v in order if isinstance(v, Detached)}

        self._values = [np.zeros((count[ONE], 1)), np.zeros((count[BATCH], self.batch_size))]
        self._adjoints = [np.zeros_like(b) for b in self._values]
        for g in self._groups:
            if g.op == "matmul":
                values = _strided(self._values[ONE][:, 0], g.operands[0].index)
                if values is not None:
                    g.views = values, _strided(self._adjoints[ONE][:, 0], g.operands[0].index)
        self._zero = self._plan_adjoints(len(self.params), len(constants), detached)
        for c in constants:
            self._values[ONE][self._row[c][1]] = (
                c.for_size(self.batch_size) if isinstance(c, PerBatch) else c.data)
        n = len(self.params)
        self.data: np.ndarray = self._values[ONE][:n, 0]
        """The parameters' values, a flat view (writing to it changes what the next run uses)."""
        self.grad: np.ndarray = self._adjoints[ONE][:n, 0]
        """∂output/∂parameter after a run, a flat view in the order of ``params``."""
        if data is None:
            self.read_values()
        else:  # the caller's copy of the parameters' values (one pass fewer over them)
            self.data[:] = data

    def _dense_groups(self, layer: Dense, place: Any, count: list[int]) -> list[_Group]:
        """A `Dense` layer's matrix product and activation groups, its rows placed (the net
        inputs' rows have no node: nothing outside the layer reads them)."""
        units = len(layer.outputs)
        if len(layer.weights) != units or len(layer.biases) != units or not units:
            raise CompileError(f"a dense layer needs one list of weights and one bias per output "
                               f"unit, got {len(layer.weights)} lists, {len(layer.biases)} biases "
                               f"and {units} outputs")
        if not layer.inputs or any(len(w) != len(layer.inputs) for w in layer.weights):
            raise CompileError(f"each unit of a dense layer needs one weight per input "
                               f"({len(layer.inputs)}), and a layer at least one input")
        if layer.op is not None and (layer.op not in RULES or RULES[layer.op].arity != 1):
            raise CompileError(f"a dense layer's activation must be an op of one argument from "
                               f"the rule table, got {layer.op!r}")
        if not all(x in self._row and self._row[x][0] == BATCH for x in layer.inputs):
            raise CompileError("a dense layer's inputs must be the program's inputs or an "
                               "earlier dense layer's outputs")
        try:
            weights = self._weight_rows(layer.weights)
            biases = [self._param_row[b] for b in layer.biases]
        except (KeyError, TypeError):
            raise CompileError("a dense layer's weights and biases must be among the "
                               "parameters") from None
        net = slice(count[BATCH], count[BATCH] + units)
        count[BATCH] += units if layer.op is not None else 0
        for o in layer.outputs:
            if not isinstance(o, BatchValue) or o.parents:
                raise CompileError(f"a dense layer's outputs must be leaf BatchValues, got {o!r}")
            place(o, BATCH)
        bias_rows = _index(biases)
        # a regular layout (as an MLP's) is unique without sorting its 66,000 rows
        unique = _regular(weights) is not None or _is_unique(weights)
        groups = [_Group("matmul", BATCH, net, [
            _Operand(ONE, weights, unique),
            self._operand(layer.inputs),
            _Operand(ONE, bias_rows, _is_unique(bias_rows)),
        ])]
        if layer.op is not None:
            out = slice(net.stop, count[BATCH])
            groups.append(_Group(layer.op, BATCH, out, [_Operand(BATCH, net, True)],
                                 tuple(layer.params)))
        return groups

    def _weight_rows(self, weights: Sequence[Sequence[Value]]) -> np.ndarray:
        """Each weight's row W[j][i] (its position among the parameters; KeyError if one is not a
        parameter). Where the layer's weights are consecutive parameters listed by input, then by
        unit (as an MLP lists them), that is checked by identity alone, at C speed."""
        units, n_in = len(weights), len(weights[0])
        start = self._param_row[weights[0][0]]
        block = self.params[start:start + units * n_in]
        if len(block) == units * n_in and all(map(is_, block, chain(*zip(*weights)))):
            return start + np.arange(units * n_in).reshape(n_in, units).T
        return np.fromiter(map(self._param_row.__getitem__, chain(*weights)), np.intp,
                           units * n_in).reshape(units, n_in)

    def _plan_adjoints(self, n_params: int, n_constants: int, detached: set[int]) -> Index:
        """Choose how each operand position sends its contributions: nothing to the inputs,
        constants and `Detached` rows (their adjoints are never read); ``=`` to batch rows it
        alone contributes to (no zeroing, no read); ``+=`` elsewhere. Returns the batch rows to
        zero before a run."""
        unread = [set(range(n_params, n_params + n_constants)),
                  set(range(len(self.inputs))) | detached]
        counts = np.zeros(len(self._values[BATCH]), dtype=int)
        operands = [o for g in self._groups if g.op != DETACHED
                    for o in (g.operands[1:] if g.op == "matmul" else g.operands)]
        for o in operands:
            rows = np.arange(len(self._values[o.kind]))[o.index].ravel()
            if all(r in unread[o.kind] for r in rows.tolist()):
                o.mode = SKIP
            elif o.kind == BATCH:
                np.add.at(counts, rows, 1)
        added: list[int] = []
        for o in operands:
            if o.kind == BATCH and o.mode != SKIP:
                rows = np.arange(len(counts))[o.index].ravel()
                if o.unique and (counts[rows] == 1).all():
                    o.mode = ASSIGN
                else:
                    added.extend(rows.tolist())
        return np.unique(np.asarray(added, dtype=np.intp))

    def _operand(self, parents: Sequence[Value]) -> _Operand:
        kinds = {self._row[p][0] for p in parents}
        (kind,) = kinds
        index = _index([self._row[p][1] for p in parents])
        return _Operand(kind, index, _is_unique(index))

    def _make_group(self, how: str, nodes: list[Value], kind: int, out: slice) -> _Group:
        first = nodes[0]
        if how == "matmul":
            n = (len(first.parents) - 1) // 2
            weights = np.array([[self._row[w][1] for w in v.parents[:n]] for v in nodes])
            return _Group("matmul", kind, out, [
                _Operand(ONE, weights, _is_unique(weights)),
                self._operand(first.parents[n:2 * n]),
                self._operand([v.parents[-1] for v in nodes]),
            ])
        if how == DETACHED:
            return _Group(DETACHED, kind, out,
                          [self._operand([v.sources[i] for v in nodes])
                           for i in range(len(first.sources))],
                          first.fn_params, fn=first.fn)
        if how == "rowsum":
            rows = np.array([[self._row[p][1] for p in v.parents] for v in nodes])
            return _Group("rowsum", kind, out,
                          [_Operand(self._row[first.parents[0]][0], rows, _is_unique(rows))])
        positions = range(len(first.parents))
        return _Group(first.op, kind, out,
                      [self._operand([v.parents[i] for v in nodes]) for i in positions],
                      first.params)

    # -- the Value view ----------------------------------------------------------------------
    def read_values(self) -> None:
        """Copy each parameter Value's ``data`` into the flat `data`."""
        self.data[:] = np.fromiter(map(_DATA, self.params), float, len(self.params))

    def write_values(self) -> None:
        """Copy the flat `data` and `grad` into each parameter Value's ``data`` and ``grad``."""
        write_values(self.params, self.data, self.grad)

    def __contains__(self, node: Value) -> bool:
        """Whether ``node`` is part of the recorded graph (its value can be read)."""
        return node in self._row

    def value(self, node: Value) -> float | np.ndarray:
        """The value a recorded node had in the last run (per example for a batch node)."""
        kind, row = self._row[node]
        return self._values[kind][row].copy() if kind == BATCH else float(self._values[ONE][row, 0])

    # -- running -----------------------------------------------------------------------------
    def run(self, inputs: Sequence[np.ndarray]) -> float:
        """Forward and backward for one batch: ``inputs`` holds one array per input (one number
        per example each). Returns the output's value (its sum over examples if it is a batch);
        afterwards `grad` holds ∂output/∂parameter for this batch alone."""
        loss = self.forward(inputs)
        with np.errstate(over="ignore", invalid="ignore"):
            self._backward()
        return loss

    def forward(self, inputs: Sequence[np.ndarray]) -> float:
        """The forward pass alone (values, no gradients); returns the output's value."""
        self._load(inputs)
        # overflow gives inf and nan, as in the scalar path; the caller checks the loss
        with np.errstate(over="ignore", invalid="ignore"):
            self._forward()
        kind, row = self._row[self.output]
        return float(np.sum(self._values[kind][row]))

    def _load(self, inputs: Sequence[np.ndarray]) -> None:
        if len(inputs) != len(self.inputs):
            raise ValueError(f"the program takes {len(self.inputs)} input arrays, got "
                             f"{len(inputs)}")
        values = self._values[BATCH]
        for x, data in zip(self.inputs, inputs, strict=True):
            if np.shape(data) != (self.batch_size,):
                raise ValueError(
                    f"the program was compiled for batches of {self.batch_size} examples, got an "
                    f"input of shape {np.shape(data)}: compile again for this batch size")
            values[self._row[x][1]] = data

    def _gather(self, o: _Operand) -> np.ndarray:
        return self._values[o.kind][o.index]

    def _forward(self) -> None:
        for g in self._groups:
            out = self._values[g.kind][g.out]
            if g.op == "matmul":
                weights, xs, bias = g.operands
                w = g.views[0] if g.views else self._values[ONE][:, 0][weights.index]
                x = self._gather(xs)
                _matmul(w, x, out=out)
                out += self._gather(bias)
                g.saved = (w, x)
            elif g.op == "rowsum":
                np.sum(self._gather(g.operands[0]), axis=1, out=out)
            elif g.op == DETACHED:
                out[:] = g.fn(*[self._gather(o) for o in g.operands], *g.params)
            else:
                try:
                    out[:], g.saved = RULES[g.op].fn(
                        STACKED, *[self._gather(o) for o in g.operands], *g.params)
                except DomainError:
                    raise DomainError(
                        f"op '{g.op}' got a value outside its domain in the compiled program; "
                        "run this batch uncompiled (model(X)) to see which example") from None

    def _backward(self) -> None:
        self._adjoints[ONE].fill(0.0)
        self._adjoints[BATCH][self._zero] = 0.0
        kind, row = self._row[self.output]
        self._adjoints[kind][row] = 1.0
        for g in reversed(self._groups):
            grad = self._adjoints[g.kind][g.out]
            if g.op == "matmul":
                weights, xs, bias = g.operands
                w, x = g.saved
                if g.views:
                    weight_grads = g.views[1]
                    weight_grads += grad @ x.T
                else:
                    _scatter_add(self._adjoints[ONE][:, 0], weights.index, grad @ x.T,
                                 weights.unique)
                if xs.mode == ASSIGN and isinstance(xs.index, slice):
                    _matmul(w.T, grad, out=self._adjoints[BATCH][xs.index])
                elif xs.mode != SKIP:
                    self._put(xs, _matmul(w.T, grad))
                self._send(bias, 1.0, grad)
            elif g.op == "rowsum":
                self._send(g.operands[0], 1.0, grad[:, None, :])
            elif g.op == DETACHED:
                continue  # a constant to the graph: nothing flows back to its sources
            else:
                for o, local in zip(g.operands, g.saved, strict=True):
                    self._send(o, local, grad)

    def _send(self, o: _Operand, local: np.ndarray | float, grad: np.ndarray) -> None:
        """Send ``local · adjoint`` to the parents at one operand position (the chain rule)."""
        if o.mode == ASSIGN and isinstance(o.index, slice):  # written in place, no temporary
            np.multiply(local, grad, out=self._adjoints[BATCH][o.index])
        elif o.mode != SKIP:
            self._put(o, local * grad)

    def _put(self, o: _Operand, contribution: np.ndarray) -> None:
        """Add contributions to the parents' adjoints (or set them, for their only contributor);
        a parent holding one number gets the sum over the examples
        (∂L/∂w = Σₑ ∂L/∂vₑ · ∂vₑ/∂w)."""
        if o.kind == ONE and contribution.shape[-1] != 1:
            contribution = contribution.sum(axis=-1, keepdims=True)
        if o.mode == ASSIGN:
            self._adjoints[o.kind][o.index] = contribution
        else:
            _scatter_add(self._adjoints[o.kind], o.index, contribution, o.unique)


def write_values(params: Sequence[Value], data: np.ndarray, grad: np.ndarray) -> None:
    """Set each parameter Value's ``data`` and ``grad`` from flat arrays in the same order."""
    if not len(params) == len(data) == len(grad):
        raise ValueError(f"{len(params)} parameters, {len(data)} values, {len(grad)} gradients")
    # setattr mapped at C speed: a wide network has 66,000 parameters
    deque(map(setattr, params, repeat("data"), data.tolist()), maxlen=0)
    deque(map(setattr, params, repeat("grad"), grad.tolist()), maxlen=0)


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a block makes many objects, then as it was.

    Recording and compiling a wide network makes hundreds of thousands of nodes, tuples and
    dicts; every 700 of them the collector runs, and its full passes walk the whole growing heap
    (most of a wide network's compile time). Graphs of Values hold no cycles (a node refers to
    its parents only), so reference counting frees them without the collector.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def compile(output: Value, inputs: Sequence[Value] = (),
            params: Sequence[Value] | None = None, batch_size: int | None = None,
            layers: Sequence[Dense] = (), data: np.ndarray | None = None) -> Program:
    """Record the graph of ``output`` and compile it for batches of its size, or of
    ``batch_size`` examples (a graph recorded on a few examples serves a batch of many: every
    per-example number is an input or `Detached`, and a mean's 1/B is a `PerBatch` constant).

    inputs: the per-example leaves (`BatchValue`s) a run supplies new numbers for, in the order
        `Program.run` takes them; every other per-example leaf is refused (`CompileError`).
    params: the leaves whose gradients a run computes, in the order of the flat `Program.data`
        (default: every single-number leaf that is not a `Constant`, in topological order).
    Other single-number leaves are constants, baked in with the values they had.
    layers: `Dense` layers in the order they run, before the recorded graph, which reads their
        outputs (their weights and biases must be among ``params``).
    data: the parameters' values in the order of ``params``, if the caller has them as an array
        already (default: read from each parameter's ``data``).
    """
    with cycle_collector_paused():
        if params is None:
            params = [v for v in topological_order(output)
                      if not v.parents and not isinstance(v, BatchValue | Constant)]
        return Program(output, inputs, params, batch_size, layers, data)
