"""Size limits (nn/limits.py) are checked from the declared sizes, before a single weight is made;
model files past their size, nested without end or holding absurd numbers get a short ValueError."""

import json
import tracemalloc

import pytest

import nn
from lab.examples import worked_example
from nn import MLP, Layer, Neuron
from nn.limits import MAX_PARAMETERS, check_sizes

MILLION_LAYERS = [1] * 10**6  # made here, not inside the measured call


def _refused_without_building(make, match):
    """``make()`` raises ValueError matching ``match`` within 1 MB of allocations: the sizes are
    refused as declared, no weight made (memory, unlike time, does not depend on the load)."""
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=match):
            make()
        assert tracemalloc.get_traced_memory()[1] < 1_000_000
    finally:
        tracemalloc.stop()


def test_parameters_are_counted_as_the_lecture_counts_them():
    # 3-2-1 network: (3 + 1)·2 + (2 + 1)·1 = 11 parameters, the worked example's 8 weights, 3 biases
    assert worked_example().count_parameters()["total"] == 11
    n_in, sizes = check_sizes(3, [2, 1])
    assert (n_in, sizes) == (3, [2, 1])


def test_a_network_at_the_parameter_limit_is_built_and_one_past_it_is_not():
    assert MAX_PARAMETERS == 100_000
    # (367 + 1)·271 + (271 + 1)·1 = 99,728 + 272 = 100,000 parameters: allowed
    assert check_sizes(367, [271, 1]) == (367, [271, 1])
    # (248 + 1)·400 + (400 + 1)·1 = 99,600 + 401 = 100,001: one too many
    with pytest.raises(ValueError, match="100,001 parameters, more than the 100,000"):
        check_sizes(248, [400, 1])


@pytest.mark.parametrize(("make", "match"), [
    (lambda: MLP(500, [500, 1]), "251,001 parameters"),  # (500 + 1)·500 + (500 + 1)·1
    # (2 + 1)·10⁹ + (10⁹ + 1)·10⁹ = 1,000,000,004,000,000,000: counted, never built
    (lambda: MLP(2, [10**9, 10**9]), "1,000,000,004,000,000,000 parameters"),
    (lambda: MLP(2, MILLION_LAYERS), "1,000,000 layers is more than the 1,000 a network"),
    (lambda: Layer(10**9, 2), "2,000,000,002 parameters"),  # (10⁹ + 1)·2
    (lambda: Neuron(10**12), "1,000,000,000,001 parameters"),  # (10¹² + 1)·1
])
def test_declared_sizes_past_a_limit_are_refused_before_any_weight_is_made(make, match):
    _refused_without_building(make, match)


def test_a_model_file_declaring_a_billion_units_is_refused_at_once(tmp_path):
    path = tmp_path / "bomb.json"
    path.write_text(json.dumps({"format": "backprop-lab model", "version": 1, "kind": "MLP",
                                "config": {"n_in": 10**9, "sizes": [10**9]}, "state": {}}))
    assert path.stat().st_size < 150
    # (10⁹ + 1)·10⁹ = 1,000,000,001,000,000,000 parameters
    _refused_without_building(lambda: nn.load(path), "1,000,000,001,000,000,000 parameters")


def test_a_model_file_larger_than_the_limit_is_refused_without_reading_it_whole(tmp_path):
    path = tmp_path / "big.json"
    # 10 MB: a model file of 100,000 parameters, indented, takes about 4 MB (nn/limits.py)
    path.write_bytes(b" " * 10_000_001)
    with pytest.raises(ValueError, match="may be at most 10,000,000 bytes"):
        nn.load(path)
    path.write_bytes(b" " * 10_000_000)  # at the limit: read, and found to hold no JSON
    with pytest.raises(ValueError, match="its JSON is broken or truncated"):
        nn.load(path)


def test_dev_zero_is_refused_not_read_forever():
    with pytest.raises(ValueError, match="/dev/zero: is a device"):
        nn.load("/dev/zero")


def test_json_nested_100000_deep_is_refused_as_nested_too_deeply(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(ValueError, match="nested too deeply"):
        nn.load(path)


def _saved_worked_example(tmp_path, **change):
    path = tmp_path / "m.json"
    worked_example().save(path)
    data = json.loads(path.read_text())
    for key, value in change.items():
        data[key] = value
    return path, data


def test_a_weight_of_400_digits_is_refused_as_not_finite(tmp_path):
    path, data = _saved_worked_example(tmp_path)
    text = path.read_text().replace('"w14": 0.2', '"w14": ' + "9" * 400)
    path.write_text(text)
    with pytest.raises(ValueError, match="w14 must be a finite number, got a whole number of 400"):
        nn.load(path)


def test_a_whole_number_of_5000_digits_is_refused_by_the_reader(tmp_path):
    path, _ = _saved_worked_example(tmp_path)
    path.write_text(path.read_text().replace('"w14": 0.2', '"w14": ' + "9" * 5000))
    with pytest.raises(ValueError, match="not a backprop-lab model file"):
        nn.load(path)


def test_200000_unknown_parameter_names_give_a_short_message(tmp_path):
    path, data = _saved_worked_example(tmp_path)
    data["state"].update({f"junk{k}": 0.0 for k in range(200_000)})
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError) as info:
        nn.load(path)
    message = str(info.value)
    assert "junk0, junk1, junk2, junk3, junk4 … (200,000 in all)" in message
    assert len(message) < 500


def test_two_input_units_with_the_same_number_are_refused():
    # both weights would be named w13, and a saved model would keep only one of them
    with pytest.raises(ValueError, match="lists unit 1 twice"):
        Neuron(2, input_units=[1, 1])


def test_compact_names_that_collide_are_refused_at_construction():
    # with compact names, unit 2 → unit 13 and unit 21 → unit 3 are both "w213"
    with pytest.raises(ValueError, match="both be named 'w213'"):
        Layer(2, 11, input_units=[2, 21], first_unit=3, compact=True)
    layer = Layer(2, 11, input_units=[2, 21], first_unit=3)  # separators: w2_13, w21_3
    names = [n for n, _ in layer.named_parameters()]
    assert len(names) == len(set(names)) == 2 * 11 + 11


def test_a_unit_cannot_be_its_own_input():
    with pytest.raises(ValueError, match="unit 2 cannot be one of its own inputs"):
        Neuron(2, input_units=[1, 2], unit=2)


def test_an_unused_hidden_activation_is_still_checked():
    # sizes [1]: one output layer, so `activation` (for hidden layers) was never looked at
    with pytest.raises(ValueError, match="bogus"):
        MLP(3, [1], activation="bogus")
