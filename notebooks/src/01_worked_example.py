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
# # 1. The worked example: forward pass, backward pass, update
#
# The lecture's 3-2-1 network: inputs 1, 2, 3 take $x = (1, 0, 1)$; hidden units 4 and 5 and
# output unit 6 apply the sigmoid $\sigma(z) = 1/(1 + e^{-z})$; the target is $t = 1$ and the
# learning rate $\eta = 0.9$. We run one training step — forward, backward, update — with the
# engine, and check every number against the lecture's hand formulas.
#
# *About these notebooks:* they are stored **without outputs** (plots and drawings are large
# and change between library versions), so run them top to bottom (*Run All*) to see every
# table and picture, or read them rendered on the documentation site (`make docs`). Each one's
# source is a plain Python file in `notebooks/src/` (Jupytext's percent format); `make notebooks`
# writes the `.ipynb` from it. Drawings need Graphviz's `dot` program.

# %%
import math

from IPython.display import display

import viz
from lab.examples import WORKED_INPUTS, WORKED_TARGET, worked_example_step
from viz.tables import Table, worked_example_tables

step = worked_example_step(loss="squared", lr=0.9)
forward_table, error_table, update_table = worked_example_tables(step)

# %% [markdown]
# ## Step 1 — forward pass
#
# Each unit $j$ takes the weighted sum of its inputs (its *net input*) and squashes it:
#
# $$i_j = \sum_i w_{ij}\, o_i + b_j, \qquad o_j = \sigma(i_j).$$
#
# The slide: $i_4 = (1 \cdot 0.2 + 0 \cdot 0.4 + 1 \cdot (-0.5)) - 0.4 = -0.7$, so
# $o_4 = \sigma(-0.7) = 0.332$; $i_5 = (1 \cdot (-0.3) + 0 \cdot 0.1 + 1 \cdot 0.2) + 0.2 = 0.1$,
# so $o_5 = 0.525$.

# %%
display(forward_table)

# the slide's arithmetic, in plain floats
sigma = lambda z: 1 / (1 + math.exp(-z))
i4 = 1 * 0.2 + 0 * 0.4 + 1 * -0.5 - 0.4
i5 = 1 * -0.3 + 0 * 0.1 + 1 * 0.2 + 0.2
o4, o5 = sigma(i4), sigma(i5)
i6 = o4 * -0.3 + o5 * -0.2 + 0.1
o6 = sigma(i6)
hand_forward = {"4": (i4, o4), "5": (i5, o5), "6": (i6, o6)}
for unit, (net, out) in hand_forward.items():
    assert math.isclose(step.forward[unit]["net"], net, abs_tol=1e-12), unit
    assert math.isclose(step.forward[unit]["out"], out, abs_tol=1e-12), unit
assert (round(o4, 3), round(o5, 3)) == (0.332, 0.525)  # the numbers printed on the slide
print(f"o6 = {o6:.4f}, E = (t - o6)^2 = {(1 - o6) ** 2:.4f}")

# %% [markdown]
# ## Step 2 — backward pass
#
# With $E = (t - o_k)^2$ the chain rule gives, for a weight $w_{jk}$ into the output unit $k$,
#
# $$\frac{\partial E}{\partial w_{jk}} = \frac{\partial E}{\partial o_k}\cdot
# \frac{\partial o_k}{\partial w_{jk}}
# = -2(t_k - o_k)\;\sigma\Big(\sum_j w_{jk} o_j\Big)
# \Big(1 - \sigma\Big(\sum_j w_{jk} o_j\Big)\Big)\; o_j ,$$
#
# using $\sigma'(z) = \sigma(z)(1 - \sigma(z))$. Call $\delta_k = -\partial E/\partial i_k =
# 2(t_k - o_k)\,o_k(1 - o_k)$ the *error* of unit $k$. A hidden unit $h$ collects the errors
# of the units it feeds: $\delta_h = o_h(1 - o_h)\sum_k w_{hk}\delta_k$, and
# $\partial E/\partial w_{ih} = -\delta_h\, o_i$ (for a bias, $o_i = 1$).
#
# The engine knows none of these formulas: it only has each operation's local derivative and
# the one line `parent.grad += local * node.grad`. Below, its gradients are checked against
# the hand formulas, weight by weight.

# %%
display(error_table)

t = WORKED_TARGET
delta6 = 2 * (t - o6) * o6 * (1 - o6)             # −∂E/∂i6
delta4 = o4 * (1 - o4) * -0.3 * delta6            # w46 = −0.3
delta5 = o5 * (1 - o5) * -0.2 * delta6            # w56 = −0.2
x1, x2, x3 = WORKED_INPUTS
hand_grads = {
    "w14": -delta4 * x1, "w24": -delta4 * x2, "w34": -delta4 * x3, "b4": -delta4,
    "w15": -delta5 * x1, "w25": -delta5 * x2, "w35": -delta5 * x3, "b5": -delta5,
    # the slide's formula for the output unit: −2(t − o6)·σ(i6)(1 − σ(i6))·o_j
    "w46": -2 * (t - o6) * sigma(i6) * (1 - sigma(i6)) * o4,
    "w56": -2 * (t - o6) * sigma(i6) * (1 - sigma(i6)) * o5,
    "b6": -2 * (t - o6) * sigma(i6) * (1 - sigma(i6)) * 1.0,
}
rows = [[name, step.gradients[name], hand_grads[name],
         abs(step.gradients[name] - hand_grads[name])] for name in hand_grads]
display(Table("∂E/∂w: engine vs hand formula", ["parameter", "engine", "hand", "difference"],
              rows, digits=6))
for name, g in hand_grads.items():
    assert math.isclose(step.gradients[name], g, rel_tol=1e-12, abs_tol=1e-15), name
assert step.gradients["w24"] == 0.0  # x2 = 0: the weight leaving input 2 gets no blame

# %% [markdown]
# ## Step 3 — update
#
# Each parameter takes a step against its gradient: $w \leftarrow w - \eta\,
# \partial E/\partial w$ with $\eta = 0.9$.

# %%
display(update_table)
for name, g in hand_grads.items():
    assert math.isclose(step.updated[name], step.old[name] - 0.9 * g, abs_tol=1e-12), name

# the new weights really are better on this example: the error goes down
new_out = step.model(WORKED_INPUTS).data
print(f"E before: {(t - o6) ** 2:.5f}   E after one step: {(t - new_out) ** 2:.5f}")
assert (t - new_out) ** 2 < (t - o6) ** 2

# %% [markdown]
# ## Two conventions for the loss: $(t - o)^2$ or $\frac{1}{2}(t - o)^2$
#
# The lecture uses $E = (t - o)^2$, so $\partial E / \partial o = -2(t - o)$. Many textbooks
# (Mitchell; Han & Kamber's version of this very example) use $E = \frac12 (t - o)^2$, so that
# $\partial E / \partial o = -(t - o)$ and $\delta_6 = o_6(1 - o_6)(t - o_6)$. Nothing else
# changes: the forward pass is the same, and every error and gradient is exactly **half** —
# with the same $\eta$ each step is half as long (or: the squared loss is the half-squared
# loss with the learning rate doubled).

# %%
half = worked_example_step(loss="half-squared", lr=0.9)
rows = [[unit, step.errors[unit], half.errors[unit], step.errors[unit] / half.errors[unit]]
        for unit in step.errors]
display(Table("errors δ_j = −∂E/∂i_j", ["unit", "(t − o)²", "½(t − o)²", "ratio"], rows))
for name in step.gradients:
    assert math.isclose(step.gradients[name], 2 * half.gradients[name], abs_tol=1e-15), name
assert half.forward == step.forward

# %% [markdown]
# Han & Kamber (*Data Mining*, Tables 9.2–9.3) print this example with $\frac12(t-o)^2$
# and $\eta = 0.9$: errors $0.1311$, $-0.0065$, $-0.0087$ for units 6, 5, 4 and new weights
# rounded to three decimals. The half-squared step reproduces their table (they round
# intermediate values, hence the tolerance of one unit in the last printed digit).

# %%
textbook_errors = {"6": 0.1311, "5": -0.0065, "4": -0.0087}
textbook_new = {"w46": -0.261, "w56": -0.138, "w14": 0.192, "w15": -0.306, "w24": 0.4,
                "w25": 0.1, "w34": -0.508, "w35": 0.194, "b6": 0.218, "b5": 0.194,
                "b4": -0.408}
for unit, err in textbook_errors.items():
    assert abs(half.errors[unit] - err) <= 1e-4, unit
for name, w in textbook_new.items():
    assert abs(half.updated[name] - w) <= 1e-3, name
print("the half-squared step matches Han & Kamber's table")

# %% [markdown]
# ## The whole step, frame by frame
#
# The stepper shows the forward pass unit by unit, the loss, each error term and gradient as
# the backward pass produces it, and each update. Use *Next*/*Previous* or the slider.

# %%
frames = viz.steps(step)
for frame in frames[:4]:
    print(frame.number, frame.phase, "—", frame.text)
frames

# %% [markdown]
# ## The network and its graphs
#
# The network as on the slide, edges labelled old → new weight after the update, units with
# their net input, output and error:

# %%
viz.draw_network(step.model, inputs=WORKED_INPUTS, target=WORKED_TARGET, forward=step.forward,
                 errors=step.errors, old=step.old)

# %% [markdown]
# The computation graph of the loss, each unit drawn as one node (`collapse_neurons=True`).
# Forward: every node's value.

# %%
viz.draw_graph(step.graph, mode="forward", collapse_neurons=True)

# %% [markdown]
# Backward: every node's adjoint $\bar v = \partial E/\partial v$ (red), and on every edge the
# local derivative $\partial\,\text{child}/\partial\,\text{parent}$. A parent's adjoint is the
# sum, over its edges, of edge label × child's adjoint.

# %%
viz.draw_graph(step.graph, mode="backward", collapse_neurons=True)
