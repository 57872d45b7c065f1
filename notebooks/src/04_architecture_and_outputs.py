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
# # 4. Architecture: counting, and output units
#
# A fully connected feed-forward network: every unit feeds every unit of the next layer,
# and there are no loops. We count layers as the lecture does — hidden layers plus the output
# layer, the input layer excluded.

# %%
import math
import re

import matplotlib.pyplot as plt
from IPython.display import display

import viz
from autograd_core import Value
from nn.layers import MLP
from nn.outputs import argmax, binary_decision, multilabel_decision, softmax
from viz.tables import Table

# %% [markdown]
# ## How many weights, biases, parameters, layers?
#
# For layer sizes $n_0$ (inputs), $n_1, \dots, n_L$: weights $\sum_{l=1}^{L} n_{l-1} n_l$,
# biases $\sum_{l=1}^{L} n_l$, layers $L$. The lecture's two networks:
#
# * 3-4-2: weights $3 \cdot 4 + 4 \cdot 2 = 20$, biases $4 + 2 = 6$, parameters $26$, 2 layers;
# * 3-4-4-1: weights $12 + 16 + 4 = 32$, biases $4 + 4 + 1 = 9$, parameters $41$, 3 layers.

# %%
lecture = {(3, 4, 2): {"weights": 20, "biases": 6, "total": 26, "layers": 2},
           (3, 4, 4, 1): {"weights": 32, "biases": 9, "total": 41, "layers": 3}}
for sizes, expected in lecture.items():
    model = MLP(sizes[0], list(sizes[1:]))
    counted = model.count_parameters()
    by_formula = {"weights": sum(a * b for a, b in zip(sizes, sizes[1:])),
                  "biases": sum(sizes[1:])}
    assert counted == expected, (sizes, counted)
    assert by_formula["weights"] == counted["weights"]
    assert by_formula["biases"] == counted["biases"]
    model.summary()
    print()

# %% [markdown]
# The two networks drawn as on the slide: one circle per unit, its bias inside, and one arrow
# per weight (inputs on the left). Counting on the pictures gives the same numbers.

# %%
for sizes, expected in lecture.items():
    drawing = viz.draw_network(MLP(sizes[0], list(sizes[1:]), seed=0))
    arrows = re.findall(r"^\s*u\d+ -> u\d+ \[[^\]]*label=", drawing.source, re.M)
    biases = re.findall(r"<BR/>b\d+ = ", drawing.source)
    print(f"{'-'.join(map(str, sizes))}: {len(arrows)} arrows, {len(biases)} biases")
    assert (len(arrows), len(biases)) == (expected["weights"], expected["biases"])
    display(drawing)

# %% [markdown]
# ## Output units match the task
#
# | task | output units | decision |
# |---|---|---|
# | regression | one linear unit, $o = i$ | the number itself |
# | binary | one sigmoid unit, $\sigma(z) = 1/(1 + e^{-z})$ | 1 if $\sigma \ge 0.5$ |
# | multi-label | one sigmoid per label | each label present if its $\sigma \ge 0.5$ |
# | multi-class | softmax, $p_k = e^{z_k} / \sum_j e^{z_j}$ | the class with the largest $p_k$ |

# %%
regression = MLP(3, [4, 1], output_activation="linear", seed=0)
binary = MLP(3, [4, 1], output_activation="sigmoid", seed=0)
x = [0.5, -1.0, 2.0]
o_reg, p_bin = regression(x), binary(x)
print(f"regression output: {o_reg.data:.4f} (any real number)")
print(f"binary: p = {p_bin.data:.4f} -> class {binary_decision(p_bin)}")
assert 0 < p_bin.data < 1
assert binary_decision(p_bin) == int(p_bin.data >= 0.5)

# %% [markdown]
# ## Softmax: the lecture's Dog / Cat / Boat / Airplane table
#
# $$p_k = \frac{e^{z_k}}{\sum_j e^{z_j}}$$
#
# The probabilities are positive and sum to 1. (The engine subtracts the largest score first,
# $e^{z_k - m} / \sum_j e^{z_j - m}$, which gives the same $p_k$ without overflow.)

# %%
classes = ["Dog", "Cat", "Boat", "Airplane"]
scores = [-3.44, 1.16, -0.81, 3.91]
slide_unnormalized = [0.0321, 3.1899, 0.4449, 49.8990]
slide_normalized = [0.0006, 0.0596, 0.0083, 0.9315]

probs = softmax(scores)
rows = [[c, z, math.exp(z), p.data] for c, z, p in zip(classes, scores, probs)]
display(Table("softmax", ["class", "score", "e^z", "probability"], rows))
for z, e, p_slide, p in zip(scores, slide_unnormalized, slide_normalized, probs):
    assert round(math.exp(z), 4) == e
    assert round(p.data, 4) == p_slide
assert math.isclose(sum(p.data for p in probs), 1.0)

plt.figure(figsize=(5, 3))
plt.bar(classes, [p.data for p in probs])
plt.ylabel("probability")
plt.title("softmax of the scores")
plt.show()

# %% [markdown]
# ## Group discussion, answered by code
#
# The discussion's figure is not in the lecture text, so we take a network with 3 inputs,
# one hidden layer of 4 units and the 4 outputs Dog/Cat/Boat/Airplane, and the scores of the
# table above as its output values.
#
# 1. *How many parameters must be learned?* $3\cdot4 + 4\cdot4 = 28$ weights and $4 + 4 = 8$
#    biases: 36.
# 2. *With a sigmoid at the final layer, which labels are present?* Each label on its own:
#    $\sigma(z) \ge 0.5 \iff z \ge 0$, so Cat ($\sigma(1.16) = 0.761$) and Airplane
#    ($\sigma(3.91) = 0.980$).
# 3. *With a softmax instead, which label?* The largest probability: Airplane (0.9315).

# %%
net = MLP(3, [4, 4], output_activation="sigmoid")
assert net.count_parameters()["total"] == 3 * 4 + 4 * 4 + 4 + 4 == 36

sigmoids = [Value(z).sigmoid() for z in scores]
present = [c for c, bit in zip(classes, multilabel_decision(sigmoids)) if bit]
print("sigmoid outputs:", [round(s.data, 3) for s in sigmoids], "-> present:", present)
assert present == [c for c, z in zip(classes, scores) if z >= 0] == ["Cat", "Airplane"]

chosen = classes[argmax(softmax(scores))]
print("softmax picks:", chosen)
assert chosen == "Airplane"
