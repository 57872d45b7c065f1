"""`Value`: one number in a computation graph, with its adjoint and its local derivatives.

Every op goes through `apply`, which looks the op up in the rule table (`rules.RULES`), stores the
value and the local derivatives ∂self/∂parent once, and links the node to its parents.
"""

from __future__ import annotations

import math
import numbers

from . import anomaly
from . import scalar_math as M
from .graph import backward
from .rules import RULES

Number = int | float


def _check_number(data: object) -> float:
    if type(data) is float:  # most numbers are; the abstract-class check below is slower
        return data
    if isinstance(data, bool) or not isinstance(data, numbers.Real):
        kind = type(data).__name__
        raise TypeError(
            f"Value needs a real number (int or float), got {kind}: {data!r}"
            + (" (complex numbers have no order, so no gradient here)"
               if isinstance(data, numbers.Complex) else "")
            + (" (for one number per example, use BatchValue(array))" if kind == "ndarray" else "")
        )
    try:
        return float(data)
    except OverflowError:
        raise ValueError(f"Value needs a number of at most about 1.8e308 in size; this "
                         f"{type(data).__name__} is too large for a float") from None


class Value:
    """A scalar node: ``data`` (its value), ``grad`` (∂output/∂self after `backward`), ``op`` and
    ``parents`` (how it was computed), and ``local_grads`` (∂self/∂parent, in the parents' order).
    """

    __slots__ = ("data", "grad", "label", "op", "parents", "local_grads", "params")
    # numpy arrays defer to our operators (x_batch * w builds a node, not an array of objects)
    __array_ufunc__ = None

    def __init__(self, data: Number, label: str = "") -> None:
        if isinstance(data, Value):
            raise TypeError("Value needs a real number, got a Value; use it directly instead")
        if not isinstance(label, str):
            raise TypeError(f"label must be a string, got {type(label).__name__}: {label!r}")
        self.data = _check_number(data)
        self.grad = 0.0
        self.label = label
        self.op = ""
        self.parents: tuple[Value, ...] = ()
        self.local_grads: tuple[float, ...] = ()
        self.params: tuple[float, ...] = ()

    # -- arithmetic: numbers on either side become constant leaves -------------------------------
    def __add__(self, other: Value | Number) -> Value:
        return apply("add", self, other)

    def __radd__(self, other: Number) -> Value:
        return apply("add", other, self)

    def __sub__(self, other: Value | Number) -> Value:
        return apply("sub", self, other)

    def __rsub__(self, other: Number) -> Value:
        return apply("sub", other, self)

    def __mul__(self, other: Value | Number) -> Value:
        return apply("mul", self, other)

    def __rmul__(self, other: Number) -> Value:
        return apply("mul", other, self)

    def __truediv__(self, other: Value | Number) -> Value:
        return apply("div", self, other)

    def __rtruediv__(self, other: Number) -> Value:
        return apply("div", other, self)

    def __pow__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):
            return apply("pow_xy", self, other)
        return apply("pow", self, params=(_check_number(other),))

    def __rpow__(self, other: Number) -> Value:
        return apply("pow_xy", other, self)

    def __neg__(self) -> Value:
        return apply("neg", self)

    def __abs__(self) -> Value:
        return apply("abs", self)

    # -- functions ---------------------------------------------------------------------------
    def exp(self) -> Value:
        """e^x; d/dx = e^x."""
        return apply("exp", self)

    def log(self) -> Value:
        """ln x for x > 0; d/dx = 1/x."""
        return apply("log", self)

    def sqrt(self) -> Value:
        """√x for x ≥ 0; d/dx = 1/(2√x)."""
        return apply("sqrt", self)

    def sin(self) -> Value:
        """sin x; d/dx = cos x."""
        return apply("sin", self)

    def cos(self) -> Value:
        """cos x; d/dx = −sin x."""
        return apply("cos", self)

    def tanh(self) -> Value:
        """tanh x; d/dx = 1 − tanh² x."""
        return apply("tanh", self)

    def sigmoid(self) -> Value:
        """σ(x) = 1/(1 + e^−x); dσ/dx = σ(x)(1 − σ(x)), as the lecture derives."""
        return apply("sigmoid", self)

    def relu(self) -> Value:
        """max(0, x); derivative 1 for x > 0, else 0 (0 at the kink, as PyTorch)."""
        return apply("relu", self)

    def leaky_relu(self, alpha: float = 0.01) -> Value:
        """x for x > 0, else α·x; derivative 1 or α."""
        return apply("leaky_relu", self, params=(_check_number(alpha),))

    def elu(self, alpha: float = 1.0) -> Value:
        """x for x > 0, else α(e^x − 1) (Clevert et al. 2015); derivative 1 or α·e^x."""
        return apply("elu", self, params=(_check_number(alpha),))

    def softplus(self) -> Value:
        """ln(1 + e^x); d/dx = σ(x)."""
        return apply("softplus", self)

    def abs(self) -> Value:
        """|x|; derivative sign(x), 0 at 0."""
        return apply("abs", self)

    # -- reverse mode --------------------------------------------------------------------------
    def backward(self, grad: float = 1.0) -> None:
        """Reverse-mode accumulation from this node: seeds ∂self/∂self = grad, then sends
        ``local · adjoint`` to every parent, outputs before inputs. Leaves accumulate across calls.
        """
        backward(self, grad)

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        op = f", op={self.op!r}" if self.op else ""
        return f"Value(data={self.data:.6g}, grad={self.grad:.6g}{label}{op})"


class Constant(Value):
    """A number used in an expression (the 2 in ``x * 2``): a leaf that is not an input."""

    __slots__ = ()


def as_value(x: Value | Number) -> Value:
    """x itself if it is a Value, else a `Constant` holding it."""
    return x if isinstance(x, Value) else Constant(x)


def apply(op: str, *args: Value | Number, params: tuple[float, ...] = ()) -> Value:
    """Make the node ``op(*args)``: value and local derivatives from the rule table."""
    return make_node(op, tuple([a if isinstance(a, Value) else Constant(a) for a in args]), params)


def make_node(op: str, parents: tuple[Value, ...], params: tuple[float, ...] = ()) -> Value:
    """`apply` for parents that are all Values already (the n-ary ops' fast path)."""
    data, local = _RULE_FN[op](M, *[p.data for p in parents], *params)
    node = _new_value(Value)
    node.data = data
    node.grad = 0.0
    node.label = ""
    node.op = op
    node.parents = parents
    node.local_grads = local
    node.params = params
    if anomaly.enabled and not math.isfinite(data):
        anomaly.forward_anomaly(node)
    return node


# looked up once per node made: the rule functions by name, and the bare node constructor
_RULE_FN = {name: rule.fn for name, rule in RULES.items()}
_new_value = object.__new__
