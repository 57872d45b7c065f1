"""viz.tables: the worked example's three stages in the textbook's layout, and the evaluation
traces of `autograd_core.trace`, each as text, Markdown and HTML."""

import math

from worked_by_hand import SLIDE, by_hand

from autograd_core import parse, trace
from lab.examples import worked_example_step
from viz.tables import trace_tables, worked_example_tables


def test_worked_example_tables_have_the_textbooks_columns_and_the_hand_numbers():
    forward, errors, updates = worked_example_tables(worked_example_step(loss="half-squared"))
    hand = by_hand("half-squared")
    assert list(forward.headers) == ["unit", "net input", "output"]
    assert list(errors.headers) == ["unit", "error"]
    assert list(updates.headers) == ["parameter", "old", "gradient", "step", "new"]
    # the textbook: i4 = −0.7, o4 = 0.332; Err6 = 0.1311; w46 ← −0.3 + 0.9·0.1311·0.332 = −0.261
    assert f"| 4 | -0.7000 | {hand['o4']:.4f} |" in forward.to_markdown()
    assert f"<td>6</td><td>{hand['delta']['6']:.4f}</td>" in errors.to_html()
    w46 = next(line for line in updates.to_text().splitlines() if line.startswith("w46"))
    assert w46.split() == ["w46", "-0.3000", f"{hand['grads']['w46']:.4f}",
                           f"{-0.9 * hand['grads']['w46']:.4f}", f"{hand['new']['w46']:.4f}"]
    assert sorted(r[0] for r in updates.rows) == sorted(SLIDE)


def test_survey_trace_tables_show_the_local_derivative_as_the_survey_prints_it():
    y, _ = parse("ln(x1) + x1*x2 - sin(x2)", x1=2, x2=5)
    primal, adjoint = trace_tables(trace(y))
    # the survey's tables: v₃ = sin v₀ = −0.959; v̄₀ = v̄₃ × cos v₀ = −cos 5 = −0.284
    assert "<tr><td>v₃</td><td>sin v₀</td><td>−0.959</td></tr>" in primal.to_html()
    assert f"| v̄₀ | v̄₃ · ∂v₃/∂v₀ = v̄₃ × cos v₀ | {-math.cos(5):.3f} |" in adjoint.to_markdown()
    assert f"{-math.cos(5):.3f}" == "-0.284"
    # ∂y/∂x1 = 1/x1 + x2 = 5.5 is the last row, the second contribution to v̄₋₁
    assert adjoint.to_text().splitlines()[-1].split() == [
        "v̄₋₁", "v̄₋₁", "+", "v̄₁", "·", "∂v₁/∂v₋₁", "=", "v̄₋₁", "+", "v̄₁", "×", "1/v₋₁", "5.500"]


def test_trace_text_table_lines_up_the_value_column_despite_the_adjoint_bar():
    y, _ = parse("x1*x2 + x1", x1=3, x2=4)
    lines = trace_tables(trace(y))[1].to_text().splitlines()[1:]
    # the bar of v̄ is a combining mark: it takes no column, so every row ends in one column
    visible = [sum(c != "\u0304" for c in line) for line in lines]
    assert len(set(visible)) == 1, lines
