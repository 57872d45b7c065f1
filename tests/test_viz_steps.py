"""viz.steps: numbered frames, each a picture and one sentence; forward node by node, backward in
the order backward_walk visits, and for the worked example every parameter's update."""

import math

import pytest
from worked_by_hand import LR, SLIDE, by_hand

import nn
from autograd_core import Constant, backward_walk, parse, topological_order
from nn.examples import worked_example_step
from viz import Steps, steps
from viz.drawing import number


def n(x: float) -> str:
    return number(x, "{:.3g}")


@pytest.fixture(scope="module")
def worked() -> Steps:
    return steps(worked_example_step())


def test_worked_example_first_frame_shows_the_inputs_and_the_target(worked):
    assert worked[0].number == 1 and worked[0].phase == "forward"
    assert worked[0].text == "Inputs x1 = 1, x2 = 0, x3 = 1 enter units 1–3; the target is t = 1."


def test_worked_example_hidden_unit_4_sentences_are_the_slides(worked):
    texts = [f.text for f in worked]
    # the slide: i4 = (1 × 0.2 + 0 × 0.4 + 1 × −0.5) − 0.4 = −0.7; o4 = sigmoid(−0.7) = 0.332
    assert "i4 = w14·x1 + w24·x2 + w34·x3 + b4 = 0.2·1 + 0.4·0 + (−0.5)·1 + (−0.4) = −0.7" in texts
    assert "o4 = σ(i4) = σ(−0.7) = 0.332" in texts
    assert "o5 = σ(i5) = σ(0.1) = 0.525" in texts


def test_worked_example_loss_frame_is_t_minus_o6_squared(worked):
    hand = by_hand("squared")
    assert f"E = (t − o6)² = (1 − {n(hand['o6'])})² = {n(hand['E'])}" in [f.text for f in worked]
    assert n(hand["E"]) == "0.277"


def test_worked_example_gradient_of_w46_is_the_chain_rule_product(worked):
    hand = by_hand("squared")
    o6 = hand["o6"]
    # ∂E/∂w46 = ∂E/∂o6 · ∂o6/∂i6 · ∂i6/∂w46 = −2(t − o6) · o6(1 − o6) · o4
    expected = (f"∂E/∂w46 = ∂E/∂o6 · ∂o6/∂i6 · ∂i6/∂w46 = ({n(hand['dE/do6'])}) · "
                f"{n(o6 * (1 - o6))} · {n(hand['o4'])} = {n(hand['grads']['w46'])}")
    assert any(f.text.startswith(expected) for f in worked)


def test_worked_example_error_terms_follow_delta_h_equals_o_1_minus_o_times_w_delta(worked):
    hand = by_hand("squared")
    texts = [f.text for f in worked]
    d4 = [t for t in texts if t.startswith("δ4 = ")]
    assert len(d4) == 1 and d4[0].endswith(f"= {n(hand['delta']['4'])}")
    assert "w46·δ6" in d4[0]


def test_worked_example_updates_every_parameter_once_with_w_minus_lr_times_gradient(worked):
    hand = by_hand("squared")
    updates = [f for f in worked if f.phase == "update"][:-1]
    assert sorted(f.text.split(" ")[0] for f in updates) == sorted(SLIDE)
    w46 = next(f.text for f in updates if f.text.startswith("w46"))
    assert w46 == (f"w46 ← w46 − η·∂E/∂w46 = −0.3 − {n(LR)} · ({n(hand['grads']['w46'])}) = "
                   f"{n(hand['new']['w46'])}")


def test_worked_example_last_frame_shows_every_weight_old_to_new(worked):
    last = worked[-1]
    hand = by_hand("squared")
    assert last.number == len(worked) and last.phase == "update"
    for name, old in SLIDE.items():
        assert f"{name}: {n(old)} → {n(hand['new'][name])}" in last.picture.source, name


def test_worked_example_frames_are_numbered_from_1_in_phase_order(worked):
    assert [f.number for f in worked] == list(range(1, len(worked) + 1))
    phases = [f.phase for f in worked]
    assert phases == sorted(phases, key=["forward", "backward", "update"].index)
    # 1 inputs frame, 2 per unit, 1 loss; per unit one δ and one per parameter; 11 updates + 1
    assert len(worked) == 1 + 6 + 1 + (3 + 11) + (11 + 1)


def test_graph_steps_forward_node_by_node_then_backward_in_backward_walk_order():
    y, _ = parse("ln(x1) + x1*x2 - sin(x2)", x1=2, x2=5)
    frames = steps(y)
    texts = [f.text for f in frames]
    assert texts[0] == "Inputs: x1 = 2, x2 = 5."
    assert texts[1] == "v1 = ln x1 = ln 2 = 0.693"
    assert texts[2] == "v2 = x1 × x2 = 2 × 5 = 10"
    # numbered as the survey's trace numbers them (by depth): sin x2 is v3, computed from an input
    assert texts[3] == f"v3 = sin x2 = sin 5 = {n(math.sin(5))}"
    assert texts[4] == f"v4 = v1 + v2 = 0.693 + 10 = {n(math.log(2) + 10)}"
    backward = [f.text for f in frames if f.phase == "backward"]
    walked = [v for v in backward_walk(y) if not isinstance(v, Constant)]
    assert len(backward) == len(walked) + 1  # and a closing gradient frame
    names = ["y", "v4", "v3", "v2", "v1", "x2", "x1"]  # the trace's adjoint order
    assert [t.split(" = ")[0] for t in backward[1:-1]] == [f"∂y/∂{v}" for v in names[1:]]
    # ∂y/∂x1 = 1/x1 + x2 = 5.5 and ∂y/∂x2 = x1 − cos x2, by hand
    assert backward[-1] == f"Gradient: ∂y/∂x1 = 5.5, ∂y/∂x2 = {n(2 - math.cos(5))}."
    assert "∂y/∂x1 = ∂y/∂v1 · ∂v1/∂x1 + ∂y/∂v2 · ∂v2/∂x1 = 1 · 0.5 + 1 · 5 = 5.5" in backward


def test_graph_steps_reset_adjoints_so_repeated_steps_give_the_same_gradient():
    y, inputs = parse("x1*x2", x1=3, x2=4)
    y.backward()
    steps(y)
    steps(y)
    assert inputs["x1"].grad == 4.0 and inputs["x2"].grad == 3.0


def test_forward_frames_show_only_values_computed_so_far():
    y, _ = parse("x1*x2 + x1", x1=3, x2=4)
    frames = steps(y)
    assert "value ?" in frames[1].picture.source
    assert "value ?" not in frames[len(topological_order(y)) - 2].picture.source


def test_save_frames_writes_numbered_pictures_and_the_sentences(tmp_path):
    y, _ = parse("x1*x2", x1=3, x2=4)
    frames = steps(y)
    paths = frames.save_frames(tmp_path / "frames", fmt="svg")
    assert [p.name for p in paths] == [f"frame-{i:03d}.svg" for i in range(1, len(frames) + 1)]
    assert all(p.read_text().lstrip().startswith("<?xml") for p in paths)
    lines = (tmp_path / "frames" / "frames.txt").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "1. [forward] Inputs: x1 = 3, x2 = 4."
    with pytest.raises(FileNotFoundError, match="does not exist"):
        frames.save_frames(tmp_path / "no" / "frames")
    with pytest.raises(ValueError, match="svg, png or dot"):
        frames.save_frames(tmp_path / "frames", fmt="gif")
    (tmp_path / "notes.txt").write_text("a file, not a folder")
    with pytest.raises(NotADirectoryError, match="notes.txt: it is a file, not a folder"):
        frames.save_frames(tmp_path / "notes.txt")


def test_notebook_view_is_a_slider_with_every_frame_inline():
    y, _ = parse("x1*x2", x1=3, x2=4)
    frames = steps(y)
    view = frames._repr_html_()
    assert view.count('class="bp-frame"') == len(frames)
    assert 'type="range"' in view and view.count("<svg") == len(frames)
    assert '"), false);' in view  # in a notebook the arrow keys stay with the notebook


def test_steps_of_something_else_is_a_type_error_naming_what_it_needs():
    with pytest.raises(TypeError, match="steps needs a Value"):
        steps([1.0, 2.0])


def test_graph_steps_carry_the_primal_and_adjoint_traces_as_tables():
    y, _ = parse("x1*x2 + x1", x1=3, x2=4)
    primal, adjoint = steps(y).tables
    assert "<caption>Forward primal trace</caption>" in primal
    assert "<td>12.000</td>" in primal and "<td>15.000</td>" in primal  # v₁ = 3·4, y = 12 + 3
    # x1 = v₋₁ receives twice: 1 from the sum, then 1 + x2 = 5 in all (∂y/∂x1 = x2 + 1)
    assert "<td>v̄₋₁ + v̄₁ · ∂v₁/∂v₋₁ = v̄₋₁ + v̄₁ × v₀</td><td>5.000</td>" in adjoint


def test_steps_of_a_graph_past_max_nodes_is_refused_with_advice_that_applies_to_steps():
    from viz import GraphTooLargeError
    y = parse("x1*x2", x1=3, x2=4)[0]
    for _ in range(150):  # 152 nodes, more than the stepper's default max_nodes=100
        y = y.sin()
    with pytest.raises(GraphTooLargeError, match="more than max_nodes=100") as refused:
        steps(y)
    assert "collapse_neurons" not in str(refused.value)  # steps has no such option
    assert len(steps(y, max_nodes=200)) > 150


def test_graph_steps_with_a_learning_rate_end_with_one_update_per_input():
    y, _ = parse("ln(x1) + x1*x2 - sin(x2)", x1=2, x2=5)
    frames = steps(y, lr=0.1)
    updates = [f.text for f in frames if f.phase == "update"]
    # by hand: x1 − 0.1·(1/x1 + x2) = 2 − 0.55 = 1.45; x2 − 0.1·(x1 − cos x2)
    assert updates == [
        "x1 ← x1 − η·∂y/∂x1 = 2 − 0.1 · 5.5 = 1.45",
        f"x2 ← x2 − η·∂y/∂x2 = 5 − 0.1 · {n(2 - math.cos(5))} = {n(5 - 0.1 * (2 - math.cos(5)))}",
    ]
    assert [f.phase for f in steps(y)].count("update") == 0  # without lr: forward and backward


def test_a_learning_rate_that_is_not_positive_is_refused():
    y, _ = parse("x1 * 2", x1=1)
    with pytest.raises(ValueError, match="lr must be a positive number"):
        steps(y, lr=0)


def test_the_stepper_walks_every_example_of_a_per_epoch_update_then_sums_the_gradients():
    from nn.spec import from_dict
    spec = from_dict({"inputs": 1, "layers": [1], "output_activation": "linear", "lr": 0.5,
                      "update": "per-epoch", "weights": {"w12": 1.0, "b2": 0.0},
                      "examples": [{"x": [1.0], "t": [0.0]}, {"x": [2.0], "t": [1.0]}]})
    texts = [f.text for f in steps(nn.step(spec))]
    assert texts[0].startswith("Example 1: inputs x1 = 1 enter units 1–1")
    assert any(t.startswith("Example 2: inputs x1 = 2") for t in texts)
    # o = w·x: example 1 gives ∂E/∂w = −2(0 − 1)·1 = 2, example 2 gives −2(1 − 2)·2 = 4;
    # w ← 1 − 0.5·(2 + 4) = −2
    assert "w12 ← w12 − η·Σ ∂E/∂w12 = 1 − 0.5 · (2 + 4) = −2" in texts
