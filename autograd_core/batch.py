"""Batches: one scalar graph evaluated for every example at once.

A `BatchValue` is a `Value` whose ``data`` holds one number per example (a 1-D numpy array). Each
node still stands for one scalar operation — the graph one draws and traces — but computes it for
the whole batch in one numpy call, with the same rule from the one rule table (evaluated with
`array_math` instead of `scalar_math`). A parameter shared by all examples stays a plain `Value`;
on an edge between it and a batched node the local derivative is a `Broadcast`, whose product
with an adjoint sums over the examples, so the parameter gets Σₑ ∂Lₑ/∂w.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Iterable, Sequence

import numpy as np

from . import anomaly, scalar_math
from . import array_math as A
from .rules import RULES, DomainError
from .value import Constant, Value, apply, make_node

_Array = np.ndarray


class Broadcast:
    """The local derivative on an edge between a single value and a batch of ``n`` examples.

    Reverse mode multiplies it by a batch of adjoints and must add the examples up
    (∂L/∂w = Σₑ ∂L/∂vₑ · ∂vₑ/∂w); forward mode multiplies it by one tangent and spreads the
    result over the examples.
    """

    __slots__ = ("local", "n")

    def __init__(self, local: float | _Array, n: int) -> None:
        self.local = local
        self.n = n

    def __mul__(self, other: float | _Array) -> float | _Array:
        local = self.local
        if isinstance(other, _Array):  # Σₑ localₑ·otherₑ, as one dot product
            return float(local @ other) if isinstance(local, _Array) else float(local * other.sum())
        product = local * other
        return product if isinstance(product, _Array) else np.full(self.n, product)

    __rmul__ = __mul__

    def __repr__(self) -> str:
        return f"Broadcast({self.local!r}, n={self.n})"


def _batch_data(data: object) -> _Array:
    arr = np.asarray(data)
    if arr.dtype == bool or arr.dtype.kind not in "iuf":
        raise TypeError(f"a batch needs real numbers, got an array of {arr.dtype}")
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"a batch is a non-empty 1-D array (one number per example), "
                         f"got shape {arr.shape}")
    return arr.astype(float)


def _as_node(x: Value | float | _Array) -> Value:
    if isinstance(x, Value):
        return x
    if isinstance(x, _Array | list | tuple):
        return BatchConstant(x)
    return Constant(x)


def _first_bad_example(op: str, datas: list[float | _Array], params: tuple[float, ...],
                       error: DomainError) -> DomainError:
    # The batch's message would print every example's number; the same rule on one example at a
    # time names the first that is out of the op's domain, in the scalar path's own words.
    n = next(d.size for d in datas if isinstance(d, _Array))
    for e in range(n):
        try:
            RULES[op].fn(scalar_math, *[d[e] if isinstance(d, _Array) else d for d in datas],
                         *params)
        except DomainError as one:
            return DomainError(f"{one}, in example {e} of the batch of {n} (counting from 0)")
    return error


def apply_batch(op: str, *args: Value | float | _Array, params: tuple[float, ...] = ()) -> Value:
    """Make the node ``op(*args)`` where some argument is a batch: one numpy call per node."""
    parents = tuple([_as_node(a) for a in args])
    sizes = {p.data.size for p in parents if isinstance(p.data, _Array)}
    if len(sizes) > 1:
        raise ValueError(f"op '{op}' got batches of different sizes {sorted(sizes)}")
    datas = [p.data for p in parents]
    try:
        data, local = RULES[op].fn(A, *datas, *params)
    except DomainError as error:
        raise _first_bad_example(op, datas, params, error) from None
    batched = isinstance(data, _Array) and data.ndim == 1
    node = Value.__new__(BatchValue if batched else Value)
    node.data = data if batched else float(data)
    node.grad = 0.0
    node.label = ""
    node.op = op
    node.parents = parents
    (n,) = sizes
    node.local_grads = tuple(
        lg if isinstance(p.data, _Array) == batched else Broadcast(lg, n)
        for p, lg in zip(parents, local)
    )
    node.params = params
    if anomaly.enabled and not np.all(np.isfinite(data)):
        anomaly.forward_anomaly(node)
    return node


class BatchValue(Value):
    """A Value with one number per example: every operator and method of `Value`, evaluated for
    the whole batch. ``BatchValue(X[:, 0], label="x1")`` is the first input of every example.
    """

    __slots__ = ()

    def __init__(self, data: object, label: str = "") -> None:
        super().__init__(0.0, label)
        self.data = _batch_data(data)

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"BatchValue(n={self.data.size}, mean={np.mean(self.data):.6g}{label})"


class BatchConstant(BatchValue):
    """Per-example numbers that are not inputs to differentiate (the targets of a loss)."""

    __slots__ = ()


class Detached(BatchConstant):
    """Per-example numbers computed from other nodes, d = fn(s₁, …, sₖ, *params), that the graph
    takes as a constant: no derivative flows from d back to the sᵢ (a stop-gradient).

    Softmax's shift m = maxⱼ zⱼ is one (e^(zᵢ−m)/Σⱼ e^(zⱼ−m) does not depend on m, so the
    derivative through m is 0 and the graph need not carry it); a loss's class masks [y = j],
    computed from the targets, are another. In the graph it is a leaf, drawn and traced like any
    constant; a compiled program recomputes it on every run from ``sources``. ``fn`` works
    elementwise on numpy arrays (a program calls it on rows stacked for several nodes).
    """

    __slots__ = ("fn", "sources", "fn_params")

    def __init__(self, fn: Callable[..., _Array], sources: Sequence[Value],
                 params: tuple[float, ...] = (), label: str = "") -> None:
        sources = tuple(sources)
        if not sources or not all(isinstance(s, Value) for s in sources):
            raise TypeError("a Detached constant is computed from one or more Values")
        super().__init__(fn(*[s.data for s in sources], *params), label)
        self.fn, self.sources, self.fn_params = fn, sources, params


def _rebind(f: types.FunctionType, apply_fn: object) -> types.FunctionType:
    # The same method body as Value's, with `apply` meaning `apply_fn`: the classes share one
    # definition of every operator, so they cannot drift apart.
    g = types.FunctionType(f.__code__, {**f.__globals__, "apply": apply_fn}, f.__name__,
                           f.__defaults__, f.__closure__)
    g.__doc__ = f.__doc__
    return g


def apply_any(op: str, *args: Value | float, params: tuple[float, ...] = ()) -> Value:
    """`apply_batch` when some argument is a batch, else the scalar `apply`."""
    return (apply_batch if is_batched(args) else apply)(op, *args, params=params)


# Python lets a right operand's reflected method go first only when its class derives from the
# left operand's: Value ⊕ BatchValue finds BatchValue's methods, but Constant and BatchValue are
# siblings, so a Constant's own operators must look for batches themselves. (They are rare on
# the hot path: a Constant is usually a parent, not the left operand.)
for _name, _f in vars(Value).items():
    if isinstance(_f, types.FunctionType) and _name not in ("__init__", "__repr__", "backward"):
        setattr(BatchValue, _name, _rebind(_f, apply_batch))
        setattr(Constant, _name, _rebind(_f, apply_any))


_BATCH_TYPES = frozenset({BatchValue, BatchConstant, Detached})


def batch_sum(x: Value) -> Value:
    """Σₑ xₑ over the examples of a batch (a plain Value stays as it is)."""
    return apply_batch("batch_sum", x) if isinstance(x, BatchValue) else x


class PerBatch(Constant):
    """A number that depends on nothing but the batch size B: B itself, or 1/B (``reciprocal``),
    as in a mean over the examples. A compiled program run on batches of another size puts that
    size's number in its place."""

    __slots__ = ("reciprocal",)

    def __init__(self, size: int, reciprocal: bool) -> None:
        super().__init__(1.0 / size if reciprocal else float(size))
        self.reciprocal = reciprocal

    def for_size(self, size: int) -> float:
        """The number for batches of ``size`` examples."""
        return 1.0 / size if self.reciprocal else float(size)


def batch_mean(x: Value) -> Value:
    """(1/n)·Σₑ xₑ over the n examples of a batch (a plain Value stays as it is)."""
    if isinstance(x, BatchValue):
        return batch_sum(x) * PerBatch(x.data.size, reciprocal=True)
    return x


def is_batched(values: Iterable[object]) -> bool:
    """Whether any of the given values is a batch."""
    # a set look-up per value: linear() asks this of every unit's 2n + 1 inputs on every call
    return not _BATCH_TYPES.isdisjoint(map(type, values))


_PLAIN_NODES = frozenset({Value, Constant})


def _nary(op: str, args: tuple[Value | float, ...]) -> Value:
    # a set look-up per argument: linear() runs this on every unit's 2n + 1 inputs on every call
    if _PLAIN_NODES.issuperset(map(type, args)):
        return make_node(op, args)
    return apply_any(op, *args)


def linear(weights: Iterable[Value | float], inputs: Iterable[Value | float],
           bias: Value | float = 0.0) -> Value:
    """The net input of a unit as one node: i = Σᵢ wᵢ·xᵢ + b (for every example of a batch).

    ∂i/∂wᵢ = xᵢ, ∂i/∂xᵢ = wᵢ, ∂i/∂b = 1.
    """
    ws, xs = tuple(weights), tuple(inputs)
    if len(ws) != len(xs):
        raise ValueError(f"linear needs as many weights as inputs, got {len(ws)} and {len(xs)}")
    return _nary("linear", (*ws, *xs, bias))


def vsum(values: Iterable[Value | float]) -> Value:
    """Σᵢ xᵢ as one node (∂/∂xᵢ = 1), instead of a chain of additions."""
    args = tuple(values)
    if not args:
        raise ValueError("vsum needs at least one value")
    return _nary("sum", args)
