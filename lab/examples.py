"""The lecture's worked example as a spec and as one update: the slide's 3-2-1 sigmoid network
(lab/specs/worked_example.toml), run by the same code as any other spec."""

from __future__ import annotations

from nn._checks import learning_rate
from nn.layers import MLP

from .spec import lecture
from .stepping import StepRecord, step

_LECTURE = lecture()
WORKED_INPUTS = _LECTURE.examples[0].x
WORKED_TARGET = _LECTURE.examples[0].t[0]
WORKED_WEIGHTS = dict(_LECTURE.weights)
WORKED_LOSSES = ("squared", "half-squared")


def worked_example() -> MLP:
    """The slide's 3-2-1 sigmoid network: inputs 1-3, hidden units 4 and 5, output unit 6,
    weights w14 = 0.2, w15 = −0.3, w24 = 0.4, w25 = 0.1, w34 = −0.5, w35 = 0.2, w46 = −0.3,
    w56 = −0.2 and biases b4 = −0.4, b5 = 0.2, b6 = 0.1
    (the spec file lab/specs/worked_example.toml)."""
    return _LECTURE.model()


def worked_example_step(loss: str = "squared", lr: float = 0.9) -> StepRecord:
    """Forward, backward and one gradient-descent update w ← w − lr·∂E/∂w of the worked example,
    with E = (t − o₆)² ("squared", the lecture's) or ½(t − o₆)² ("half-squared", the textbooks'):
    the first record of `lab.step` on the lecture's spec."""
    if loss not in WORKED_LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(WORKED_LOSSES)}")
    return step(_LECTURE.with_settings(loss=loss, lr=learning_rate(lr)))[0]
