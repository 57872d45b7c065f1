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
# # 3. The perceptron, XOR, and why hidden layers need non-linear activations
#
# Rosenblatt's perceptron (1958) is one threshold unit,
# $\hat y = 1$ if $w \cdot x + b \ge 0$ else $0$, trained by its own rule
# $w \leftarrow w + \eta (t - \hat y)\,x$, $b \leftarrow b + \eta (t - \hat y)$. It draws one
# straight line, so it can only learn classes a line separates.

# %%
import matplotlib.pyplot as plt
import numpy as np
import sympy as sp
from IPython.display import display

from nn import datasets
from nn.collapse import collapse_linear
from nn.examples import linear_stack, xor_relu
from nn.layers import MLP
from nn.optim import Adam
from nn.perceptron import Perceptron
from nn.train import evaluate, fit
from viz.tables import Table


def plot_boundary(ax, predict, X, y, title):
    # colour the plane by the model's decision; the examples drawn on top
    g = np.linspace(-0.5, 1.5, 61)
    A, B = np.meshgrid(g, g)
    Z = np.array([predict(p) for p in np.c_[A.ravel(), B.ravel()]]).reshape(A.shape)
    ax.contourf(A, B, Z, levels=[-0.5, 0.5, 1.5], colors=["#c6dbef", "#fdd0a2"])
    ax.scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", edgecolors="k", s=80, zorder=3)
    ax.set_title(title)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")


# %% [markdown]
# ## The perceptron learns AND and OR, and never XOR

# %%
gates = {"AND": datasets.and_gate(), "OR": datasets.or_gate(), "XOR": datasets.xor()}
perceptrons = {}
for name, (X, y) in gates.items():
    perceptrons[name] = Perceptron(2, lr=0.1, max_epochs=50).fit(X, y)
    print(f"{name}: {perceptrons[name].message}")
assert perceptrons["AND"].converged and perceptrons["OR"].converged
assert not perceptrons["XOR"].converged

fig, axes = plt.subplots(1, 3, figsize=(12, 3.6))
for ax, (name, (X, y)) in zip(axes, gates.items()):
    plot_boundary(ax, lambda p, m=perceptrons[name]: m.predict(p[None, :])[0], X, y,
                  f"perceptron on {name}")
plt.tight_layout()
plt.show()

# %%
plt.figure(figsize=(5, 3))
plt.plot(range(1, 51), perceptrons["XOR"].errors_per_epoch, marker=".")
plt.xlabel("epoch")
plt.ylabel("misclassified examples")
plt.title("XOR: the perceptron never gets all four right")
plt.show()

# %% [markdown]
# ## Hidden layers alone are not enough
#
# The lecture's observation: a network of linear units is a chain of linear functions,
# and a chain of linear functions is linear. With $h_1 = w_1 x_1 + w_3 x_2 + b_1$,
# $h_2 = w_2 x_1 + w_4 x_2 + b_2$ and $y = w_5 h_1 + w_6 h_2 + b_3$, sympy expands $y$ and
# finds a polynomial of degree 1 in $x_1, x_2$:

# %%
x1, x2 = sp.symbols("x1 x2")
w1, w2, w3, w4, w5, w6, b1, b2, b3 = sp.symbols("w1:7 b1:4")
h1 = w1 * x1 + w3 * x2 + b1
h2 = w2 * x1 + w4 * x2 + b2
y_expr = sp.expand(w5 * h1 + w6 * h2 + b3)
display(y_expr)
assert sp.Poly(y_expr, x1, x2).total_degree() == 1

# %% [markdown]
# `collapse_linear` does the same for any stack of linear layers: it returns the one affine
# map $W x + b$ with $W = W_L \cdots W_1$. Here a 2-3-2 linear network and its collapse
# agree on random inputs:

# %%
stack = linear_stack()
W, b = collapse_linear(stack)
print("W =", W.tolist(), " b =", b.tolist())

# the product of the layers' weight matrices, written out
W_hidden = np.array([[1.0, 2.0], [0.0, -1.0], [3.0, 1.0]])
b_hidden = np.array([1.0, 0.0, -2.0])
W_out = np.array([[1.0, 0.0, 1.0], [2.0, -1.0, 0.0]])
b_out = np.array([0.5, -1.0])
assert np.allclose(W, W_out @ W_hidden) and np.allclose(b, W_out @ b_hidden + b_out)

rng = np.random.default_rng(0)
for point in rng.uniform(-3, 3, size=(5, 2)):
    network = [v.data for v in stack(point.tolist())]
    assert np.allclose(network, W @ point + b)

# %% [markdown]
# ## Non-linear activations: a hand-set ReLU network solves XOR
#
# Goodfellow et al. (§6.1): $h = \max(0, W x + c)$ with $W = \begin{pmatrix}1 & 1\\ 1 & 1
# \end{pmatrix}$, $c = (0, -1)$, and $y = w \cdot h$ with $w = (1, -2)$. The hidden layer
# maps the four points to $(0,0), (1,0), (1,0), (2,1)$ — where one line does separate them.

# %%
X, y = datasets.xor()
net = xor_relu()
hidden = np.array([[h.data for h in net.layers[0](x.tolist())] for x in X])
outputs = [net(x.tolist()).data for x in X]
display(Table("The hand-set ReLU network on XOR", ["x1", "x2", "h1", "h2", "y"],
              [[*map(int, x), *map(int, h), int(o)] for x, h, o in zip(X, hidden, outputs)]))
assert hidden.tolist() == [[0, 0], [1, 0], [1, 0], [2, 1]]
assert outputs == y.tolist()

fig, axes = plt.subplots(1, 2, figsize=(9, 3.8))
plot_boundary(axes[0], lambda p: int(net(p.tolist()).data >= 0.5), X, y,
              "hand-set ReLU network")
axes[1].scatter(hidden[:, 0], hidden[:, 1], c=y, cmap="coolwarm", edgecolors="k", s=80)
axes[1].plot([0, 2], [-0.25, 0.75], "k--")
axes[1].set_title("the same points in hidden space $h$")
axes[1].set_xlabel("$h_1$")
axes[1].set_ylabel("$h_2$")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## An MLP learns XOR
#
# A 2-4-1 network (tanh hidden units, a sigmoid output, binary cross-entropy loss, Adam)
# finds such weights by itself, by repeating forward pass, backward pass and update.

# %%
mlp = MLP(2, [4, 1], activation="tanh", output_activation="sigmoid", seed=0)
history = fit(mlp, X, y, loss="binary_cross_entropy", optimizer=Adam(mlp.parameters(), lr=0.1),
              epochs=150, progress=False)
print(history.stopped_because, "— final loss", round(history.loss[-1], 4))
assert evaluate(mlp, X, y)["accuracy"] == 1.0

fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
axes[0].plot(history.loss)
axes[0].set_xlabel("epoch")
axes[0].set_ylabel("binary cross-entropy")
axes[0].set_title("training loss")
plot_boundary(axes[1], lambda p: int(mlp(p.tolist()).data >= 0.5), X, y, "trained 2-4-1 MLP")
plt.tight_layout()
plt.show()
