"""Check reverse-mode gradients against central differences, as PyTorch's ``gradcheck`` does.

numeric ∂f/∂xᵢ ≈ (f(x + ε·eᵢ) − f(x − ε·eᵢ)) / 2ε; a pair passes when
|analytic − numeric| ≤ atol + rtol·|numeric| (PyTorch's defaults: ε = 1e-6, atol = 1e-5,
rtol = 1e-3). At a kink (ReLU or |x| at 0) the two sides disagree by nature: check elsewhere.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from .value import Number, Value


class GradcheckError(AssertionError):
    """Reverse-mode and numeric gradients disagree; the message holds the whole report."""


@dataclass(frozen=True)
class GradcheckRow:
    """One input: its name, both derivatives and their difference."""

    name: str
    analytic: float
    numeric: float
    error: float
    ok: bool


@dataclass(frozen=True)
class GradcheckReport:
    """Per-input rows; true when every row passes."""

    rows: tuple[GradcheckRow, ...]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.rows)

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        lines = [f"{'input':<10} {'reverse mode':>16} {'central diff':>16} {'error':>10}"]
        lines += [f"{r.name:<10} {r.analytic:>16.9g} {r.numeric:>16.9g} {r.error:>10.2e}"
                  + ("" if r.ok else "  MISMATCH") for r in self.rows]
        return "\n".join(lines)


def gradcheck(f: Callable[..., Value], inputs: Sequence[Number] | Mapping[str, Number],
              eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
              raise_exception: bool = True) -> GradcheckReport:
    """Compare the gradient of ``f`` at ``inputs`` by `backward` with central differences.

    Args:
        f: takes one Value per input (positionally, or by name when ``inputs`` is a dict) and
            returns a Value.
        inputs: the point, as numbers.
        raise_exception: on a mismatch, raise `GradcheckError` (default, as PyTorch); when False,
            return the report, which is then false.

    Returns:
        The report: each input's name, reverse-mode and numeric derivative, and error.
    """
    if not callable(f):
        raise TypeError(f"gradcheck needs a function of Values as f, got {type(f).__name__}")
    by_name = isinstance(inputs, Mapping)
    if not isinstance(inputs, Iterable) or isinstance(inputs, str):
        raise TypeError("gradcheck needs the point as a list of numbers or a dict name → number, "
                        f"got {type(inputs).__name__}: {inputs!r}")
    values = list(inputs.values()) if by_name else list(inputs)
    if not values:
        raise ValueError("gradcheck needs at least one input to differentiate by")
    if not eps > 0:
        raise ValueError(f"eps is the step of the central difference and must be > 0, got {eps}")
    names = [str(n) for n in inputs] if by_name else [f"x{i + 1}" for i in range(len(values))]
    point = []
    for name, v in zip(names, values, strict=True):
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            raise TypeError(f"gradcheck: input {name} must be a real number, "
                            f"got {type(v).__name__}: {v!r}")
        point.append(float(v))

    def call(xs: Sequence[Value]) -> Value:
        out = f(**dict(zip(names, xs))) if by_name else f(*xs)
        if not isinstance(out, Value):
            raise TypeError(f"gradcheck needs f to return a Value, got {type(out).__name__}")
        return out

    xs = [Value(v, label=n) for v, n in zip(point, names)]
    call(xs).backward()
    rows = []
    for i, name in enumerate(names):
        def at(shift: float, i: int = i) -> float:
            return call([Value(v + (shift if j == i else 0.0)) for j, v in enumerate(point)]).data

        numeric = (at(eps) - at(-eps)) / (2 * eps)
        error = abs(xs[i].grad - numeric)
        rows.append(GradcheckRow(name, xs[i].grad, numeric, error,
                                 error <= atol + rtol * abs(numeric)))
    report = GradcheckReport(tuple(rows))
    if not report.ok and raise_exception:
        raise GradcheckError("reverse-mode and numeric gradients disagree:\n" + str(report))
    return report
