"""Learning-rate schedules, checked against numbers computed by hand."""

import math

import pytest

from nn.schedules import ExponentialDecay, InverseTimeDecay, StepDecay


def test_step_decay_halves_the_rate_every_ten_epochs():
    s = StepDecay(0.8, factor=0.5, every=10)
    # epochs 0–9: 0.8; 10–19: 0.4; 20–29: 0.2
    assert [s(0), s(9), s(10), s(19), s(20), s(35)] == pytest.approx(
        [0.8, 0.8, 0.4, 0.4, 0.2, 0.1])


def test_exponential_decay_is_lr0_times_e_to_the_minus_kt():
    s = ExponentialDecay(1.0, k=0.5)
    # e^0 = 1, e^−0.5 = 0.6065306597, e^−2 = 0.1353352832
    assert s(0) == 1.0
    assert s(1) == pytest.approx(0.6065306597, rel=1e-9)
    assert s(4) == pytest.approx(0.1353352832, rel=1e-9)


def test_inverse_time_decay_is_lr0_over_one_plus_kt():
    s = InverseTimeDecay(0.3, k=0.5)
    # 0.3/1, 0.3/1.5, 0.3/3
    assert [s(0), s(1), s(4)] == pytest.approx([0.3, 0.2, 0.1])


def test_rule_of_thumb_learning_rate_is_one_over_t():
    s = InverseTimeDecay()  # lr0 = k = 1
    # t = number of passes through the training set so far, counting the current one
    for t in range(1, 6):
        assert s(t - 1) == pytest.approx(1 / t)


@pytest.mark.parametrize("make, message", [
    (lambda: StepDecay(-1.0), "lr0 must be positive"),
    (lambda: StepDecay(0.1, factor=1.5), "factor must be below 1"),
    (lambda: StepDecay(0.1, every=0), "every .* must be at least 1"),
    (lambda: ExponentialDecay(0.1, k=-0.1), "k must be positive"),
    (lambda: InverseTimeDecay(0.0), "lr0 must be positive"),
])
def test_bad_schedule_settings_are_value_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_bad_epochs_are_explained():
    s = ExponentialDecay(0.1)
    with pytest.raises(ValueError, match="cannot be negative"):
        s(-1)
    with pytest.raises(TypeError, match="whole number"):
        s(1.5)
    assert not math.isnan(s(3))
