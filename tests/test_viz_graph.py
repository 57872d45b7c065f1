"""draw_graph: forward nodes show label, op and value; backward nodes their adjoint and each edge
the local derivative ∂child/∂parent; large graphs are refused at once; pictures save by suffix."""

import math
import re
import time

import pytest
import sympy
from worked_by_hand import SLIDE, by_hand

from autograd_core import Value, linear, parse, topological_order
from lab.examples import worked_example_step
from viz import DotNotFoundError, Drawing, GraphTooLargeError, draw_graph, drawing
from viz.drawing import number


def nodes_and_edges(source: str) -> tuple[dict[str, str], list[tuple[str, str, str | None]]]:
    """DOT ids → node names (the label in brackets of "v₃ (o4)", else the bare vᵢ), and edges
    (parent name, child name, label or None)."""
    names = {k: re.sub(r"^v\S* \((.*)\)$", r"\1", name) for k, name in
             re.findall(r"^\t(n\d+) \[label=<<B>([^<]*)</B>", source, flags=re.M)}
    edges = [(names[a], names[b], label or None) for a, b, label in
             re.findall(r"^\t(n\d+) -> (n\d+)(?: \[label=\"([^\"]*)\")?", source, flags=re.M)]
    return names, edges


def unminus(text: str) -> float:
    return float(text.replace("−", "-"))


def test_forward_nodes_show_label_op_and_value_of_the_lecture_formula():
    y, _ = parse("ln(x1) + x1*x2 - sin(x2)", x1=2, x2=5)
    source = draw_graph(y, digits=3).source
    # by hand: ln 2 = 0.693, 2·5 = 10, sin 5 = −0.959, y = 0.693 + 10 + 0.959 = 11.652; named
    # as the survey's trace names them (inputs v₋₁ = x1, v₀ = x2), ln as the lecture writes it
    assert "<B>v₋₁ (x1)</B><BR/>value 2> shape=box" in source
    assert '<FONT POINT-SIZE="10">= ln v₋₁</FONT><BR/>value 0.693' in source
    assert '<FONT POINT-SIZE="10">= sin v₀</FONT><BR/>value −0.959' in source
    assert '<B>v₅ (y)</B><BR/><FONT POINT-SIZE="10">= v₄ − v₃</FONT><BR/>value 11.652' in source
    assert "grad" not in source and "label=\"" not in source  # forward: no adjoints, no edge labels


def test_backward_edge_labels_are_the_sympy_local_derivatives_of_each_primitive():
    x1, x2 = sympy.symbols("x1 x2")
    y, _ = parse("ln(x1) + x1*x2 - sin(x2)", x1=2, x2=5)
    y.backward()
    _, edges = nodes_and_edges(draw_graph(y, mode="backward", digits=6).source)
    at = {x1: 2, x2: 5}
    # v1 = ln x1, v2 = x1·x2, v3 = sin x2, v4 = v1 + v2, y = v4 − v3 (the survey's numbering)
    expected = {("x1", "v₁"): sympy.diff(sympy.log(x1), x1), ("x1", "v₂"): x2,
                ("x2", "v₂"): x1, ("v₁", "v₄"): 1, ("v₂", "v₄"): 1,
                ("x2", "v₃"): sympy.diff(sympy.sin(x2), x2), ("v₄", "y"): 1, ("v₃", "y"): -1}
    assert {(p, c) for p, c, _ in edges} == set(expected)
    for parent, child, label in edges:
        exact = float(sympy.sympify(expected[parent, child]).subs(at))
        assert unminus(label) == pytest.approx(exact, abs=1e-6), (parent, child)


def test_backward_nodes_show_the_adjoints_dy_dx1_5_5_and_dy_dx2_1_716():
    y, _ = parse("ln(x1) + x1*x2 - sin(x2)", x1=2, x2=5)
    y.backward()
    source = draw_graph(y, mode="backward").source
    # by hand: ∂y/∂x1 = 1/x1 + x2 = 5.5, ∂y/∂x2 = x1 − cos x2 = 2 − cos 5
    assert f"grad {number(0.5 + 5, 3)}" == "grad 5.5"
    assert f"grad {number(2 - math.cos(5), 3)}" == "grad 1.716"
    assert "grad 5.5" in source
    assert "grad 1.716" in source


def test_worked_example_backward_edges_equal_the_engines_local_derivatives_and_the_hand_ones():
    step = worked_example_step()
    hand = by_hand("squared")
    by_label = {v.label: v for v in topological_order(step.graph) if v.label}
    _, edges = nodes_and_edges(draw_graph(step.graph, mode="backward", digits=6).source)
    labelled = [(p, c, lab) for p, c, lab in edges if c.startswith(("i", "o"))]
    # each hidden net input: 3 weights, 3 inputs, a bias; the output net: 2, 2, 1; three σ edges
    assert len(labelled) == 2 * 7 + 5 + 3
    inputs = {"x1": 1.0, "x2": 0.0, "x3": 1.0, "o4": hand["o4"], "o5": hand["o5"]}
    for parent, child, label in labelled:
        node = by_label[child]
        engine = dict(zip([p.label for p in node.parents], node.local_grads, strict=True))[parent]
        assert label == number(engine, 6)
        if child.startswith("o"):  # ∂o/∂i = σ(i)(1 − σ(i)), the slide's derivative
            o = hand[child]
            assert unminus(label) == pytest.approx(o * (1 - o), abs=1e-6)
        elif parent.startswith("w"):  # ∂i_j/∂w_ij = o_i (or x_i)
            assert unminus(label) == pytest.approx(inputs[_source(parent)], abs=1e-6)
        elif parent.startswith("b"):
            assert unminus(label) == 1.0
        else:  # ∂i_j/∂o_i = w_ij
            assert unminus(label) == pytest.approx(SLIDE[f"w{parent[1:]}{child[1:]}"], abs=1e-6)


def _source(weight: str) -> str:
    i = weight[1]
    return f"x{i}" if int(i) <= 3 else f"o{i}"


def test_backward_graph_before_backward_is_refused_with_a_hint():
    y, _ = parse("x1*x2", x1=2, x2=5)
    with pytest.raises(ValueError, match=r"call output.backward\(\)"):
        draw_graph(y, mode="backward")


def test_collapsed_neurons_draw_one_node_per_unit_with_the_chain_rule_inside():
    step = worked_example_step()
    source = draw_graph(step.graph, mode="backward", collapse_neurons=True, digits=6).source
    names, edges = nodes_and_edges(source)
    assert {"o4", "o5", "o6"} <= set(names.values())
    assert not {"i4", "w14", "b4", "w46"} & set(names.values())  # merged into their units
    assert "sigmoid ∘ linear" in source
    hand = by_hand("squared")
    label = {(p, c): lab for p, c, lab in edges}
    # ∂o6/∂o4 = σ'(i6)·w46 = o6(1 − o6)·(−0.3)
    assert unminus(label["o4", "o6"]) == pytest.approx(hand["o6"] * (1 - hand["o6"]) * -0.3,
                                                       abs=1e-6)


def _chain_of_products(n):
    y = Value(1.0, label="x")
    for _ in range(n):
        y = y * 1.0
    return y


def _cpu_seconds_refusing(y):
    """CPU time (other processes do not count) of draw_graph refusing ``y`` 20 times, least of
    five tries (one refusal alone takes a tenth of a millisecond: noise would decide)."""
    times = []
    for _ in range(5):
        start = time.process_time()
        for _ in range(20):
            with pytest.raises(GraphTooLargeError, match="collapse_neurons=True"):
                draw_graph(y)
        times.append(time.process_time() - start)
    return min(times)


def test_a_million_node_graph_is_refused_without_walking_it_suggesting_collapse():
    # refused after the first nodes past the limit: a graph 100 times longer takes about as
    # long to refuse, not 100 times as long
    short, long = _chain_of_products(10_000), _chain_of_products(1_000_000)
    assert _cpu_seconds_refusing(long) / _cpu_seconds_refusing(short) < 10


def test_wide_mlp_graph_refused_even_when_collapsed_past_max_nodes():
    xs = [Value(1.0, label=f"x{i}") for i in range(30)]
    hidden = [linear([0.1] * 30, xs, 0.0).sigmoid() for _ in range(30)]
    out = linear([0.1] * 30, hidden, 0.0)
    with pytest.raises(GraphTooLargeError, match="even with its units collapsed"):
        draw_graph(out, collapse_neurons=True, max_nodes=40)
    assert draw_graph(out, collapse_neurons=True, max_nodes=100).source.count("sigmoid ∘") == 30


def _no_dot(*args, **kwargs):
    raise AssertionError("dot was run")


def test_a_dense_layer_collapsed_is_refused_for_its_10100_edges_before_dot_runs(monkeypatch):
    xs = [Value(1.0, label=f"x{i}") for i in range(100)]
    hidden = [linear([0.1] * 100, xs, 0.0).sigmoid() for _ in range(100)]
    out = linear([0.1] * 100, hidden, 0.0)
    # 201 drawn nodes fit max_nodes=500, but the edges are 100·100 into the units + 100 out of
    # them = 10,100; dot needs minutes for that many, so the picture is refused before dot runs
    monkeypatch.setattr(drawing, "render", _no_dot)
    with pytest.raises(GraphTooLargeError, match="10100 edges even with its units collapsed, "
                                                 "more than max_edges=2000"):
        draw_graph(out, collapse_neurons=True).svg()
    _, edges = nodes_and_edges(draw_graph(out, collapse_neurons=True, max_edges=10_100).source)
    assert len(edges) == 10_100


def test_a_huge_graph_refused_when_already_collapsed_does_not_suggest_collapsing_again():
    y = Value(1.0, label="x")
    for _ in range(60_000):
        y = y.sin()
    with pytest.raises(GraphTooLargeError, match="more than 50000 nodes") as refused:
        draw_graph(y, collapse_neurons=True)  # 100 × max_nodes = 50,000 nodes are read at most
    assert "draw it with collapse_neurons=True" not in str(refused.value)


@pytest.mark.parametrize("kwargs, message", [
    ({"mode": "sideways"}, "mode must be one of forward, backward, both"),
    ({"rankdir": "up"}, "rankdir must be one of"),
    ({"digits": 0}, "digits is how many decimals .* from 1 to 17; got 0"),
    ({"digits": 2.5}, "digits is how many decimals .* got 2.5"),
    ({"max_nodes": 0}, "max_nodes must be a positive whole number"),
    ({"max_edges": 2.5}, "max_edges must be a positive whole number"),
])
def test_bad_options_are_named_in_the_error(kwargs, message):
    y, _ = parse("x1*x2", x1=2, x2=5)
    with pytest.raises(ValueError, match=message):
        draw_graph(y, **kwargs)


def test_drawing_a_number_instead_of_a_value_is_a_type_error():
    with pytest.raises(TypeError, match="draw_graph needs a Value"):
        draw_graph(3.0)


def test_top_to_bottom_direction_is_in_the_dot_source():
    y, _ = parse("x1*x2", x1=2, x2=5)
    assert "rankdir=TB" in draw_graph(y, rankdir="TB").source


def test_save_chooses_svg_png_or_dot_by_suffix(tmp_path):
    y, _ = parse("x1*x2", x1=2, x2=5)
    drawing = draw_graph(y)
    assert drawing.save(tmp_path / "g.svg").read_text().lstrip().startswith("<?xml")
    assert drawing.save(tmp_path / "g.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert drawing.save(tmp_path / "g.dot").read_text() == drawing.source
    assert "<svg" in drawing._repr_svg_()


def test_save_with_unknown_suffix_or_missing_folder_says_so(tmp_path):
    drawing = Drawing("digraph { a -> b }")
    with pytest.raises(ValueError, match="cannot tell the picture format"):
        drawing.save(tmp_path / "g.jpeg")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        drawing.save(tmp_path / "missing" / "g.dot")


def test_rendering_without_dot_installed_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no dot on the PATH
    with pytest.raises(DotNotFoundError, match="apt-get install graphviz"):
        Drawing("digraph { a -> b }").save(tmp_path / "g.svg")
    # the DOT source needs no program
    assert Drawing("digraph { a -> b }").save(tmp_path / "g.dot").exists()


def test_a_batched_graph_shows_each_node_as_the_mean_over_its_examples():
    import numpy as np

    from autograd_core import BatchValue, batch_mean
    w = Value(0.5, label="w")
    x = BatchValue(np.array([1.0, 2.0, 3.0]), label="x")
    loss = batch_mean(w * x)
    loss.backward()
    dot = draw_graph(loss, mode="both").source
    assert "value 2 (mean of 3)" in dot  # x: (1 + 2 + 3) / 3
    assert 'label="2 (mean of 3)"' in dot  # ∂(w·x)/∂w = x on the edge from w
    assert "grad 2<" in dot  # ∂L/∂w = mean x = 2


def test_backward_picture_shows_values_with_adjoints_and_the_target_as_t_1():
    step = worked_example_step()
    source = draw_graph(step.graph, mode="backward").source
    hand = by_hand("squared")
    d4, d5 = hand["delta"]["4"], hand["delta"]["5"]
    # ∂E/∂x1 = −(w14·δ4 + w15·δ5) = −(0.2·(−0.0174) + (−0.3)·(−0.0131)) ≈ −0.00044: not "0"
    de_dx1 = -(SLIDE["w14"] * d4 + SLIDE["w15"] * d5)
    assert number(de_dx1, 3) == "−0.000435"
    assert "<B>v₋₈ (x1)</B><BR/>value 1<BR/><FONT COLOR=\"#b22222\">grad −0.000435</FONT>" \
        in source
    assert "<B>t = 1</B>" in source  # the target, as the lecture names it


def test_inputs_keep_their_order_top_to_bottom_in_the_forward_and_the_backward_picture():
    import json

    from viz.drawing import render
    step = worked_example_step()
    for mode in ("forward", "backward"):
        placed = json.loads(render(draw_graph(step.graph, mode=mode).source, "json"))
        height = {re.search(r"\((x\d)\)", o["label"])[1]: float(o["pos"].split(",")[1])
                  for o in placed["objects"] if re.search(r"\(x\d\)", o.get("label", ""))}
        assert sorted(height, key=height.get, reverse=True) == ["x1", "x2", "x3"], mode
