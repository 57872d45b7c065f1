"""Build a graph from a formula in text, e.g. ``parse("ln(x1) + x1*x2 - sin(x2)", x1=2, x2=5)``.

The text is read with `ast` and only a whitelist is accepted: numbers, names given a value,
``+ - * / **``, unary ``-``/``+``, and calls of the engine's functions (``ln`` is ``log``).
Nothing is ever evaluated by Python: every node is built through `Value`.
"""

from __future__ import annotations

import ast
import math
import sys
import unicodedata

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
MAX_FORMULA_CHARS = 10_000
"""The longest formula read: a graph of that size already fills pages of trace."""
_SHOWN = 70  # characters of a long formula shown around the place an error points at


def _excerpt(line: str, col: int, width: int) -> tuple[str, int]:
    """``line`` cut to about ``_SHOWN`` characters around columns col … col + width (0-based),
    with "…" where it is cut, and where col falls in the cut text."""
    if len(line) <= _SHOWN:
        return line, col
    start = max(0, min(col - _SHOWN // 3, len(line) - _SHOWN))
    cut = line[start:start + _SHOWN]
    head, tail = ("…" if start else ""), ("…" if start + _SHOWN < len(line) else "")
    return head + cut + tail, col - start + len(head)


def pointer(text: str, line: int, col: int, width: int = 1) -> str:
    """The formula's ``line`` (1-based) with ``^`` under characters col … col + width (0-based),
    indented two spaces, a long line shown only around that place."""
    shown, at = _excerpt(text.splitlines()[line - 1] if text else "", col, width)
    width = max(1, min(width, len(shown) - at))
    return f"  {shown}\n  {' ' * at}{'^' * width}"


class _Reader:
    def __init__(self, text: str, values: dict[str, Value]) -> None:
        self.text = text
        self.values = values
        self.used: set[str] = set()

    def fail(self, node: ast.AST, what: str) -> ValueError:
        # ast counts columns in bytes of UTF-8; the message counts characters
        line = self.text.splitlines()[node.lineno - 1].encode("utf-8")
        col = len(line[:node.col_offset].decode("utf-8", "ignore"))
        end = len(line[:node.end_col_offset].decode("utf-8", "ignore")) \
            if node.end_lineno == node.lineno else len(line.decode("utf-8"))
        return ValueError(f"{what} at column {col + 1}:\n"
                          f"{pointer(self.text, node.lineno, col, max(1, end - col))}")

    def read(self, root: ast.expr) -> Value | Number:
        """The node for ``root``, built children first with an explicit stack: a formula nested
        thousands deep (x+x+…+x, ----x) needs no recursion."""
        built: dict[int, Value | Number] = {}
        stack: list[tuple[ast.expr, bool]] = [(root, False)]
        while stack:
            node, ready = stack.pop()
            children = self.children(node)
            if ready:
                built[id(node)] = self.build(node, [built.pop(id(c)) for c in children])
            else:
                stack.append((node, True))
                stack.extend((c, False) for c in reversed(children))
        return built[id(root)]

    def children(self, node: ast.expr) -> list[ast.expr]:
        """The parts ``node`` is computed from, once its kind is checked against the whitelist."""
        if isinstance(node, ast.Constant | ast.Name):
            return []
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            return [node.left, node.right]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            return [node.operand]
        if isinstance(node, ast.Call):
            return self.call_arguments(node)
        kind = _DESCRIBE.get(type(node)) or _DESCRIBE.get(type(getattr(node, "op", None)))
        raise self.fail(node, f"unsupported syntax: {kind or type(node).__name__}")

    def build(self, node: ast.expr, parts: list[Value | Number]) -> Value | Number:
        if isinstance(node, ast.Constant):
            return self.number(node)
        if isinstance(node, ast.Name):
            return self.name(node)
        if isinstance(node, ast.BinOp):
            return getattr(as_value(parts[0]), _BINARY[type(node.op)])(parts[1])
        if isinstance(node, ast.UnaryOp):
            return parts[0] if isinstance(node.op, ast.UAdd) else -parts[0]
        name = ALIASES.get(node.func.id, node.func.id)
        if len(parts) == 2:
            if isinstance(parts[1], Value):
                raise self.fail(self.call_arguments(node)[1], "alpha must be a number")
            return getattr(as_value(parts[0]), name)(parts[1])
        return getattr(as_value(parts[0]), name)()

    def number(self, node: ast.Constant) -> Number:
        if isinstance(node.value, bool) or not isinstance(node.value, int | float):
            raise self.fail(node, f"only real numbers may appear, not {node.value!r}")
        if isinstance(node.value, int) and abs(node.value) > _LARGEST_INT \
                or isinstance(node.value, float) and math.isinf(node.value):
            raise self.fail(node, "this number is too large for a float (at most about 1.8e308)")
        return node.value

    def name(self, node: ast.Name) -> Value:
        if node.id.startswith("__"):
            raise self.fail(node, f"names starting with '__' are not allowed: {node.id!r}")
        if node.id in FUNCTIONS:
            raise self.fail(node, f"{node.id!r} is a function: call it, as in {node.id}(x)")
        if node.id not in self.values:
            raise self.fail(node, f"no value given for {node.id!r} (give it, e.g. {node.id}=1.0)")
        self.used.add(node.id)
        return self.values[node.id]

    def call_arguments(self, node: ast.Call) -> list[ast.expr]:
        """The arguments of a call of one of the engine's functions: x, and alpha where it has
        one; anything else is refused here."""
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
        return args


def _syntax_tree(text: str) -> ast.expr:
    """The expression tree of ``text`` (stripped, non-empty), or a ValueError pointing at where
    Python's reader stopped; a formula nested past what the reader takes is refused as such."""
    try:
        return ast.parse(text, mode="eval").body
    except SyntaxError as e:
        line = e.lineno or 1
        end = len(text.splitlines()[line - 1]) + 1
        col = max(1, min(e.offset or end, end))  # Python gives offset 0 when the text ends early
        raise ValueError(f"cannot read the formula: {e.msg} at column {col}:\n"
                         f"{pointer(text, line, col - 1)}") from None
    except (RecursionError, MemoryError):
        # CPython's reader gives up past a few thousand levels (x+x+…+x, or ----x)
        raise ValueError("the formula is too deeply nested to read (thousands of levels of "
                         "operations or parentheses); write it in smaller parts") from None


def _names(values: dict[str, Number]) -> dict[str, str]:
    """Each given name in the form Python reads it in a formula (NFKC: "µ" is "μ"), mapped to
    the name as given; two given names that read the same are refused."""
    read: dict[str, str] = {}
    for given in values:
        name = unicodedata.normalize("NFKC", given)
        if name in read:
            raise ValueError(f"{read[name]!r} and {given!r} are the same name in a formula; "
                             "give a value once")
        read[name] = given
    return read


def parse(text: str, /, **values: Number) -> tuple[Value, dict[str, Value]]:
    """Build the graph of ``text`` with the named inputs set to ``values`` (any name may be used,
    ``text`` too: the formula is passed by position).

    Returns:
        ``(output, inputs)``: the output Value and a dict name → input Value (labelled by name).

    Raises:
        ValueError: bad syntax, anything outside the whitelist, a name without a value, a value
            given for a name the formula does not use, or a formula longer than
            `MAX_FORMULA_CHARS`; the message points at the part.
        TypeError: a value that is not a real number.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse needs the formula as a string, got {type(text).__name__}")
    text = text.strip()
    if not text:
        raise ValueError("the formula is empty; write one, e.g. \"ln(x1) + x1*x2 - sin(x2)\"")
    if len(text) > MAX_FORMULA_CHARS:
        raise ValueError(f"the formula has {len(text):,} characters, more than the "
                         f"{MAX_FORMULA_CHARS:,} backprop-lab reads")
    tree = _syntax_tree(text)
    given = _names(values)
    inputs = {name: Value(values[g], label=name) for name, g in given.items()}
    reader = _Reader(text, inputs)
    out = as_value(reader.read(tree))
    unused = sorted(given[name] for name in set(inputs) - reader.used)
    if unused:
        raise ValueError(f"value given for {', '.join(unused)}, which the formula does not use")
    return out, {k: v for k, v in inputs.items() if k in reader.used}
