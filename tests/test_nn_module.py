"""Module: parameters, named parameters, zero_grad, state_dict and load_state_dict's checks."""

import pytest

from lab.examples import worked_example
from nn import MLP, Layer, Neuron


@pytest.mark.parametrize("module", [MLP(2, [3, 1]), MLP(3, [4, 2, 3], seed=1), Layer(3, 2),
                                    Neuron(4)])
def test_parameters_are_the_named_parameters_values_in_the_same_order(module):
    named = [p for _, p in module.named_parameters()]
    assert len(module.parameters()) == len(named)
    assert all(a is b for a, b in zip(module.parameters(), named, strict=True))


def test_an_mlp_counts_its_parameters_as_the_lecture_does():
    assert len(MLP(2, [3, 1]).parameters()) == 2 * 3 + 3 * 1 + 3 + 1


def test_a_neuron_and_a_layer_name_their_parameters_by_unit():
    assert [name for name, _ in Neuron(2).named_parameters()] == ["w13", "w23", "b3"]
    assert [name for name, _ in Layer(2, 2).named_parameters()] == [
        "w13", "w14", "w23", "w24", "b3", "b4"]


def test_zero_grad_resets_every_gradient_after_backward():
    model = worked_example()
    model([1.0, 0.0, 1.0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_gradients_accumulate_across_backward_calls_as_in_pytorch():
    model = worked_example()
    model([1.0, 0.0, 1.0]).backward()
    once = [p.grad for p in model.parameters()]
    model([1.0, 0.0, 1.0]).backward()
    assert [p.grad for p in model.parameters()] == pytest.approx([2 * g for g in once])


def test_state_dict_round_trip_copies_one_model_into_another():
    a, b = MLP(3, [4, 2], seed=1), MLP(3, [4, 2], seed=2)
    b.load_state_dict(a.state_dict())
    assert b.state_dict() == a.state_dict()
    assert [o.data for o in b([1.0, 2.0, 3.0])] == [o.data for o in a([1.0, 2.0, 3.0])]


def test_state_dict_accepts_whole_numbers():
    model = MLP(1, [1])
    model.load_state_dict({"w12": 3, "b2": -1})
    assert model([2.0]).data == 3 * 2 - 1


@pytest.mark.parametrize("change,match", [
    (lambda s: s.pop("w14"), "missing: w14"),
    (lambda s: s.update(w99=1.0), "not in this model: w99"),
    (lambda s: s.update(w14="0.2"), "parameter w14 must be a number"),
    (lambda s: s.update(b6=None), "parameter b6 must be a number"),
    (lambda s: s.update(b6=True), "parameter b6 must be a number"),
    (lambda s: s.update(w46=float("nan")), "parameter w46 must be a finite number"),
    (lambda s: s.update(w46=float("inf")), "parameter w46 must be a finite number"),
])
def test_load_state_dict_refuses_a_bad_state_and_leaves_the_model_unchanged(change, match):
    model = worked_example()
    before = model.state_dict()
    state = {name: value + 1.0 for name, value in before.items()}
    change(state)
    with pytest.raises(ValueError, match=match):
        model.load_state_dict(state)
    assert model.state_dict() == before


def test_load_state_dict_reports_both_counts():
    with pytest.raises(ValueError, match="the state has 1 parameters, this model has 11"):
        worked_example().load_state_dict({"w14": 0.0})


def test_load_state_dict_needs_a_dict():
    with pytest.raises(TypeError, match="dict of name -> number"):
        worked_example().load_state_dict([0.2, -0.3])


def test_load_state_dict_with_strict_false_sets_only_the_named_weights_as_pytorch_does():
    from lab.examples import worked_example
    model = worked_example()
    model.load_state_dict({"w14": 0.5, "b6": -1.0}, strict=False)
    state = model.state_dict()
    assert state["w14"] == 0.5 and state["b6"] == -1.0
    assert state["w15"] == -0.3 and state["b4"] == -0.4  # the slide's values, untouched


def test_load_state_dict_with_strict_false_still_refuses_a_name_the_model_lacks():
    from lab.examples import worked_example
    model = worked_example()
    with pytest.raises(ValueError, match="not in this model: w17"):
        model.load_state_dict({"w14": 0.5, "w17": 1.0}, strict=False)
    assert model.state_dict()["w14"] == 0.2  # nothing changed


def test_a_state_with_a_name_holding_a_zero_width_space_says_so():
    # "w14" + U+200B prints as "w14": the message names the invisible character instead
    model = worked_example()
    with pytest.raises(ValueError, match="U\\+200B ZERO WIDTH SPACE"):
        model.load_state_dict({"w14\u200b": 0.5}, strict=False)


@pytest.mark.parametrize("make", [
    lambda: Neuron(3, unit=7), lambda: Layer(2, 3), lambda: MLP(2, [3, 4, 2]),
    lambda: MLP(12, [11, 1], seed=1),
])
def test_parameter_names_are_the_names_of_named_parameters_in_the_same_order(make):
    model = make()
    assert model.parameter_names() == [name for name, _ in model.named_parameters()]
    assert model.parameters() == [p for _, p in model.named_parameters()]


def test_a_state_with_the_names_in_another_order_loads_the_same_numbers():
    a, b, c = MLP(2, [3, 1], seed=1), MLP(2, [3, 1], seed=2), MLP(2, [3, 1], seed=2)
    state = a.state_dict()
    b.load_state_dict(dict(reversed(list(state.items()))))
    c.load_state_dict(state)
    assert b.state_dict() == c.state_dict() == state
