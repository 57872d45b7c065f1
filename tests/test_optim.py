"""Optimizers: the slide's update rules, checked step by step against optax (set to PyTorch's
torch.optim conventions, which ours follow) and by hand."""

import math

import jax
import jax.numpy as jnp
import optax
import pytest

from autograd_core import Value
from nn.optim import SGD, AdaGrad, Adam, RMSprop

START = (1.5, -0.7)


def ours_loss(x: Value, y: Value) -> Value:
    """A small non-quadratic bowl: (x·y − 1)² + ½x² + sin y."""
    return (x * y - 1) ** 2 + 0.5 * x**2 + y.sin()


def run_ours(make, steps: int = 3) -> list[tuple[float, float]]:
    x, y = Value(START[0]), Value(START[1])
    opt = make([x, y])
    path = []
    for _ in range(steps):
        opt.zero_grad()
        ours_loss(x, y).backward()
        opt.step()
        path.append((x.data, y.data))
    return path


def run_optax(opt, steps: int = 3) -> list[tuple[float, float]]:
    def loss(p):
        x, y = p
        return (x * y - 1) ** 2 + 0.5 * x**2 + jnp.sin(y)

    params = jnp.array(START, dtype=jnp.float64)
    state = opt.init(params)
    path = []
    for _ in range(steps):
        updates, state = opt.update(jax.grad(loss)(params), state, params)
        params = optax.apply_updates(params, updates)
        path.append((float(params[0]), float(params[1])))
    return path


# torch.optim's conventions, written out for optax: Adagrad's sum starts at 0; RMSprop's ε = 1e-8
# is added after the square root. optax's Adagrad can put ε only inside the root, so both run
# without it here (ours at 1e-300) and its place is checked by hand below.
CASES = {
    "vanilla": (lambda p: SGD(p, lr=0.1), optax.sgd(0.1)),
    "momentum_0.9": (lambda p: SGD(p, lr=0.1, momentum=0.9), optax.sgd(0.1, momentum=0.9)),
    "nesterov_0.8": (lambda p: SGD(p, lr=0.05, momentum=0.8, nesterov=True),
                     optax.sgd(0.05, momentum=0.8, nesterov=True)),
    "adagrad": (lambda p: AdaGrad(p, lr=0.3, eps=1e-300),
                optax.chain(optax.scale_by_rss(initial_accumulator_value=0.0, eps=0.0),
                            optax.scale(-0.3))),
    "rmsprop": (lambda p: RMSprop(p, lr=0.02, decay_rate=0.9),
                optax.rmsprop(0.02, decay=0.9, eps=1e-8, eps_in_sqrt=False)),
    "adam": (lambda p: Adam(p, lr=0.1, beta1=0.8, beta2=0.95),
             optax.adam(0.1, b1=0.8, b2=0.95, eps=1e-8)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_first_three_steps_equal_optax(name):
    ours, theirs = CASES[name]
    for (ax, ay), (bx, by) in zip(run_ours(ours), run_optax(theirs), strict=True):
        assert ax == pytest.approx(bx, rel=1e-12, abs=1e-14)
        assert ay == pytest.approx(by, rel=1e-12, abs=1e-14)


def test_vanilla_step_is_minus_lr_times_gradient_by_hand():
    # f = x², df/dx = 2x = 6 at x = 3; x ← 3 − 0.1·6 = 2.4
    x = Value(3.0)
    opt = SGD([x], lr=0.1)
    (x**2).backward()
    opt.step()
    assert x.data == pytest.approx(2.4)
    assert opt.last_step == [pytest.approx(-0.6)]


def test_momentum_velocity_builds_up_by_hand():
    # constant gradient g = 1 (f = x): v1 = −0.1, v2 = 0.9·(−0.1) − 0.1 = −0.19, so x = −0.29
    x = Value(0.0)
    opt = SGD([x], lr=0.1, momentum=0.9)
    for _ in range(2):
        opt.zero_grad()
        (x * 1.0).backward()
        opt.step()
    assert x.data == pytest.approx(-0.29)
    assert opt.state[0]["v"] == pytest.approx(-0.19)


def test_adam_without_bias_correction_is_the_slides_form_by_hand():
    # one step, dx = 2 (f = 2x): m = 0.1·2 = 0.2, v = 0.001·4 = 0.004;
    # step = −0.1·0.2/(√0.004 + 1e-8)
    x = Value(1.0)
    opt = Adam([x], lr=0.1, bias_correction=False)
    (2 * x).backward()
    opt.step()
    assert x.data == pytest.approx(1.0 - 0.1 * 0.2 / (math.sqrt(0.004) + 1e-8), rel=1e-12)


def test_adam_first_step_with_bias_correction_moves_each_parameter_by_about_lr():
    # m̂ = dx, v̂ = dx², so the first step is −lr·dx/(|dx| + eps) ≈ −lr·sign(dx)
    x = Value(1.0)
    opt = Adam([x], lr=0.01)
    (-5 * x).backward()
    opt.step()
    assert x.data == pytest.approx(1.01, rel=1e-9)


def test_adagrad_cache_adds_squared_gradients_by_hand():
    x = Value(0.0)
    opt = AdaGrad([x], lr=1.0, eps=1e-10)
    for _ in range(2):
        opt.zero_grad()
        (3 * x).backward()
        opt.step()
    # cache = 9 then 18: x = −3/3 − 3/√18
    assert x.data == pytest.approx(-1 - 3 / math.sqrt(18))
    assert opt.state[0]["cache"] == pytest.approx(18)


@pytest.mark.parametrize("make", [lambda p: AdaGrad(p, lr=1.0, eps=1.0),
                                  lambda p: RMSprop(p, lr=1.0, decay_rate=0.0, eps=1.0)])
def test_adagrad_and_rmsprop_add_eps_after_the_square_root_by_hand(make):
    # f = 3x: dx = 3, cache = 9; −lr·dx/(√cache + eps) = −3/(3 + 1) = −0.75 (inside: −3/√10)
    x = Value(0.0)
    opt = make([x])
    (3 * x).backward()
    opt.step()
    assert x.data == pytest.approx(-0.75, rel=1e-15)


def test_zero_grad_resets_gradients():
    x = Value(2.0)
    opt = SGD([x], lr=0.1)
    (x * x).backward()
    assert x.grad == 4.0
    opt.zero_grad()
    assert x.grad == 0.0


def test_learning_rate_can_be_changed_between_steps_but_not_to_a_negative_number():
    x = Value(0.0)
    opt = SGD([x], lr=0.1)
    opt.lr = 0.5
    assert opt.lr == 0.5
    with pytest.raises(ValueError, match="learning rate .* must be positive, got -0.1"):
        opt.lr = -0.1
    assert opt.lr == 0.5


@pytest.mark.parametrize("make, message", [
    (lambda p: SGD(p, lr=-0.1), "must be positive, got -0.1"),
    (lambda p: SGD(p, lr=0), "must be positive, got 0"),
    (lambda p: SGD(p, lr=0.1, momentum=1.0), "momentum must be at least 0 and below 1"),
    (lambda p: SGD(p, lr=0.1, momentum=-0.5), "momentum must be at least 0 and below 1"),
    (lambda p: SGD(p, lr=0.1, nesterov=True), "nesterov=True needs a momentum above 0"),
    (lambda p: RMSprop(p, decay_rate=1.5), "decay_rate must be at least 0 and below 1"),
    (lambda p: Adam(p, beta1=1.0), "beta1 must be at least 0 and below 1"),
    (lambda p: AdaGrad(p, eps=0), "eps must be positive"),
])
def test_bad_hyper_parameters_are_value_errors_that_say_which(make, message):
    with pytest.raises(ValueError, match=message):
        make([Value(1.0)])


@pytest.mark.parametrize("lr", ["0.1", None, float("nan"), True])
def test_learning_rate_that_is_not_a_number_is_a_type_error(lr):
    with pytest.raises(TypeError, match="must be a finite number"):
        SGD([Value(1.0)], lr=lr)


def test_bad_parameter_lists_are_explained():
    with pytest.raises(ValueError, match="at least one parameter"):
        SGD([], lr=0.1)
    with pytest.raises(TypeError, match="parameter 1 is a float, not a Value"):
        SGD([Value(1.0), 2.0], lr=0.1)
    x = Value(1.0)
    with pytest.raises(ValueError, match="appears twice"):
        SGD([x, x], lr=0.1)

    class FakeModel:
        def parameters(self):
            return [x]

    with pytest.raises(TypeError, match=r"pass model.parameters\(\), not the model"):
        SGD(FakeModel(), lr=0.1)


def test_step_refuses_a_gradient_that_overflowed():
    x = Value(1.0)
    opt = SGD([x], lr=0.1)
    x.grad = float("inf")
    with pytest.raises(ValueError, match="gradient of parameter 0 .* is inf"):
        opt.step()
    assert x.data == 1.0
