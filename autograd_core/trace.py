"""Evaluation traces in the notation of Baydin et al., "Automatic Differentiation in Machine
Learning: a Survey" (JMLR 2018): inputs v₋ₙ₊₁ … v₀, intermediates v₁ … vₗ, adjoints v̄ᵢ = ∂y/∂vᵢ.

The primal trace lists each vᵢ with its defining expression and value; the adjoint trace lists, in
reverse, each contribution v̄ₚ += v̄ᵢ · ∂vᵢ/∂vₚ as reverse-mode accumulation performs it (a row's
"from" names the vᵢ it comes from).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .graph import backward_walk, by_depth, topological_order, zero_grad
from .rules import RULES
from .value import Constant, Value

_SUB = str.maketrans("-0123456789", "₋₀₁₂₃₄₅₆₇₈₉")
BAR = "\u0304"  # combining macron: v̄
MAX_DIGITS = 17  # a float holds about 17 significant digits; more decimals would be noise


def _width(text: str) -> int:
    return len(text) - text.count(BAR)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def _fmt(x: float, digits: int) -> str:
    """x with ``digits`` decimals, or from 1e16 on as 1.000e+200: the hundreds of digits of a
    huge float are all noise (its 17 significant ones are shown either way)."""
    return f"{x:.{digits}e}" if abs(x) >= 1e16 else f"{x:.{digits}f}"


def row_expression(row: dict[str, Any]) -> str:
    """The expression column of a trace row: "v̄₅ · ∂v₅/∂v₃ = v̄₅ × −1" for an adjoint
    contribution (the chain-rule term, then its local derivative in symbols)."""
    return f"{row['expr']} = {row['symbolic']}" if "symbolic" in row else row["expr"]


def render_rule_text(template: Any, names: list[str], params: tuple[float, ...],
                     index: int = -1) -> str:
    """A rule's text (``Rule.expr``, or ``Rule.derivs[index]``) with its inputs named ``names``:
    ``render_rule_text("ln {0}", ["v₋₁"], ())`` is "ln v₋₁"."""
    if callable(template):
        return template(names) if index < 0 else template(names, index)
    text = template if index < 0 else template[index]
    return text.format(*names, **{f"p{i}": f"{p:g}" for i, p in enumerate(params)})


@dataclass
class Trace:
    """A primal and an adjoint evaluation trace; ``str()`` gives text, `to_markdown` a table."""

    output: float
    gradients: dict[str, float]
    primal: list[dict[str, Any]] = field(default_factory=list)
    adjoint: list[dict[str, Any]] = field(default_factory=list)
    digits: int = 3

    def to_dict(self) -> dict[str, Any]:
        """Plain data: ``{"output", "gradients", "primal", "adjoint"}``, JSON-ready."""
        return {"output": self.output, "gradients": dict(self.gradients),
                "primal": [dict(r) for r in self.primal],
                "adjoint": [dict(r) for r in self.adjoint]}

    def _lines(self, rows: list[dict[str, Any]]) -> list[tuple[str, str, str]]:
        return [(r["var"], row_expression(r), _fmt(r["value"], self.digits)) for r in rows]

    def to_text(self) -> str:
        """Both traces as aligned text, the way the survey's table prints them."""
        out = []
        for title, rows in (("Forward primal trace", self.primal),
                            ("Reverse adjoint trace", self.adjoint)):
            lines = self._lines(rows)
            w1 = max(_width(a) for a, _, _ in lines)
            w2 = max(_width(b) for _, b, _ in lines)
            out.append(title)
            width = self.digits + 5
            out += [f"  {_pad(a, w1)} = {_pad(b, w2)} = {c:>{width}}" for a, b, c in lines]
            out.append("")
        out.append(f"Gradient: {self._gradient_text()}")
        return "\n".join(out)

    def _gradient_text(self) -> str:
        return ", ".join(f"∂y/∂{k} = {_fmt(v, self.digits)}" for k, v in self.gradients.items()
                         ) or "none (the formula has no inputs, only numbers)"

    def to_markdown(self) -> str:
        """Both traces as Markdown tables."""
        out = []
        for title, rows in (("Forward primal trace", self.primal),
                            ("Reverse adjoint trace", self.adjoint)):
            out += [f"**{title}**", "", "| variable | expression | value |", "|---|---|---:|"]
            out += [f"| {a} | {b} | {c} |" for a, b, c in self._lines(rows)]
            out.append("")
        out.append(f"**Gradient:** {self._gradient_text()}")
        return "\n".join(out)

    def __str__(self) -> str:
        return self.to_text()

    def _repr_markdown_(self) -> str:
        return self.to_markdown()


def _numbering(output: Value, inputs: Sequence[Value] | None
               ) -> tuple[list[Value], list[Value], list[Value]]:
    order = by_depth(topological_order(output))
    constants = [v for v in order if isinstance(v, Constant)]
    leaves = [v for v in order if not v.parents and not isinstance(v, Constant)]
    if inputs is not None:
        inputs = list(inputs)
        for v in inputs:
            if not isinstance(v, Value):
                raise TypeError(f"inputs must be the input Values, got {type(v).__name__}: {v!r}")
            if v.parents:
                raise ValueError(f"inputs must be leaves, but {_name_of(v)} is computed by "
                                 f"op '{v.op}'")
        if len(set(inputs)) < len(inputs):
            seen: set[Value] = set()
            twice = next(v for v in inputs if v in seen or seen.add(v))
            raise ValueError(f"{_name_of(twice)} is given twice in inputs")
        given = set(inputs)
        missing = [v for v in leaves if v not in given]
        if missing:
            raise ValueError(f"inputs leaves out {', '.join(_name_of(v) for v in missing)}")
        leaves = list(inputs)
    inner = [v for v in order if v.parents]
    return leaves, inner, constants


def _name_of(v: Value) -> str:
    return v.label or repr(v)


def input_names(leaves: Sequence[Value]) -> list[str]:
    """What each input is called in the formula: its label, else x1, x2, … by position,
    skipping a name another input has as its label (so no two inputs share a name unless their
    labels do)."""
    taken = {v.label for v in leaves if v.label}
    return [v.label or next(name for k in range(i + 1, i + 2 + len(taken))
                            if (name := f"x{k}") not in taken)
            for i, v in enumerate(leaves)]


def variable_names(output: Value, inputs: Sequence[Value] | None = None
                   ) -> tuple[dict[Value, str], dict[Value, str]]:
    """Baydin's names of the nodes of ``output``'s graph: inputs v₋ₙ₊₁ … v₀ (in the order of
    ``inputs``, default first use), intermediates v₁ … vₗ by depth; and what each input is
    called in the formula (`input_names`). Constants have no name."""
    leaves, inner, _ = _numbering(output, inputs)
    n = len(leaves)
    pretty = {v: "v" + str(i - n + 1).translate(_SUB) for i, v in enumerate(leaves)}
    pretty.update({v: "v" + str(i + 1).translate(_SUB) for i, v in enumerate(inner)})
    return pretty, dict(zip(leaves, input_names(leaves), strict=True))


def _refuse_shared_labels(leaves: Sequence[Value]) -> None:
    """Two inputs labelled alike would overwrite one another's gradient, keyed by name."""
    seen: set[str] = set()
    twice = next((v.label for v in leaves if v.label and (v.label in seen or seen.add(v.label))),
                 None)
    if twice is not None:
        raise ValueError(f"two inputs are labelled {twice!r}: give them different labels, so "
                         "that each gradient has its own name")


def trace(output: Value, inputs: Sequence[Value] | None = None, digits: int = 3) -> Trace:
    """The primal and adjoint traces of ``output`` (this runs its backward pass, after resetting
    the adjoints of its graph, so the numbers are ∂output/∂v for this output alone).

    Args:
        output: the Value y.
        inputs: the input leaves in the order to number them (default: order of first use).
        digits: decimals shown in text and Markdown, 0 to 17 (the dict keeps full precision).
    """
    if isinstance(digits, bool) or not isinstance(digits, int) or not 0 <= digits <= MAX_DIGITS:
        raise ValueError(f"digits is the number of decimals shown, a whole number from 0 to "
                         f"{MAX_DIGITS}; got {digits!r}")
    if not isinstance(output, Value):
        raise TypeError(f"trace needs the output Value, got {type(output).__name__}: {output!r}")
    if isinstance(output, Constant):
        raise ValueError(f"nothing to trace: the output is the constant {output.data:g}, "
                         "computed from no input")
    leaves, inner, constants = _numbering(output, inputs)
    _refuse_shared_labels(leaves)
    pretty, formula_names = variable_names(output, inputs)

    def show(v: Value) -> str:
        return pretty[v] if v in pretty else f"{v.data:g}"

    primal = [{"var": pretty[v], "expr": formula_names[v], "value": v.data} for v in leaves]
    for v in inner:
        rule = RULES[v.op]
        primal.append({"var": pretty[v], "op": v.op,
                       "expr": render_rule_text(rule.expr, [show(p) for p in v.parents], v.params),
                       "value": v.data})
    primal.append({"var": "y", "expr": show(output), "value": output.data})

    zero_grad(constants + leaves + inner)
    bar = {v: p[0] + BAR + p[1:] for v, p in pretty.items()}
    adjoint = [{"var": bar[output], "expr": "ȳ", "value": 1.0}]
    latest: dict[Value, float] = {output: 1.0}  # each adjoint's running sum, as the rows show it
    for node in backward_walk(output, order=constants + leaves + inner):
        if node not in pretty:
            continue
        names = [show(p) for p in node.parents]
        for i, (p, local) in enumerate(zip(node.parents, node.local_grads)):
            if p not in pretty:
                continue
            grad_term = f"{bar[node]} · ∂{pretty[node]}/∂{pretty[p]}"
            d = render_rule_text(RULES[node.op].derivs, names, node.params, i)
            accumulate = p in latest
            latest[p] = latest.get(p, 0.0) + local * node.grad
            adjoint.append({
                "var": bar[p], "from": pretty[node],
                "expr": f"{bar[p]} + {grad_term}" if accumulate else grad_term,
                "symbolic": f"{bar[p]} + {bar[node]} × {d}" if accumulate else f"{bar[node]} × {d}",
                "local": local, "value": latest[p],
            })
    gradients = {formula_names[v]: v.grad for v in leaves}
    return Trace(output.data, gradients, primal, adjoint, digits)
