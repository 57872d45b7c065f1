# ---
# jupyter:
#   jupytext:
#     formats: ipynb,src//py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 5. Optimizers: training faster
#
# The update rules from the lecture (cs231n's notation; `dx` is the gradient):
#
# | rule | update (in code: `x += …`) |
# |---|---|
# | vanilla | $x \leftarrow x - \eta\, dx$ |
# | momentum | $v \leftarrow \mu v - \eta\, dx;\quad x \leftarrow x + v$ |
# | AdaGrad | $c \leftarrow c + dx^2;\ x \leftarrow x - \eta\, dx / (\sqrt{c} + \epsilon)$ |
# | RMSprop | $c \leftarrow \rho c + (1 - \rho) dx^2$; |
# | | $x \leftarrow x - \eta\, dx / (\sqrt{c} + \epsilon)$ |
# | Adam | $m \leftarrow \beta_1 m + (1-\beta_1) dx;\ v \leftarrow \beta_2 v + (1-\beta_2) dx^2$; |
# | | $x \leftarrow x - \eta\, \hat m / (\sqrt{\hat v} + \epsilon)$ |
#
# ($\hat m = m / (1 - \beta_1^t)$ and $\hat v = v / (1 - \beta_2^t)$ correct the running means
# for starting at 0.)

# %%
import math

import matplotlib.pyplot as plt
import numpy as np

from autograd_core import Value
from nn import datasets
from nn.layers import MLP
from nn.optim import SGD, AdaGrad, Adam, RMSprop
from nn.schedules import ExponentialDecay, InverseTimeDecay, StepDecay
from nn.train import evaluate, fit

# %% [markdown]
# ## Trajectories on a 2-D loss surface
#
# A long narrow valley, $L(a, b) = 0.1\,a^2 + 2\,b^2$: steep across ($b$), shallow along
# ($a$). Vanilla gradient descent zig-zags across and crawls along; momentum builds up speed
# along the valley, and overshoots (the ball rolls past the minimum and back); AdaGrad,
# RMSprop and Adam divide each coordinate's step by the size of its recent gradients, so both
# directions move at similar speed.

# %%
def surface(a, b):
    return 0.1 * a**2 + 2 * b**2   # works on Values and on numpy arrays


def trajectory(make_optimizer, steps=60, start=(-4.5, 1.5)):
    a, b = Value(start[0], label="a"), Value(start[1], label="b")
    opt = make_optimizer([a, b])
    path = [(a.data, b.data)]
    for _ in range(steps):
        opt.zero_grad()
        surface(a, b).backward()
        opt.step()
        path.append((a.data, b.data))
    return np.array(path)


optimizers = {
    "vanilla (η=0.4)": lambda p: SGD(p, lr=0.4),
    "momentum (η=0.05, μ=0.9)": lambda p: SGD(p, lr=0.05, momentum=0.9),
    "AdaGrad (η=1.0)": lambda p: AdaGrad(p, lr=1.0),
    "RMSprop (η=0.05)": lambda p: RMSprop(p, lr=0.05),
    "Adam (η=0.3)": lambda p: Adam(p, lr=0.3),
}
paths = {name: trajectory(make) for name, make in optimizers.items()}

A, B = np.meshgrid(np.linspace(-5, 5, 200), np.linspace(-2, 2, 200))
plt.figure(figsize=(10, 4.5))
plt.contour(A, B, surface(A, B), levels=20, cmap="Greys")
for name, path in paths.items():
    plt.plot(path[:, 0], path[:, 1], marker=".", markersize=3, label=name)
plt.plot(0, 0, "k*", markersize=12)
plt.xlabel("a")
plt.ylabel("b")
plt.legend(loc="lower right", fontsize=8)
plt.title("60 steps from (−4.5, 1.5) on L = 0.1a² + 2b²")
plt.show()

start_loss = surface(-4.5, 1.5)
for name, path in paths.items():
    end_loss = surface(*path[-1])
    print(f"{name:26s} loss after 60 steps: {end_loss:.2e}")
    assert end_loss < start_loss / 100

# %% [markdown]
# The first step of each rule, by hand. The gradient at the start is
# $(0.2a, 4b) = (-0.9, 6)$. Vanilla moves by $-\eta\,dx$. AdaGrad's first step is
# $-\eta\, dx / |dx|$, and so is Adam's (with bias correction, $\hat m = dx$ and
# $\sqrt{\hat v} = |dx|$): a step of exactly $\eta$ in every coordinate, whatever the slope.

# %%
grad = np.array([0.2 * -4.5, 4 * 1.5])
start = np.array([-4.5, 1.5])
assert np.allclose(paths["vanilla (η=0.4)"][1], start - 0.4 * grad)
assert np.allclose(paths["AdaGrad (η=1.0)"][1], start - 1.0 * np.sign(grad))
assert np.allclose(paths["Adam (η=0.3)"][1], start - 0.3 * np.sign(grad))
print("first steps match the hand formulas")

# %% [markdown]
# ## Loss curves on two moons
#
# The same 2-8-1 network (same initial weights) trained with each rule on 60 points of the
# two-moons data, mini-batches of 10, binary cross-entropy.

# %%
X, y = datasets.moons(60, noise=0.1, seed=0)
rules = {
    "vanilla": lambda p: SGD(p, lr=0.1),
    "momentum": lambda p: SGD(p, lr=0.1, momentum=0.9),
    "AdaGrad": lambda p: AdaGrad(p, lr=0.1),
    "RMSprop": lambda p: RMSprop(p, lr=0.01),
    "Adam": lambda p: Adam(p, lr=0.01),
}
histories, models = {}, {}
for name, make in rules.items():
    models[name] = MLP(2, [8, 1], activation="relu", output_activation="sigmoid", seed=0)
    histories[name] = fit(models[name], X, y, loss="binary_cross_entropy",
                          optimizer=make(models[name].parameters()), epochs=40, batch_size=10,
                          progress=False)

# the plane coloured by the decision of the network momentum trained (the most accurate here),
# p ≥ 0.5 or not, in one batched call over the grid
shown = "momentum"
A, B = np.meshgrid(np.linspace(-1.5, 2.5, 121), np.linspace(-1.0, 1.5, 81))
p = models[shown](np.c_[A.ravel(), B.ravel()]).data.reshape(A.shape)

fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
# RMSprop dashed on top of a wider AdaGrad line: the two nearly coincide (see below)
styles = {"AdaGrad": {"linewidth": 4, "alpha": 0.6}, "RMSprop": {"linestyle": "--"}}
for name, h in histories.items():
    axes[0].plot(range(1, h.epochs + 1), h.loss, label=name, **styles.get(name, {}))
axes[0].set_xlabel("epoch")
axes[0].set_ylabel("mean loss")
axes[0].legend()
axes[1].contourf(A, B, p >= 0.5, levels=[-0.5, 0.5, 1.5], colors=["#c6dbef", "#fdd0a2"])
axes[1].contour(A, B, p, levels=[0.5], colors="k", linewidths=1)
axes[1].scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", edgecolors="k")
axes[1].set_title(f"two moons: the decision boundary learned with {shown}")
plt.tight_layout()
plt.show()
for name, h in histories.items():
    print(f"{name:9s} loss {h.loss[0]:.3f} -> {h.loss[-1]:.3f}, accuracy {h.accuracy[-1]:.0%}")
    assert h.loss[-1] < h.loss[0]
# the coloured regions are the network's own decisions: on the data points, the same call gives
# the accuracy that training reports
on_points = models[shown](X).data >= 0.5
assert np.mean(on_points == y) == evaluate(models[shown], X, y)["accuracy"] >= 0.95

# %% [markdown]
# AdaGrad ($\eta = 0.1$) and RMSprop ($\eta = 0.01$, $\rho = 0.99$) nearly coincide, and
# that is no accident. RMSprop's cache after $t$ steps is
# $(1 - \rho)\sum_s \rho^{t-s} dx_s^2 \approx 0.01 \sum_s dx_s^2$ while $t \ll 1/(1 - \rho)
# = 100$: one hundredth of AdaGrad's cache, so its step $0.01\,dx/\sqrt{\text{cache}}$ is
# AdaGrad's $0.1\,dx/\sqrt{\text{cache}}$. The two part only once RMSprop starts to forget
# old gradients, after about 100 steps (here 6 mini-batches per epoch: epoch 17 on).

# %%
ada, rms = np.array(histories["AdaGrad"].loss), np.array(histories["RMSprop"].loss)
gap = np.abs(ada - rms)
plt.figure(figsize=(6, 3))
plt.semilogy(range(1, len(gap) + 1), gap, marker=".")
plt.axvline(17, color="grey", linestyle=":")
plt.xlabel("epoch")
plt.ylabel("|AdaGrad − RMSprop| loss")
plt.title("the two part once RMSprop forgets (about epoch 17)")
plt.show()
print(f"gap: epochs 1–5 {gap[:5].mean():.1e} on average, epochs 21–40 {gap[20:].mean():.1e}")
assert abs(ada[0] - rms[0]) < 1e-3
assert gap[20:].mean() > 3 * gap[:5].mean()

# %% [markdown]
# ## Learning-rate schedules
#
# * step decay: $\eta_t = \eta_0 \cdot f^{\lfloor t / k \rfloor}$ (times $f$ every $k$ epochs);
# * exponential decay: $\eta_t = \eta_0 e^{-kt}$;
# * $1/t$ decay: $\eta_t = \eta_0 / (1 + kt)$. With $\eta_0 = k = 1$ this is the lecture's rule
#   of thumb $\eta = 1/t$, $t$ counting passes through the training set from 1.

# %%
schedules = {"step decay (×0.5 every 10)": StepDecay(0.1, factor=0.5, every=10),
             "exponential (k=0.05)": ExponentialDecay(0.1, k=0.05),
             "1/t (k=0.2)": InverseTimeDecay(0.1, k=0.2)}
epochs = range(50)
plt.figure(figsize=(6, 3.5))
for name, schedule in schedules.items():
    plt.plot(epochs, [schedule(t) for t in epochs], label=name)
plt.xlabel("epoch t")
plt.ylabel("learning rate")
plt.legend()
plt.show()

rule_of_thumb = InverseTimeDecay(1.0, k=1.0)
assert all(math.isclose(rule_of_thumb(t - 1), 1 / t) for t in range(1, 20))
assert StepDecay(0.1, factor=0.5, every=10)(25) == 0.1 * 0.5**2
assert math.isclose(ExponentialDecay(0.1, k=0.05)(20), 0.1 * math.exp(-1))


# %% [markdown]
# ## When to stop
#
# The lecture's stopping criteria, as arguments of `fit`: the misclassification rate is below
# a threshold (`max_error_rate`), the weights change by tiny amounts (`tol`: the largest
# change of any weight in an epoch), or a fixed number of epochs has run (`epochs`).
# `History.stopped_because` says which one ended training.

# %%
def fresh():
    return MLP(2, [8, 1], activation="relu", output_activation="sigmoid", seed=0)


def train(model, lr, **criteria):
    return fit(model, X, y, loss="binary_cross_entropy",
               optimizer=SGD(model.parameters(), lr=lr), progress=False, **criteria)


by_error = fresh()
h = train(by_error, 0.5, epochs=300, batch_size=10, max_error_rate=0.05)
print("max_error_rate=0.05:", h.stopped_because)
assert "misclassification rate" in h.stopped_because
assert evaluate(by_error, X, y)["accuracy"] >= 0.95

h = train(fresh(), 0.1, epochs=300, tol=5e-3)
print("tol=5e-3:           ", h.stopped_because)
assert h.epochs < 300 and h.weight_change[-1] < 5e-3

h = train(fresh(), 0.1, epochs=20)
print("epochs=20:          ", h.stopped_because)
assert h.epochs == 20

# %% [markdown]
# ## Monitoring the loss
#
# The loss should go down, fast at first and then slowly. Too small a learning rate: it
# creeps. Too large: it jumps up and down and never settles. Far too large: the sigmoid
# saturates to exactly 0 or 1, the cross-entropy becomes infinite, and `fit` stops;
# `History.stopped_because` says why.

# %%
rates = {0.01: "too small", 0.3: "about right", 10.0: "too large"}
curves = {}
plt.figure(figsize=(6, 3.5))
for lr, verdict in rates.items():
    model = fresh()
    h = fit(model, X, y, loss="binary_cross_entropy", optimizer=SGD(model.parameters(), lr=lr),
            epochs=30, batch_size=10, progress=False)
    curves[lr] = np.array(h.loss)
    plt.plot(range(1, h.epochs + 1), h.loss, marker=".", label=f"η = {lr} ({verdict})")
plt.xlabel("epoch")
plt.ylabel("mean loss")
plt.legend()
plt.show()

rises = {lr: int((np.diff(c) > 0).sum()) for lr, c in curves.items()}
print("epochs after which the loss went up:", rises)
assert rises[0.01] == 0 and curves[0.01][-1] > curves[0.3][-1]   # creeps down, still high
big = curves[10.0]
assert rises[10.0] >= 8 and big[1:].max() > 2 * big[1:].min()     # jumps up and down
assert big[-10:].min() > 2 * curves[0.3][-1]                      # and never gets close

model = fresh()
h = fit(model, X, y, loss="binary_cross_entropy", optimizer=SGD(model.parameters(), lr=30.0),
        epochs=30, batch_size=10, progress=False)
print("η = 30:", h.stopped_because)
assert h.epochs < 30 and "infinite" in h.stopped_because  # it stopped early, and says why
