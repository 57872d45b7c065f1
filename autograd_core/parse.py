"""Build a graph from a formula in text, e.g. ``parse("ln(x1) + x1*x2 - sin(x2)", x1=2, x2=5)``.

The text is read with `ast` and only a whitelist is accepted: numbers, names given a value,
``+ - * / **``, unary ``-``/``+``, and calls of the engine's functions (``ln`` is ``log``).
Nothing is ever evaluated by Python: every node is built through `Value`.
"""

from __future__ import annotations

import ast
import sys

from .value import Number, Value, as_value

UNARY = ("exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "softplus", "abs")
WITH_ALPHA = ("leaky_relu", "elu")
ALIASES = {"ln": "log"}
FUNCTIONS = UNARY + WITH_ALPHA + tuple(ALIASES)

_BINARY = {ast.Add: "__add__", ast.Sub: "__sub__", ast.Mult: "__mul__",
           ast.Div: "__truediv__", ast.Pow: "__pow__"}
_DESCRIBE = {ast.Attribute: "attribute access", ast.Subscript: "subscript",
             ast.Lambda: "lambda", ast.Compare: "comparison", ast.BoolOp: "and/or",
             ast.FloorDiv: "floor division //", ast.Mod: "remainder %", ast.MatMult: "@",
             ast.IfExp: "if-expression", ast.List: "list", ast.Tuple: "tuple",
             ast.Dict: "dict", ast.Set: "set", ast.JoinedStr: "f-string",
             ast.Invert: "bitwise not ~", ast.Not: "not", ast.NamedExpr: "assignment :=",
             ast.Starred: "unpacking *", ast.ListComp: "comprehension",
             ast.GeneratorExp: "comprehension", ast.BitAnd: "&", ast.BitOr: "|",
             ast.BitXor: "^ (for powers write **)", ast.LShift: "<<", ast.RShift: ">>"}


_LARGEST_INT = int(sys.float_info.max)


class _Reader:
    def __init__(self, text: str, values: dict[str, Value]) -> None:
        self.text = text
        self.values = values
        self.used: set[str] = set()

    def fail(self, node: ast.AST, what: str) -> ValueError:
        col = getattr(node, "col_offset", 0)
        end = getattr(node, "end_col_offset", col + 1) or col + 1
        pointer = " " * col + "^" * max(1, end - col)
        return ValueError(f"{what} at column {col + 1}:\n  {self.text}\n  {pointer}")

    def read(self, node: ast.AST) -> Value | Number:
        if isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int | float):
                raise self.fail(node, f"only real numbers may appear, not {node.value!r}")
            if isinstance(node.value, int) and abs(node.value) > _LARGEST_INT:
                raise self.fail(node, "this number is too large for a float (at most about "
                                "1.8e308)")
            return node.value
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            left, right = self.read(node.left), self.read(node.right)
            return getattr(as_value(left), _BINARY[type(node.op)])(right)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            operand = self.read(node.operand)
            if isinstance(node.op, ast.UAdd):
                return operand
            return -operand
        if isinstance(node, ast.Call):
            return self.call(node)
        kind = _DESCRIBE.get(type(node)) or _DESCRIBE.get(type(getattr(node, "op", None)))
        raise self.fail(node, f"unsupported syntax: {kind or type(node).__name__}")

    def name(self, node: ast.Name) -> Value:
        if node.id.startswith("__"):
            raise self.fail(node, f"names starting with '__' are not allowed: {node.id!r}")
        if node.id in FUNCTIONS:
            raise self.fail(node, f"{node.id!r} is a function: call it, as in {node.id}(x)")
        if node.id not in self.values:
            raise self.fail(node, f"no value given for {node.id!r} (give it, e.g. {node.id}=1.0)")
        self.used.add(node.id)
        return self.values[node.id]

    def call(self, node: ast.Call) -> Value:
        if not isinstance(node.func, ast.Name):
            raise self.fail(node.func, "only the engine's functions can be called, by name")
        if node.func.id.startswith("__"):
            raise self.fail(node.func, f"names starting with '__' are not allowed: "
                            f"{node.func.id!r}")
        name = ALIASES.get(node.func.id, node.func.id)
        if name not in UNARY + WITH_ALPHA:
            raise self.fail(node.func, f"unknown function {node.func.id!r}; known: "
                            + ", ".join(sorted(FUNCTIONS)))
        args = list(node.args) + [k.value for k in node.keywords]
        if any(k.arg != "alpha" for k in node.keywords) or not 1 <= len(args) <= (
                2 if name in WITH_ALPHA else 1):
            allowed = f"{name}(x, alpha)" if name in WITH_ALPHA else f"{name}(x)"
            raise self.fail(node, f"wrong arguments for {node.func.id}; use {allowed}")
        x = as_value(self.read(args[0]))
        if len(args) == 2:
            alpha = self.read(args[1])
            if isinstance(alpha, Value):
                raise self.fail(args[1], "alpha must be a number")
            return getattr(x, name)(alpha)
        return getattr(x, name)()


def parse(text: str, **values: Number) -> tuple[Value, dict[str, Value]]:
    """Build the graph of ``text`` with the named inputs set to ``values``.

    Returns:
        ``(output, inputs)``: the output Value and a dict name → input Value (labelled by name).

    Raises:
        ValueError: bad syntax, anything outside the whitelist, a name without a value, or a
            value given for a name the formula does not use; the message points at the part.
        TypeError: a value that is not a real number.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse needs the formula as a string, got {type(text).__name__}")
    if not text.strip():
        raise ValueError("the formula is empty; write one, e.g. \"ln(x1) + x1*x2 - sin(x2)\"")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as e:
        end = len(text.strip()) + 1
        col = max(1, min(e.offset or end, end))  # Python gives offset 0 when the text ends early
        raise ValueError(f"cannot read the formula {text.strip()!r}: {e.msg} at column "
                         f"{col}:\n  {text.strip()}\n"
                         f"  {' ' * (col - 1)}^") from None
    inputs = {name: Value(v, label=name) for name, v in values.items()}
    reader = _Reader(text.strip(), inputs)
    out = as_value(reader.read(tree.body))
    unused = sorted(set(inputs) - reader.used)
    if unused:
        raise ValueError(f"value given for {', '.join(unused)}, which the formula does not use")
    return out, {k: v for k, v in inputs.items() if k in reader.used}
