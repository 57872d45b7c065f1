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
# # 2. Reverse-mode accumulation
#
# Backpropagation is the special case, for neural networks, of *reverse-mode accumulation*
# from automatic differentiation: evaluate the function once forward, storing every
# intermediate value, then sweep backward once, applying the chain rule at each node.

# %%
import math
import re
import time

from IPython.display import display

import viz
from autograd_core import Value, gradcheck, jvp, parse, topological_order, trace
from viz.tables import Table

# %% [markdown]
# ## The chain $x = f(w),\ y = f(x),\ z = f(y)$
#
# Goodfellow et al.'s example: with the same $f$ applied three times,
#
# $$\frac{dz}{dw} = \frac{dz}{dy}\,\frac{dy}{dx}\,\frac{dx}{dw} = f'(y)\, f'(x)\, f'(w).$$
#
# Reverse mode computes this product from the left: first $\bar z = 1$, then
# $\bar y = \bar z\, f'(y)$, then $\bar x = \bar y\, f'(x)$, then $\bar w = \bar x\, f'(w)$ —
# each factor is a number stored in the forward pass. Here $f = \sin$ and $w = 0.5$.

# %%
w = Value(0.5, label="w")
x = w.sin()
x.label = "x"
y = x.sin()
y.label = "y"
z = y.sin()
z.label = "z"
z.backward()

by_hand = math.cos(y.data) * math.cos(x.data) * math.cos(w.data)  # f'(y) f'(x) f'(w)
print(f"dz/dw: engine {w.grad:.12f}, by hand {by_hand:.12f}")
assert math.isclose(w.grad, by_hand, rel_tol=1e-14)
viz.draw_graph(z, mode="both")

# %% [markdown]
# ## Primal and adjoint traces of $f(x_1, x_2) = \ln(x_1) + x_1 x_2 - \sin(x_2)$ at $(2, 5)$
#
# The example of Baydin et al. (*Automatic Differentiation in Machine Learning: a Survey*,
# Table 2 and Figure 2 / Table 3). The **primal trace** names every intermediate
# $v_i$ (inputs are $v_{-1} = x_1$, $v_0 = x_2$). The **adjoint trace** runs it backward with
# $\bar v_i = \partial y / \partial v_i = \sum_{j \text{ uses } i} \bar v_j\, \partial v_j /
# \partial v_i$; when $v_i$ feeds several nodes, its adjoint is accumulated ("+").

# %%
f, inputs = parse("ln(x1) + x1*x2 - sin(x2)", x1=2, x2=5)
x1, x2 = inputs["x1"], inputs["x2"]
t = trace(f, [x1, x2])
t

# %%
# the survey's printed numbers, and the derivatives by hand:
# ∂f/∂x1 = 1/x1 + x2 = 5.5,  ∂f/∂x2 = x1 − cos(x2) = 2 − cos 5
assert round(f.data, 3) == 11.652
assert math.isclose(t.gradients["x1"], 1 / 2 + 5, rel_tol=1e-14)
assert math.isclose(t.gradients["x2"], 2 - math.cos(5), rel_tol=1e-14)
assert round(t.gradients["x2"], 3) == 1.716
print(f"y = {f.data:.3f},  x̄1 = {t.gradients['x1']:.3f},  x̄2 = {t.gradients['x2']:.3f}")

# %% [markdown]
# The survey's Figure 2 draws this function as a graph: the inputs $v_{-1}, v_0$ on the left, one
# node per operation, each edge a use of a value. Drawn with both passes, every node shows its
# value $v_i$ and its adjoint $\bar v_i$, every edge the local derivative
# $\partial v_j / \partial v_i$; $x_1$ and $x_2$ each feed two nodes, so each adjoint is a sum of
# two edge contributions.

# %%
graph = viz.draw_graph(f, mode="both")
# by hand: 2 inputs and 5 operations (ln, ×, sin, +, −) are 7 nodes; ln and sin take one value
# each and ×, +, − two each: 1 + 2 + 1 + 2 + 2 = 8 edges
assert len(re.findall(r"^\s*n\d+ \[label=", graph.source, re.M)) == 7
assert len(re.findall(r"^\s*n\d+ -> n\d+ \[[^\]]*label=", graph.source, re.M)) == 8
graph

# %% [markdown]
# The same two passes, one frame at a time: the forward frames fill in the primal trace, the
# backward frames the adjoint trace, from $\bar y = 1$ back to $\bar x_1$ and $\bar x_2$.
# Use *Next*/*Previous* or the slider.

# %%
frames = viz.steps(f)
assert frames[0].phase == "forward" and frames[-1].phase == "backward"
# the last frame gives the gradient, x̄1 = 1/2 + 5 and x̄2 = 2 − cos 5, to the digits shown
shown = [float(x) for x in re.findall(r"\d+\.\d+|\d+", frames[-1].text)]
for exact in (1 / 2 + 5, 2 - math.cos(5)):
    assert any(math.isclose(x, exact, rel_tol=1e-3) for x in shown), exact
frames

# %% [markdown]
# ## Forward mode vs reverse mode
#
# **Forward mode** pushes a tangent $\dot v$ from the inputs to the output,
# $\dot v_j = \sum_i \frac{\partial v_j}{\partial v_i}\dot v_i$: one pass gives the derivative
# along one input direction, so the full gradient of a function of $n$ inputs takes $n$
# passes (`jvp`). **Reverse mode** pushes adjoints from the output back: one pass gives the
# derivative of one output with respect to *every* input (`backward`). A loss has one output
# and millions of weights — which is why training uses reverse mode. Both use the same local
# derivatives, so they agree:

# %%
rows = []  # trace(f) ran the backward pass: the adjoints are on the input nodes
for name, leaf in inputs.items():
    forward_mode = jvp(f, {x1: float(leaf is x1), x2: float(leaf is x2)})
    rows.append([name, forward_mode, leaf.grad])
    assert math.isclose(forward_mode, leaf.grad, rel_tol=1e-14)
display(Table("∂f/∂xᵢ at (2, 5)", ["input", "forward mode (one jvp per input)",
                                     "reverse mode (one backward for all)"], rows))

# %% [markdown]
# The cost, on a function of $n = 200$ inputs, $f(x) = \sum_i \sin(x_i)\,x_{i+1}$: forward
# mode runs 200 passes over the graph, reverse mode one. (Times on a shared machine vary; the
# number of passes is the point.)

# %%
n = 200
xs = [Value(0.01 * i, label=f"x{i}") for i in range(n)]
out = sum(xs[i].sin() * xs[i + 1] for i in range(n - 1))

start = time.perf_counter()
forward_gradient = [jvp(out, {x: 1.0}) for x in xs]           # n passes
forward_seconds = time.perf_counter() - start
start = time.perf_counter()
out.backward()                                                 # one pass
reverse_seconds = time.perf_counter() - start

assert all(math.isclose(a, x.grad, rel_tol=1e-12, abs_tol=1e-15)
           for a, x in zip(forward_gradient, xs))
print(f"{len(topological_order(out))} nodes; forward mode: {n} passes, "
      f"{forward_seconds * 1e3:.1f} ms; reverse mode: 1 pass, {reverse_seconds * 1e3:.1f} ms")

# %% [markdown]
# ## Checking gradients: `gradcheck`
#
# A gradient computed by reverse mode can be checked against the central difference
# $\frac{f(x + \epsilon e_i) - f(x - \epsilon e_i)}{2\epsilon}$, which needs no derivative
# at all (PyTorch's defaults: $\epsilon = 10^{-6}$, tolerance $10^{-5} + 10^{-3}|\cdot|$).

# %%
report = gradcheck(lambda x1, x2: x1.log() + x1 * x2 - x2.sin(), {"x1": 2.0, "x2": 5.0})
print(report)
assert report.ok

# %% [markdown]
# Where a function has a kink the two need not agree: at $0$, ReLU's derivative is taken as
# $0$ (a convention), while the central difference sees the average slope $\frac12$.

# %%
kink = gradcheck(lambda x: x.relu(), [0.0], raise_exception=False)
print(kink)
assert not kink.ok
assert kink.rows[0].analytic == 0.0 and math.isclose(kink.rows[0].numeric, 0.5)
