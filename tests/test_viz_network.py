"""draw_network: the slide's diagram, units numbered 1..6, edges w14 … w56 with their values, each
unit's bias, net input, output and error term, and the after-update view old → new."""

import html
import re

import pytest
from worked_by_hand import SLIDE, by_hand

from lab.examples import WORKED_INPUTS, worked_example, worked_example_step
from nn import MLP
from viz import draw_network
from viz.drawing import number


def svg_text(drawing) -> str:
    """Every text element of the rendered SVG, entities decoded."""
    return "\n".join(html.unescape(t) for t in re.findall(r"<text[^>]*>([^<]*)</text>",
                                                           drawing.svg()))


def test_worked_example_svg_has_units_1_to_6_every_parameter_name_and_the_slides_values():
    model = worked_example()
    model(WORKED_INPUTS)
    text = svg_text(draw_network(model, inputs=WORKED_INPUTS))
    lines = set(text.splitlines())
    assert {"1", "2", "3", "4", "5", "6"} <= lines
    for name, value in SLIDE.items():  # the slide: w14 = 0.2, w15 = −0.3, …, b6 = 0.1
        assert f"{name} = {value:g}".replace("-", "−") in lines, name
    # the slide's forward pass: i4 = −0.7, o4 = 0.332, i5 = 0.1, o5 = 0.525; o6 = 0.474 (textbook)
    for expected in ("i4 = −0.7", "o4 = 0.332", "i5 = 0.1", "o5 = 0.525", "o6 = 0.474",
                     "x1 = 1", "x2 = 0", "x3 = 1"):
        assert expected in lines


def test_error_terms_appear_after_backward_as_the_textbook_err6_0_131_err5_err4():
    model = worked_example()
    out = model(WORKED_INPUTS)
    (0.5 * (1.0 - out) ** 2).backward()  # the textbook's ½(t − o)²
    source = draw_network(model).source
    hand = by_hand("half-squared")["delta"]
    for unit in ("4", "5", "6"):  # textbook: Err6 = 0.1311, Err5 = −0.0065, Err4 = −0.0087
        assert f"δ{unit} = {number(hand[unit], 3)}" in source
    assert "δ6 = 0.131" in source


def test_after_update_view_shows_old_and_new_as_in_the_textbook_table():
    step = worked_example_step(loss="half-squared")
    source = draw_network(step.model, old=step.old).source
    # Han, Kamber & Pei's table of updated weights (lr 0.9), rounded to 3 places
    for name, old, new in [("w46", "−0.3", "−0.261"), ("w56", "−0.2", "−0.138"),
                           ("w14", "0.2", "0.192"), ("w15", "−0.3", "−0.306"),
                           ("w24", "0.4", "0.4"), ("w25", "0.1", "0.1"),
                           ("w34", "−0.5", "−0.508"), ("w35", "0.2", "0.194"),
                           ("b6", "0.1", "0.218"), ("b5", "0.2", "0.194"),
                           ("b4", "−0.4", "−0.408")]:
        assert f"{name}: {old} → {new}" in source, name


def test_units_are_numbered_in_order_and_edges_go_from_unit_i_to_unit_j():
    source = draw_network(worked_example()).source
    edges = re.findall(r'\tu(\d) -> u(\d) \[id="w\d-\d" label=<(w\d\d) = ', source)
    assert {(f"w{i}{j}", name) for i, j, name in edges} == {(n, n) for n in
                                                           [k for k in SLIDE if k[0] == "w"]}


def test_highlighted_unit_and_weight_are_drawn_in_colour():
    source = draw_network(worked_example(), highlight={"4", "w46"}).source
    assert re.search(r"\tu4 \[label=.*fillcolor", source)
    assert re.search(r'u4 -> u6 \[id="w4-6" label=<w46 = −0.3> color=', source)
    assert not re.search(r"\tu5 \[label=.*fillcolor", source)


def test_wrong_inputs_length_and_non_models_are_refused_clearly():
    with pytest.raises(ValueError, match="expected 3 inputs, got 2"):
        draw_network(worked_example(), inputs=[1.0, 0.0])
    with pytest.raises(TypeError, match="inputs must be numbers"):
        draw_network(worked_example(), inputs=["1", 0.0, 1.0])
    with pytest.raises(TypeError, match="draw_network needs an MLP"):
        draw_network("3-2-1")


def test_a_network_too_large_to_read_is_refused_naming_its_size():
    with pytest.raises(ValueError, match="this network has 131 units, more than max_units=60"):
        draw_network(MLP(64, [64, 3]))


def test_target_t_1_and_error_e_stand_beside_the_output_unit():
    step = worked_example_step()
    hand = by_hand("squared")
    lines = set(svg_text(draw_network(step.model, target=1.0, loss=step.loss)).splitlines())
    assert "t = 1" in lines
    assert f"E = {number((1 - hand['o6']) ** 2, 3)}" in lines  # E = (t − o6)², by hand
    assert "E = 0.277" in lines


def test_each_output_unit_gets_its_own_target_and_one_e_sums_over_them():
    model = MLP(2, [2, 2], activation="sigmoid", seed=0)
    source = draw_network(model, target=[1.0, 0.0], loss=0.5).source
    # output units 5 and 6, each target named after its unit
    assert 'target5 [label="t5 = 1"' in source and 'target6 [label="t6 = 0"' in source
    assert source.count("-> E [") == 2
    with pytest.raises(ValueError, match=r"target must be 2 number\(s\), one per output unit"):
        draw_network(model, target=1.0)


def test_a_gradient_stays_on_its_edge_under_the_weight():
    step = worked_example_step()
    lines = svg_text(draw_network(step.model, params=step.old,
                                  gradients={"w46": step.gradients["w46"]})).splitlines()
    # ∂E/∂w46 = −2(t − o6)·o6(1 − o6)·o4 for E = (t − o6)², by hand
    hand = by_hand("squared")
    by_hand_w46 = -2 * (1 - hand["o6"]) * hand["o6"] * (1 - hand["o6"]) * hand["o4"]
    assert lines[lines.index("w46 = −0.3") + 1] == f"∂E/∂w46 = {number(by_hand_w46, 3)}"
    assert not any(line.startswith("∂E/∂w56") for line in lines)
