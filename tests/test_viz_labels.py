"""Labels a user chose are text in the picture, whatever they hold: DOT's quote, backslash and
HTML characters, and control characters, which `dot` would otherwise refuse."""

import pytest

import nn
from autograd_core import Value
from viz import draw_graph, draw_network
from viz.drawing import dot_text


@pytest.mark.parametrize(("label", "shown"), [
    ("a\\", "a&#92;"),  # a backslash would escape the closing quote of a DOT string
    ('say "hi"', "say &quot;hi&quot;"),
    ("<b>&", "&lt;b&gt;&amp;"),
    ("tab\there", "tab&#92;x09here"),  # control characters are shown as \x09
    ("bell\x07\x7f", "bell&#92;x07&#92;x7f"),
])
def test_dot_text_escapes_what_dot_would_read_as_syntax(label, shown):
    assert dot_text(label) == shown


def test_a_graph_with_hostile_labels_renders_and_shows_them():
    x, w = Value(2.0, label="x\\"), Value(-3.0, label="w\x01\"")
    y = x * w
    y.label = "y\n<end>\\"
    y.backward()
    svg = draw_graph(y, mode="both").svg()
    assert "x\\" in svg.replace("&#92;", "\\")
    assert "w\\x01" in svg.replace("&#92;", "\\")
    assert "y\\x0a&lt;end&gt;" in svg.replace("&#92;", "\\")


def test_a_network_with_a_hostile_parameter_label_renders():
    model = nn.MLP(2, [1])
    model.layers[0].neurons[0].w[0].label = "w13\\"
    assert "w13" in draw_network(model).svg()
