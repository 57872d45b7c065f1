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
# # 6. Activation functions and loss functions
#
# Every activation is one engine operation with its local derivative in the rule table. Below,
# the derivatives are not typed in from formulas: they come out of `backward()`, one input at a
# time, and are checked against central differences.

# %%
import math

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import display

from autograd_core import Value, vsum
from nn import datasets
from nn.activations import ACTIVATIONS
from nn.diagnostics import dead_relu_units, gradient_norms_per_layer
from nn.layers import MLP
from nn.losses import binary_cross_entropy, half_squared_error, hinge, huber, mae, squared_error
from nn.optim import SGD
from nn.train import fit
from viz.tables import Table

# %% [markdown]
# ## Activations and their derivatives
#
# sigmoid $\sigma(z) = 1/(1+e^{-z})$, $\sigma' = \sigma(1-\sigma) \le \frac14$; tanh, $\tanh' =
# 1 - \tanh^2$; ReLU $\max(0, z)$, derivative 0 or 1; leaky ReLU ($0.01z$ for $z < 0$);
# ELU ($e^z - 1$ for $z < 0$); softplus $\ln(1 + e^z)$, whose derivative is $\sigma$.

# %%
zs = np.linspace(-4, 4, 161)


def value_and_derivative(f, z):
    x = Value(float(z))
    out = f(x)
    out.backward()
    return out.data, x.grad


curves = {name: np.array([value_and_derivative(f, z) for z in zs])
          for name, f in ACTIVATIONS.items()}

names = [n for n in ACTIVATIONS if n != "linear"]
fig, axes = plt.subplots(2, len(names), figsize=(3 * len(names), 5), sharex=True)
for k, name in enumerate(names):
    axes[0, k].plot(zs, curves[name][:, 0])
    axes[0, k].set_title(name)
    axes[1, k].plot(zs, curves[name][:, 1], color="C3")
    axes[1, k].axhline(0.25, color="grey", linestyle=":", linewidth=1)  # the top of σ'
    axes[1, k].set_title(f"largest f' = {curves[name][:, 1].max():.2g}", fontsize=9)
    axes[1, k].set_xlabel("z")
for ax in axes[1, 1:]:  # one y-axis for every derivative: σ' tops out at 1/4, tanh' reaches 1
    ax.sharey(axes[1, 0])
axes[1, 0].autoscale()  # the shared limits now take in every derivative's curve
axes[0, 0].set_ylabel("f(z)")
axes[1, 0].set_ylabel("f'(z) by backward()")
plt.tight_layout()
plt.show()

# %%
# check: backward's derivative vs the central difference (away from the kink at 0)
eps = 1e-6
for name, f in ACTIVATIONS.items():
    for z, (_, slope) in zip(zs, curves[name]):
        if abs(z) < 1e-3:
            continue
        numeric = (f(Value(z + eps)).data - f(Value(z - eps)).data) / (2 * eps)
        assert math.isclose(slope, numeric, rel_tol=1e-5, abs_tol=1e-7), (name, z)

sigmoid_slopes = curves["sigmoid"][:, 1]
top = sigmoid_slopes.argmax()
print(f"largest sigmoid derivative: {sigmoid_slopes[top]:.4f} at z = {zs[top]:.3g}")
assert math.isclose(sigmoid_slopes[top], 0.25) and abs(zs[top]) < 1e-12
# tanh'(0) = 1 − tanh²(0) = 1: four times σ'(0), and the shared axis shows it
assert math.isclose(curves["tanh"][:, 1].max(), 1.0)
assert len({ax.get_ylim() for ax in axes[1]}) == 1
assert np.allclose(curves["softplus"][:, 1], curves["sigmoid"][:, 0])  # softplus' = σ

# %% [markdown]
# ## Dying ReLU
#
# A ReLU unit whose net input is negative for **every** example outputs 0 on all of them. Its
# derivative there is 0 too, so no gradient reaches its weights: it never recovers. A large
# learning rate can push units there, and an unlucky initialization can start them there.
# We train a 2-16-16-1 ReLU network on two moons with plain SGD and a large step, and count
# the dead units before and after (numbered as on the slide: inputs 1–2, hidden units 3–18
# and 19–34, the output 35).

# %%
X, y = datasets.moons(60, seed=0)
model = MLP(2, [16, 16, 1], activation="relu", output_activation="sigmoid", seed=1)
print("dead before training:", dead_relu_units(model, X))
fit(model, X, y, loss="mse", optimizer=SGD(model.parameters(), lr=2.0), epochs=20,
    batch_size=10, progress=False)
dead = dead_relu_units(model, X)
print("dead after training: ", dead)

# a dead unit gets no gradient: its weights' gradients over the whole data set are all 0
model.zero_grad()
vsum([squared_error(model(x.tolist()), float(t)) for x, t in zip(X, y)]).backward()
neurons = {n.unit: n for layer in model.layers for n in layer.neurons}
for unit in dead:
    assert all(p.grad == 0.0 for p in [*neurons[unit].w, neurons[unit].b]), unit
alive_grads = [abs(p.grad) for u, n in neurons.items() if u not in dead for p in n.w]
print(f"{len(dead)} dead units; the largest gradient on a live unit's weight: "
      f"{max(alive_grads):.3g}")
assert dead

# %% [markdown]
# ## Vanishing gradients: sigmoid vs ReLU
#
# Going back through a layer multiplies the gradient by $f'(i_j)\, w$. Since
# $\sigma' \le \frac14$, through a deep sigmoid stack the gradient shrinks layer after
# layer, and the first layers barely learn. ReLU's derivative is 1 where the unit is active.
# The same 2-8-8-8-8-1 network (Xavier initial weights), one backward pass of the mean
# cross-entropy over the data, and the gradient's size $\sqrt{\sum \partial L/\partial\theta^2}$
# per layer:

# %%
norms = {}
for activation in ("sigmoid", "relu"):
    net = MLP(2, [8, 8, 8, 8, 1], activation=activation, output_activation="sigmoid",
              init="xavier", seed=0)
    losses = [binary_cross_entropy(net(x.tolist()), float(t)) for x, t in zip(X, y)]
    (vsum(losses) / len(losses)).backward()
    norms[activation] = gradient_norms_per_layer(net)

layers = ["hidden 1", "hidden 2", "hidden 3", "hidden 4", "output"]
positions = np.arange(len(layers))
plt.figure(figsize=(7, 3.5))
plt.bar(positions - 0.2, norms["sigmoid"], width=0.4, label="sigmoid")
plt.bar(positions + 0.2, norms["relu"], width=0.4, label="relu")
plt.xticks(positions, layers)
plt.yscale("log")
plt.ylabel("gradient norm per layer")
plt.legend()
plt.show()
display(Table("Gradient norm per layer", ["activation", *layers],
              [[activation, *values] for activation, values in norms.items()]))
# sigmoid: each layer nearer the input gets a smaller gradient
assert all(a < b for a, b in zip(norms["sigmoid"], norms["sigmoid"][1:]))
assert norms["relu"][0] > 100 * norms["sigmoid"][0]

# %% [markdown]
# ## Loss functions
#
# For regression, as functions of the residual $r = t - o$: squared $r^2$ (the lecture's),
# half-squared $\frac12 r^2$, absolute $|r|$ (L1), and Huber,
# $\frac12 r^2$ for $|r| \le \delta$ and $\delta(|r| - \frac12\delta)$ beyond: quadratic near
# 0, linear (robust to outliers) far away. For classification with a target $t = 1$:
# binary cross-entropy $-\ln p$ as a function of the predicted probability $p$, and the hinge
# loss $\max(0, 1 - t\,s)$ as a function of the score $s$ (targets $\pm1$).

# %%
residuals = np.linspace(-3, 3, 121)
regression = {"squared (t − o)²": squared_error, "half-squared ½(t − o)²": half_squared_error,
              "absolute |t − o|": mae, "Huber (δ = 1)": huber}
fig, axes = plt.subplots(1, 3, figsize=(14, 3.8))
for name, loss in regression.items():
    axes[0].plot(residuals, [loss(0.0, float(r)).data for r in residuals], label=name)
axes[0].set_xlabel("residual t − o")
axes[0].set_ylim(0, 5)
axes[0].legend(fontsize=8)
axes[0].set_title("regression losses")

ps = np.linspace(0.01, 0.99, 99)
axes[1].plot(ps, [binary_cross_entropy(float(p), 1.0).data for p in ps])
axes[1].set_xlabel("predicted probability p (target 1)")
axes[1].set_title("binary cross-entropy −ln p")

scores = np.linspace(-2, 3, 101)
axes[2].plot(scores, [hinge(float(s), 1.0).data for s in scores])
axes[2].set_xlabel("score s (target +1)")
axes[2].set_title("hinge max(0, 1 − t·s)")
plt.tight_layout()
plt.show()

# %%
# a few values by hand
assert huber(0.0, 0.5).data == 0.5 * 0.5**2               # inside δ: ½r²
assert huber(0.0, 2.0).data == 1.0 * (2.0 - 0.5 * 1.0)     # outside δ: δ(|r| − δ/2)
assert squared_error(0.474, 1.0).data == (1.0 - 0.474) ** 2
assert math.isclose(binary_cross_entropy(0.9, 1.0).data, -math.log(0.9))
assert hinge(0.3, 1.0).data == 1 - 0.3 and hinge(1.5, 1.0).data == 0.0

# the gradient each loss sends back to the output: what the backward pass starts from;
# by hand at r = t − o = 2: −2r, −r, −sign(r), and −δ·sign(r) beyond δ = 1
by_hand = {"squared (t − o)²": -4.0, "half-squared ½(t − o)²": -2.0,
           "absolute |t − o|": -1.0, "Huber (δ = 1)": -1.0}
for name, loss in regression.items():
    o = Value(0.0)
    loss(o, 2.0).backward()
    print(f"{name:26s} at t − o = 2: ∂E/∂o = {o.grad:+.2f}")
    assert o.grad == by_hand[name], name
