"""Spec files: TOML and JSON with the same keys, and a clear message naming the key (and its line)
for every mistake a student or a hostile file can make."""

import dataclasses
import json

import pytest

import lab
from lab.spec import MAX_PARAMETERS, check_work, from_dict, load, loads

GOOD = """\
title = "A 2-1-1 network"
inputs = 2
layers = [1, 1]
lr = 0.5

[weights]
w13 = 0.1
w23 = 0.2
w34 = 0.3
b3 = 0.0
b4 = 0.0

[[examples]]
x = [1, 0]
t = [1]

[[examples]]
x = [0, 1]
t = [0]
"""


def bad(old, new):
    """The good spec with one line changed; the error message it gives."""
    assert old in GOOD
    with pytest.raises((ValueError, TypeError)) as e:
        loads(GOOD.replace(old, new, 1), source="net.toml")
    return str(e.value)


def test_a_good_toml_spec_reads_with_its_defaults():
    spec = loads(GOOD)
    assert spec.activation == ("sigmoid",) and spec.output_activation == "sigmoid"
    assert (spec.loss, spec.epochs, spec.update) == ("squared", 1, "per-example")
    assert [e.x for e in spec.examples] == [(1.0, 0.0), (0.0, 1.0)]


def test_a_json_spec_with_the_same_keys_is_the_same_spec(tmp_path):
    (tmp_path / "net.toml").write_text(GOOD)
    as_json = load(tmp_path / "net.toml").to_dict()
    (tmp_path / "net.json").write_text(json.dumps(as_json))
    assert load(tmp_path / "net.json") == load(tmp_path / "net.toml")


def test_a_missing_weight_is_named_with_the_line_of_the_weights_table():
    message = bad("w23 = 0.2\n", "")
    assert "net.toml, line 6" in message and "missing w23" in message
    assert "w13, w23, w34, b3, b4" in message  # the names this network has


def test_an_extra_weight_is_named_with_its_line():
    message = bad("b4 = 0.0\n", "b4 = 0.0\nw14 = 1.0\n")
    assert message.startswith("net.toml, line 12: w14: not a parameter of this network")


def test_a_misspelt_weight_is_told_the_name_it_probably_means():
    message = bad("w23 = 0.2", "w32 = 0.2")
    assert "w32: not a parameter of this network (did you mean w23?); missing: w23" in message


def test_a_decimal_comma_gets_a_hint():
    assert "numbers take a decimal point: 0.4, not 0,4" in bad("w23 = 0.2", "w23 = 0,2")


def test_a_target_count_that_does_not_match_the_output_units_names_the_example_and_line():
    message = bad("t = [0]", "t = [0, 1]")
    assert message.startswith("net.toml, line 19: examples[2].t: must have 1 number")
    assert "one target per output unit" in message


def test_an_input_count_that_does_not_match_names_the_example():
    assert "examples[1].x: must have 2 numbers" in bad("x = [1, 0]", "x = [1, 0, 1]")


@pytest.mark.parametrize("old, new, words", [
    ("lr = 0.5", 'lr = 0.5\nactivation = "sigmod"', "unknown activation 'sigmod'; choose one of"),
    ("lr = 0.5", 'lr = 0.5\noutput_activation = "softmax"', "unknown output_activation"),
    ("lr = 0.5", 'lr = 0.5\nloss = "cubic"', "unknown loss 'cubic'; choose one of squared"),
    ("lr = 0.5", 'lr = 0.5\nupdate = "per-batch"', "choose one of per-example, per-epoch"),
    ("w13 = 0.1", 'w13 = "0.1"', "w13: must be a finite number, got str '0.1'"),
    ("w13 = 0.1", "w13 = nan", "w13: must be a finite number, got float nan"),
    ("w13 = 0.1", "w13 = " + "9" * 400, "w13: must be a finite number, got int 999"),
    ("x = [1, 0]", 'x = [1, "a"]', "item 2 must be a finite number, got str 'a'"),
    ("lr = 0.5", "lr = 0", "the learning rate must be above 0, got 0"),
    ("lr = 0.5", "lr = -0.1", "the learning rate must be above 0, got -0.1"),
    ("lr = 0.5", "lr = true", "lr: must be a finite number, got bool True"),
    ("lr = 0.5", "lr = 0.5\nepochs = 0", "epochs: must be at least 1, got 0"),
    ("lr = 0.5", "lr = 0.5\nepochs = 1.5", "epochs: must be a whole number"),
    ("inputs = 2", "inputs = 0", "inputs: must be at least 1"),
    ("layers = [1, 1]", "layers = []", "layers: must be a list of layer sizes"),
    ("layers = [1, 1]", "layers = [1, 0]", "layers[1]: must be at least 1"),
    ("lr = 0.5", "lr = 0.5\nfrozen = [\"w99\"]", "frozen: w99 is not a parameter"),
    ("title = \"A 2-1-1 network\"", "title = 3", "title: must be text"),
])
def test_each_bad_value_names_its_key(old, new, words):
    assert words in bad(old, new)


def test_an_unknown_key_is_probably_a_typo_and_the_allowed_keys_are_listed():
    message = bad("lr = 0.5", "lr = 0.5\nlearning_rate = 0.5")
    assert message.startswith("net.toml, line 5: learning_rate: unknown key learning_rate")
    assert "(a typo?); allowed: title, inputs, layers" in message


def test_an_unknown_key_in_an_example_is_named():
    assert "unknown key y in example 1" in bad("t = [1]", "t = [1]\ny = 2")


def test_a_missing_required_key_lists_what_a_spec_needs():
    message = bad("lr = 0.5\n", "")
    assert "missing key lr (a spec needs inputs, layers, lr, weights, examples)" in message


def test_a_network_too_large_to_step_through_by_hand_is_refused_before_it_is_built():
    message = bad("layers = [1, 1]", "layers = [1000000, 1000000]")
    assert f"more than the {MAX_PARAMETERS} a spec may have" in message
    assert "hand calculation" in message


def test_too_many_updates_are_refused():
    assert "more than the 100 a spec may step through" in bad("lr = 0.5", "lr = 0.5\nepochs = 51")


def test_per_epoch_work_counts_every_examples_pass_before_any_example_is_read():
    # 50,000 examples × 100 epochs is 100 per-epoch updates, but 5,000,000 passes of the 2-1-1
    # network's 5 parameters: 25,000,000 gradients. The examples after the first are not even
    # tables: the count comes before they are read, so it is the count that refuses.
    data = loads(GOOD).to_dict()
    data.update(epochs=100, update="per-epoch", examples=[{"x": [1, 0], "t": [1]}, *[0] * 49_999])
    with pytest.raises(ValueError) as e:
        from_dict(data, source="net.toml")
    assert "100 epochs of 50,000 examples with 5 parameters compute 25,000,000 gradients" \
        in str(e.value)


def test_work_is_epochs_times_examples_times_parameters_up_to_20000():
    # the lecture's 3-2-1 network has 11 parameters: 18 epochs × 101 examples = 1,818 passes,
    # 19,998 gradients, is allowed; one more example (1,836 passes, 20,196) is not
    check_work(18, 101, 11, "per-epoch")
    with pytest.raises(ValueError, match="compute 20,196 gradients"):
        check_work(18, 102, 11, "per-epoch")


def test_a_spec_made_in_code_is_held_to_the_same_work_limit_before_stepping():
    spec = loads(GOOD)
    many = dataclasses.replace(spec, examples=spec.examples * 5_000, update="per-epoch")
    with pytest.raises(ValueError, match="10,000 examples with 5 parameters compute 50,000"):
        lab.step(many)


def test_display_names_must_be_unique():
    message = bad("lr = 0.5", 'lr = 0.5\n[names]\nw13 = "w"\nw23 = "w"')
    assert "the display name w is given to two parameters" in message


def test_a_display_name_for_a_parameter_that_does_not_exist_is_refused():
    assert "unknown key w99 in [names]" in bad("lr = 0.5", 'lr = 0.5\n[names]\nw99 = "a"')


def test_broken_toml_says_where():
    message = bad("lr = 0.5", "lr = = 0.5")
    assert message.startswith("net.toml: not valid TOML") and "line 4" in message


def test_broken_or_deeply_nested_json_is_a_value_error(tmp_path):
    path = tmp_path / "net.json"
    path.write_text('{"inputs": 2,\n "layers": [1, 1')
    with pytest.raises(ValueError, match=r"net.json, line 2: not valid JSON"):
        load(path)
    path.write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises((ValueError, TypeError), match="net.json"):
        load(path)


def test_a_file_that_is_not_toml_or_json_or_too_large_is_refused(tmp_path):
    with pytest.raises(ValueError, match="ends in .toml or .json"):
        load(tmp_path / "net.yaml")
    big = tmp_path / "big.toml"
    big.write_text("# " + "x" * 1_100_000)
    with pytest.raises(ValueError, match="at most 1,000,000 bytes"):
        load(big)


def test_a_spec_that_is_not_a_table_is_a_type_error():
    with pytest.raises(TypeError, match="a spec is a table of keys"):
        from_dict([1, 2])


def test_cross_entropy_needs_one_hot_targets():
    spec = loads(GOOD.replace("lr = 0.5", 'lr = 0.5\nloss = "cross-entropy"'))
    with pytest.raises(ValueError, match="one-hot"):
        lab.step(spec)


def test_with_settings_checks_what_it_changes():
    spec = loads(GOOD)
    assert spec.with_settings(lr=0.1).lr == 0.1
    with pytest.raises(ValueError, match="learning rate must be above 0"):
        spec.with_settings(lr=-1)
    with pytest.raises(ValueError, match="unknown spec setting colour"):
        spec.with_settings(colour="red")


def test_display_names_that_differ_only_by_unicode_normalisation_are_the_same_name():
    # "é" as one character (U+00E9) and as e + combining acute (U+0065 U+0301) look the same
    message = bad("lr = 0.5", 'lr = 0.5\n[names]\nw13 = "\u00e9"\nw23 = "e\u0301"')
    assert "the display name \u00e9 is given to two parameters" in message
    spec = loads(GOOD.replace("lr = 0.5", 'lr = 0.5\nfrozen = ["we\u0301"]\n'
                              '[names]\nw13 = "w\u00e9"'))
    assert spec.display("w13") == "w\u00e9" and spec.frozen == {"w13"}


@pytest.mark.parametrize("char, label", [
    ("\u200b", "U+200B ZERO WIDTH SPACE"),
    ("\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("\u2066", "U+2066 LEFT-TO-RIGHT ISOLATE"),
    ("\u00ad", "U+00AD SOFT HYPHEN"),
])
def test_invisible_and_bidi_characters_in_names_are_refused_naming_the_character(char, label):
    # a display name w3 next to w3 + a zero-width space would look like two equal names
    assert label in bad("lr = 0.5", f'lr = 0.5\n[names]\nw13 = "w3{char}"')
    assert label in bad("lr = 0.5", f'lr = 0.5\nfrozen = ["w13{char}"]')
    assert label in bad("w13 = 0.1", f'"w13{char}" = 0.1')
    assert label in bad("lr = 0.5", f'lr = 0.5\n"epochs{char}" = 1')
