"""viz.steps: numbered frames, each a picture and one sentence; forward node by node, backward in
the order backward_walk visits, and for the worked example every parameter's update."""

import json
import math
import re

import pytest
from worked_by_hand import LR, SLIDE, by_hand

import lab
from autograd_core import parse, topological_order
from lab.examples import worked_example_step
from viz import Steps, steps
from viz.drawing import number


def n(x: float) -> str:
    return number(x, 3)


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


def test_worked_example_writes_de_do6_out_before_delta6_uses_it(worked):
    hand = by_hand("squared")
    o6 = hand["o6"]
    texts = [f.text for f in worked]
    # E = (t − o6)² gives ∂E/∂o6 = −2(t − o6) = −2(1 − 0.474) = −1.052
    slope = f"∂E/∂o6 = −2·(t − o6) = −2·(1 − {n(o6)}) = {n(hand['dE/do6'])}"
    assert slope in texts and n(hand["dE/do6"]) == "−1.052"
    # δ6 = −∂E/∂o6 · ∂o6/∂i6 = 2(t − o6)·o6(1 − o6) = 0.262, the slide's σ' = σ(1 − σ) = o(1 − o)
    delta6 = (f"δ6 = −∂E/∂i6 = 2·(t − o6)·o6·(1 − o6) = 2·(1 − {n(o6)})·{n(o6)}·(1 − {n(o6)}) = "
              f"{n(hand['delta']['6'])}")
    assert texts.index(slope) < texts.index(delta6)


def test_worked_example_hidden_de_do_is_minus_w_times_delta_before_its_delta(worked):
    hand = by_hand("squared")
    texts = [f.text for f in worked]
    d6, o5 = hand["delta"]["6"], hand["o5"]
    # ∂E/∂o5 = ∂E/∂i6 · ∂i6/∂o5 = −δ6 · w56 = −(−0.2)·0.262 = 0.0525
    de_do5 = -SLIDE["w56"] * d6
    slope = f"∂E/∂o5 = −w56·δ6 = −(−0.2)·{n(d6)} = {n(de_do5)}"
    assert slope in texts and n(de_do5) == "0.0525"
    delta5 = next(t for t in texts if t.startswith("δ5 = "))
    # δ5 = o5(1 − o5)·w56·δ6: σ' from the unit's own output, times −∂E/∂o5
    assert delta5 == (f"δ5 = −∂E/∂i5 = o5·(1 − o5)·w56·δ6 = {n(o5)}·(1 − {n(o5)})·(−0.2)·{n(d6)}"
                      f" = {n(hand['delta']['5'])}")
    assert texts.index(slope) < texts.index(delta5)


def test_worked_example_gradient_is_minus_delta_times_what_the_weight_multiplies(worked):
    hand = by_hand("squared")
    texts = [f.text for f in worked]
    # ∂E/∂w46 = ∂E/∂i6 · ∂i6/∂w46 = −δ6 · o4; so δ5 < 0 gives ∂E/∂w15 = −δ5 · x1 > 0
    assert (f"∂E/∂w46 = −δ6·o4 = −{n(hand['delta']['6'])}·"
            f"{n(hand['o4'])} = {n(hand['grads']['w46'])}") in texts
    assert (f"∂E/∂w15 = −δ5·x1 = −({n(hand['delta']['5'])})·1 = "
            f"{n(hand['grads']['w15'])}") in texts
    assert hand["grads"]["w15"] > 0 > hand["delta"]["5"]


def test_worked_example_gradients_stay_on_their_edges_once_computed(worked):
    hand = by_hand("squared")
    w46 = f"∂E/∂w46 = {n(hand['grads']['w46'])}"
    first = next(k for k, f in enumerate(worked) if f.text.startswith("∂E/∂w46 ="))
    assert all(w46 not in f.picture.source for f in worked[:first])
    assert all(w46 in f.picture.source for f in worked[first:])
    assert all("t = 1" in f.picture.source for f in worked)
    e = f"E = {n(hand['E'])}"
    loss = next(k for k, f in enumerate(worked) if f.text.startswith("E = "))
    assert all(e in f.picture.source for f in worked[loss:])


def test_worked_example_table_rows_name_the_frame_that_computes_them(worked):
    forward, errors, updates = worked.tables
    frame = {f.number: f.text for f in worked}
    for k, unit in re.findall(r'<tr data-frame="(\d+)"><td>(\d)</td>', forward):
        assert frame[int(k)].startswith(f"o{unit} = "), unit
    for k, unit in re.findall(r'<tr data-frame="(\d+)"><td>(\d)</td>', errors):
        assert frame[int(k)].startswith(f"δ{unit} = "), unit
    rows = re.findall(r'<tr data-frame="(\d+)" data-key="(\w+)"><td>(\w+)</td>', updates)
    assert sorted(name for _, _, name in rows) == sorted(SLIDE)
    for k, key, name in rows:  # each row also says which parameter it is about
        assert frame[int(k)].startswith(f"{name} ← ") and key == name, name


def test_worked_example_updates_every_parameter_once_with_w_minus_lr_times_gradient(worked):
    hand = by_hand("squared")
    updates = [f for f in worked if f.phase == "update"][:-1]
    assert sorted(f.text.split(" ")[0] for f in updates) == sorted(SLIDE)
    w46 = next(f.text for f in updates if f.text.startswith("w46"))
    assert w46 == (f"w46 ← w46 − η·∂E/∂w46 = −0.3 − {n(LR)}·({n(hand['grads']['w46'])}) = "
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
    # 1 inputs frame, 2 per unit, 1 loss; per unit ∂E/∂o, δ and one per parameter; 11 updates + 1
    assert len(worked) == 1 + 6 + 1 + (2 * 3 + 11) + (11 + 1)


def test_graph_steps_forward_row_by_row_of_the_primal_trace_named_as_the_survey():
    y, _ = parse("ln(x1) + x1*x2 - sin(x2)", x1=2, x2=5)
    texts = [f.text for f in steps(y)]
    assert texts[0] == "Inputs: v₋₁ (x1) = 2, v₀ (x2) = 5."
    assert texts[1] == "v₁ = ln v₋₁ = ln 2 = 0.693"
    assert texts[2] == "v₂ = v₋₁ × v₀ = 2 × 5 = 10"
    # numbered as the survey's trace numbers them (by depth): sin x2 is v3, computed from an input
    assert texts[3] == f"v₃ = sin v₀ = sin 5 = {n(math.sin(5))}"
    # one precision on the page: 10.693 keeps its three decimals, as the trace table shows it
    assert texts[4] == "v₄ = v₁ + v₂ = 0.693 + 10 = 10.693"
    assert n(math.log(2) + 10) == "10.693"


def test_graph_steps_backward_give_each_edge_its_own_accumulation_frame_in_v_bar_notation():
    y, _ = parse("ln(x1) + x1*x2 - sin(x2)", x1=2, x2=5)
    backward = [f.text for f in steps(y) if f.phase == "backward"]
    # edges between variables, by hand: ln 1, × 2, sin 1, + 2, − 2; a start and a gradient frame
    assert len(backward) == 1 + 8 + 1
    assert backward[0] == "v̄₅ = ∂y/∂y = 1: reverse mode starts from the output"
    # v̄₀ first receives v̄₃ · cos v₀ = −cos 5, then v̄₂ · v₋₁ = 2 is added to it
    assert f"v̄₀ = v̄₃ · ∂v₃/∂v₀ = v̄₃ × cos v₀ = (−1) × {n(math.cos(5))} = {n(-math.cos(5))}" \
        in backward
    assert (f"v̄₀ = v̄₀ + v̄₂ · ∂v₂/∂v₀ = v̄₀ + v̄₂ × v₋₁ = {n(-math.cos(5))} + 1 × 2 = "
            f"{n(2 - math.cos(5))}") in backward
    # ∂y/∂x1 = x2 + 1/x1 = 5 + 0.5, in the order reverse mode adds them
    assert "v̄₋₁ = v̄₋₁ + v̄₁ · ∂v₁/∂v₋₁ = v̄₋₁ + v̄₁ × 1/v₋₁ = 5 + 1 × 0.5 = 5.5" in backward
    assert backward[-1] == f"Gradient: ∂y/∂x1 = v̄₋₁ = 5.5, ∂y/∂x2 = v̄₀ = {n(2 - math.cos(5))}."


def test_an_accumulation_frame_shows_the_partial_adjoint_and_colours_its_edge():
    y, inputs = parse("x1*x2 + x1", x1=3, x2=4)
    frames = steps(y)
    # v̄₋₁ gets 1 from the sum first (shown as grad 1), then 1 + x2 = 5 in all
    first = next(f for f in frames if f.text.startswith("v̄₋₁ = v̄₂"))
    then = next(f for f in frames if f.text.startswith("v̄₋₁ = v̄₋₁ + v̄₁"))
    assert "grad 1<" in first.picture.source and "grad 5<" in then.picture.source
    assert then.text.endswith("= 1 + 1 × 4 = 5")
    assert then.picture.source.count('color="#d62728"') == 1  # one edge: v₋₁ → v₁


def test_every_trace_table_row_names_the_frame_whose_sentence_computes_it():
    y, _ = parse("ln(x1) + x1*x2 - sin(x2)", x1=2, x2=5)
    frames = steps(y)
    primal, adjoint = frames.tables
    rows = re.findall(r'<tr data-frame="(\d+)"><td>([^<]*)</td><td>([^<]*)</td>', adjoint)
    assert len(rows) == 9  # the survey's adjoint table: v̄₅ … v̄₋₁, v̄₀ and v̄₋₁ twice
    for k, var, expr in rows[1:]:
        assert frames[int(k) - 1].text.startswith(f"{var} = {expr.split(' = ')[0]}"), (k, var)
    computed = re.findall(r'<tr data-frame="(\d+)"><td>(v[^<]*)</td>', primal)
    for k, var in computed[2:]:  # the inputs' rows belong to the first frame
        assert frames[int(k) - 1].text.startswith(f"{var} = "), (k, var)
    assert [k for k, _ in computed[:2]] == ["1", "1"]


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
    assert lines[0] == "1. [forward] Inputs: v₋₁ (x1) = 3, v₀ (x2) = 4."
    with pytest.raises(FileNotFoundError, match="does not exist"):
        frames.save_frames(tmp_path / "no" / "frames")
    with pytest.raises(ValueError, match="svg, png or dot"):
        frames.save_frames(tmp_path / "frames", fmt="gif")
    (tmp_path / "notes.txt").write_text("a file, not a folder")
    with pytest.raises(NotADirectoryError, match="notes.txt: it is a file, not a folder"):
        frames.save_frames(tmp_path / "notes.txt")


def test_notebook_view_is_a_stepper_with_every_frame_inline():
    y, _ = parse("x1*x2", x1=3, x2=4)
    frames = steps(y)
    view = frames._repr_html_()
    assert view.count('class="bp-frame"') == len(frames)
    # the pictures as data: the first whole, each later frame as its changes
    film = json.loads(re.search(r'class="bp-film">(.*?)</script>', view, re.S).group(1))
    assert len(film["frames"]) == len(frames) and "svg" in film["frames"][0]
    assert "BPStepper(root, {keys: false})" in view  # in a notebook the keys stay with it


def test_steps_of_something_else_is_a_type_error_naming_what_it_needs():
    with pytest.raises(TypeError, match="steps needs a Value"):
        steps([1.0, 2.0])


def test_graph_steps_carry_the_primal_and_adjoint_traces_as_tables():
    y, _ = parse("x1*x2 + x1", x1=3, x2=4)
    primal, adjoint = steps(y).tables
    assert "<caption>Forward primal trace</caption>" in primal
    assert "<td>12</td>" in primal and "<td>15</td>" in primal  # v₁ = 3·4, y = 12 + 3
    # x1 = v₋₁ receives twice: 1 from the sum, then 1 + x2 = 5 in all (∂y/∂x1 = x2 + 1)
    assert "<td>v̄₋₁ + v̄₁ · ∂v₁/∂v₋₁ = v̄₋₁ + v̄₁ × v₀</td><td>5</td>" in adjoint


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
    from lab.spec import from_dict
    spec = from_dict({"inputs": 1, "layers": [1], "output_activation": "linear", "lr": 0.5,
                      "update": "per-epoch", "weights": {"w12": 1.0, "b2": 0.0},
                      "examples": [{"x": [1.0], "t": [0.0]}, {"x": [2.0], "t": [1.0]}]})
    texts = [f.text for f in steps(lab.step(spec))]
    assert texts[0].startswith("(example 1) Inputs x1 = 1 enter units 1–1")
    assert any(t.startswith("(example 2) Inputs x1 = 2") for t in texts)
    assert texts[-1].startswith("(all examples) After one step")
    # o = w·x: example 1 gives ∂E/∂w = −2(0 − 1)·1 = 2, example 2 gives −2(1 − 2)·2 = 4;
    # w ← 1 − 0.5·(2 + 4) = −2
    assert "(all examples) ∂E/∂w12 = ∂E₁/∂w12 + ∂E₂/∂w12 = 2 + 4 = 6" in texts
    assert "(all examples) w12 ← w12 − η·∂E/∂w12 = 1 − 0.5·6 = −2" in texts


MAZUR_TWO_EPOCHS = {
    "title": "Mazur's 2-2-2 example", "inputs": 2, "layers": [2, 2], "loss": "half-squared",
    "lr": 0.5, "epochs": 2,
    "weights": {"w13": 0.15, "w23": 0.20, "w14": 0.25, "w24": 0.30, "w35": 0.40, "w45": 0.45,
                "w36": 0.50, "w46": 0.55, "b3": 0.35, "b4": 0.35, "b5": 0.60, "b6": 0.60},
    "frozen": ["b3", "b4", "b5", "b6"],
    "examples": [{"x": [0.05, 0.10], "t": [0.01, 0.99]}],
}


def test_two_outputs_each_write_their_de_do_and_e_sums_over_them():
    from lab.spec import from_dict
    frames = steps(lab.step(from_dict(MAZUR_TWO_EPOCHS)))
    texts = [f.text for f in frames]
    # Mazur (2015): out_o1 = 0.75136507, ∂E/∂out_o1 = −(target_o1 − out_o1) = 0.74136507
    assert "Step 1 (epoch 1, example 1): ∂E/∂o5 = −(t5 − o5) = −(0.01 − 0.751) = 0.741" in texts
    # E_total = ½(0.01 − 0.751)² + ½(0.99 − 0.773)² = 0.298371109 (his E_total)
    assert any(t.startswith("Step 1 (epoch 1, example 1): E = ½·(t5 − o5)² + ½·(t6 − o6)²")
               and t.endswith("= 0.298") for t in texts)
    last = frames[-1].picture.source
    assert 'target5 [label="t5 = 0.01"' in last and 'target6 [label="t6 = 0.99"' in last


def test_every_frame_of_every_update_pins_each_node_at_the_same_place():
    from lab.spec import from_dict
    frames = steps(lab.step(from_dict(MAZUR_TWO_EPOCHS)))
    assert {f.text.split(":")[0] for f in frames} >= {"Step 1 (epoch 1, example 1)",
                                                       "Step 2 (epoch 2, example 1)"}
    places = [dict(re.findall(r'^\t+"?(\w+)"? \[.*?pos="([^"]+)"', f.picture.source, flags=re.M))
              for f in frames]
    assert len(places[0]) >= 6  # units 1–6, pinned
    for k, p in enumerate(places):
        assert all(p[name] == places[0][name] for name in p.keys() & places[0].keys()), k


def test_cross_entropys_frame_writes_the_softmax_shift_as_m_and_says_what_m_is():
    from lab.spec import from_dict
    spec = from_dict({"inputs": 1, "layers": [2], "activation": [], "loss": "cross-entropy",
                      "output_activation": "linear", "lr": 0.1,
                      "weights": {"w12": 0.5, "b2": 0.0, "w13": -0.25, "b3": 0.0},
                      "examples": [{"x": [1], "t": [0, 1]}]})
    text = next(f.text for f in steps(lab.step(spec)) if f.text.startswith("E = "))
    # by hand: o2 = 0.5, o3 = −0.25, m = 0.5; E = −(o3 − m − ln(e^(o2−m) + e^(o3−m)))
    e = -(-0.25 - 0.5 - math.log(math.exp(0.0) + math.exp(-0.75)))
    assert text.startswith("E = −(o3 − m − ln(exp(o2 − m) + exp(o3 − m))) = ")
    assert text.endswith(f" = {e:.4g}, where m = the largest output = 0.5")
