"""Saving to JSON and `nn.load`: round trips, and clear errors for files that are not ours."""

import json

import pytest

import nn
from lab.examples import worked_example
from nn import MLP, Layer, Neuron


def test_save_writes_plain_json_with_the_slides_parameter_names(tmp_path):
    path = tmp_path / "net.json"
    worked_example().save(path)
    data = json.loads(path.read_text())
    assert data["kind"] == "MLP"
    assert data["state"]["w14"] == 0.2 and data["state"]["b6"] == 0.1
    assert data["config"] == {"n_in": 3, "sizes": [2, 1], "activation": ["sigmoid", "sigmoid"]}


@pytest.mark.parametrize("model", [
    MLP(3, [4, 4, 1], activation=["tanh", "relu"], output_activation="sigmoid", seed=5),
    Layer(2, 3, activation="elu", seed=1), Neuron(4, activation="softplus", seed=2),
])
def test_load_gives_back_the_same_model(tmp_path, model):
    path = tmp_path / "m.json"
    model.save(path)
    again = nn.load(path)
    assert type(again) is type(model) and repr(again) == repr(model)
    assert again.state_dict() == model.state_dict()
    n_in = model.n_in if isinstance(model, MLP) else len(model.input_units)
    x = [0.1 * (k + 1) for k in range(n_in)]
    out, out_again = model(x), again(x)
    as_list = (lambda o: [v.data for v in o]) if isinstance(out, list) else (lambda o: [o.data])
    assert as_list(out_again) == as_list(out)


def test_a_custom_activation_cannot_be_saved(tmp_path):
    def cube(v):
        return v**3
    with pytest.raises(ValueError, match="custom activation 'cube'"):
        MLP(2, [2], output_activation=cube).save(tmp_path / "x.json")
    assert not (tmp_path / "x.json").exists()


def _write(tmp_path, text):
    path = tmp_path / "model.json"
    path.write_text(text)
    return path


def test_a_truncated_file_is_reported_as_broken_json(tmp_path):
    good = tmp_path / "good.json"
    worked_example().save(good)
    text = good.read_text()
    with pytest.raises(ValueError, match="JSON is broken or truncated"):
        nn.load(_write(tmp_path, text[: len(text) // 2]))


@pytest.mark.parametrize("data", [[1, 2, 3], {"w14": 0.2}, {"format": "keras", "state": {}}, "x"])
def test_a_foreign_json_file_is_not_a_model_file(tmp_path, data):
    with pytest.raises(ValueError, match="not a backprop-lab model file"):
        nn.load(_write(tmp_path, json.dumps(data)))


def _saved(tmp_path, **changes):
    path = tmp_path / "good.json"
    worked_example().save(path)
    data = json.loads(path.read_text())
    data.update(changes)
    return _write(tmp_path, json.dumps(data))


def test_other_versions_and_kinds_are_refused(tmp_path):
    with pytest.raises(ValueError, match="version 2"):
        nn.load(_saved(tmp_path, version=2))
    with pytest.raises(ValueError, match="unknown kind of model 'CNN'"):
        nn.load(_saved(tmp_path, kind="CNN"))
    with pytest.raises(ValueError, match="bad MLP config"):
        nn.load(_saved(tmp_path, config={"n_in": 3, "layers": 2}))
    with pytest.raises(ValueError, match="needs a \"config\" and a \"state\""):
        nn.load(_saved(tmp_path, state=[0.2]))


def test_a_file_with_wrong_parameters_names_them(tmp_path):
    state = {**worked_example().state_dict(), "w14": "zero"}
    with pytest.raises(ValueError, match="parameter w14 must be a number"):
        nn.load(_saved(tmp_path, state=state))
    state = {k: v for k, v in worked_example().state_dict().items() if k != "b6"}
    with pytest.raises(ValueError, match="missing: b6"):
        nn.load(_saved(tmp_path, state=state))


def test_a_layer_taken_from_a_large_network_keeps_its_two_digit_names(tmp_path):
    layer = MLP(3, [4, 4, 1], seed=3).layers[1]  # units 8-11 fed by units 4-7
    layer.save(tmp_path / "layer.json")
    again = nn.load(tmp_path / "layer.json")
    assert [name for name, _ in again.named_parameters()][:2] == ["w4_8", "w4_9"]
    assert again.state_dict() == layer.state_dict()


def test_a_binary_file_is_not_a_model_file(tmp_path):
    path = tmp_path / "picture.json"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe\x00")
    with pytest.raises(ValueError, match="not a UTF-8 text file"):
        nn.load(path)


@pytest.mark.parametrize("config,why", [
    ({"n_in": -1, "sizes": [2, 1]}, "n_in .* must be at least 1"),
    ({"n_in": 3, "sizes": [2, 1], "activation": ["sigmoid", "swish"]}, "unknown activation"),
])
def test_a_bad_config_names_the_file_and_the_problem(tmp_path, config, why):
    path = _saved(tmp_path, config=config)
    with pytest.raises(ValueError, match=f"{path.name} has a bad MLP config .*{why}"):
        nn.load(path)
