"""Write the lecture's notebooks (notebooks/*.ipynb) from the cells below.

Run ``python scripts/make_notebooks.py`` after editing a cell. Each notebook is a list of cells,
markdown (`md`) or code (`code`), kept here as Python strings so that a change reads as a plain
diff. The files are written without outputs and with fixed cell ids, so the same cells always give
the same bytes (tests/test_notebooks.py checks that the committed notebooks are up to date).
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import nbformat
from nbformat.notebooknode import NotebookNode

FOLDER = Path(__file__).resolve().parent.parent / "notebooks"


def md(text: str) -> NotebookNode:
    """A markdown cell (LaTeX between $…$ works in Jupyter and on code hosts)."""
    return nbformat.v4.new_markdown_cell(textwrap.dedent(text).strip())


def code(text: str) -> NotebookNode:
    """A code cell."""
    return nbformat.v4.new_code_cell(textwrap.dedent(text).strip())


# ---------------------------------------------------------------------------------------------
WORKED_EXAMPLE = [
    md(r"""
    # 1. The worked example: forward pass, backward pass, update

    The lecture's 3-2-1 network: inputs 1, 2, 3 take $x = (1, 0, 1)$; hidden units 4 and 5 and
    output unit 6 apply the sigmoid $\sigma(z) = 1/(1 + e^{-z})$; the target is $t = 1$ and the
    learning rate $\eta = 0.9$. We run one training step — forward, backward, update — with the
    engine, and check every number against the lecture's hand formulas.

    *About these notebooks:* they are stored **without outputs** (plots and drawings are large
    and change between library versions), so run them top to bottom (*Run All*) to see every
    table and picture. `python scripts/make_notebooks.py` regenerates them from their source.
    Drawings need Graphviz's `dot` program.
    """),
    code(r"""
    import math

    from IPython.display import display

    import viz
    from nn.examples import WORKED_INPUTS, WORKED_TARGET, worked_example, worked_example_step
    from viz.tables import Table, worked_example_tables

    step = worked_example_step(loss="squared", lr=0.9)
    forward_table, error_table, update_table = worked_example_tables(step)
    """),
    md(r"""
    ## Step 1 — forward pass

    Each unit $j$ takes the weighted sum of its inputs (its *net input*) and squashes it:

    $$i_j = \sum_i w_{ij}\, o_i + b_j, \qquad o_j = \sigma(i_j).$$

    The slide: $i_4 = (1 \cdot 0.2 + 0 \cdot 0.4 + 1 \cdot (-0.5)) - 0.4 = -0.7$, so
    $o_4 = \sigma(-0.7) = 0.332$; $i_5 = (1 \cdot (-0.3) + 0 \cdot 0.1 + 1 \cdot 0.2) + 0.2 = 0.1$,
    so $o_5 = 0.525$.
    """),
    code(r"""
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
    """),
    md(r"""
    ## Step 2 — backward pass

    With $E = (t - o_k)^2$ the chain rule gives, for a weight $w_{jk}$ into the output unit $k$,

    $$\frac{\partial E}{\partial w_{jk}} = \frac{\partial E}{\partial o_k}\cdot
    \frac{\partial o_k}{\partial w_{jk}}
    = -2(t_k - o_k)\;\sigma\Big(\sum_j w_{jk} o_j\Big)
    \Big(1 - \sigma\Big(\sum_j w_{jk} o_j\Big)\Big)\; o_j ,$$

    using $\sigma'(z) = \sigma(z)(1 - \sigma(z))$. Call $\delta_k = -\partial E/\partial i_k =
    2(t_k - o_k)\,o_k(1 - o_k)$ the *error* of unit $k$. A hidden unit $h$ collects the errors
    of the units it feeds: $\delta_h = o_h(1 - o_h)\sum_k w_{hk}\delta_k$, and
    $\partial E/\partial w_{ih} = -\delta_h\, o_i$ (for a bias, $o_i = 1$).

    The engine knows none of these formulas: it only has each operation's local derivative and
    the one line `parent.grad += local * node.grad`. Below, its gradients are checked against
    the hand formulas, weight by weight.
    """),
    code(r"""
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
    """),
    md(r"""
    ## Step 3 — update

    Each parameter takes a step against its gradient: $w \leftarrow w - \eta\,
    \partial E/\partial w$ with $\eta = 0.9$.
    """),
    code(r"""
    display(update_table)
    for name, g in hand_grads.items():
        assert math.isclose(step.updated[name], step.old[name] - 0.9 * g, abs_tol=1e-12), name

    # the new weights really are better on this example: the error goes down
    new_out = step.model(WORKED_INPUTS).data
    print(f"E before: {(t - o6) ** 2:.5f}   E after one step: {(t - new_out) ** 2:.5f}")
    assert (t - new_out) ** 2 < (t - o6) ** 2
    """),
    md(r"""
    ## Two conventions for the loss: $(t - o)^2$ or $\frac{1}{2}(t - o)^2$

    The lecture uses $E = (t - o)^2$, so $\partial E / \partial o = -2(t - o)$. Many textbooks
    (Mitchell; Han & Kamber's version of this very example) use $E = \frac12 (t - o)^2$, so that
    $\partial E / \partial o = -(t - o)$ and $\delta_6 = o_6(1 - o_6)(t - o_6)$. Nothing else
    changes: the forward pass is the same, and every error and gradient is exactly **half** —
    with the same $\eta$ each step is half as long (or: the squared loss is the half-squared
    loss with the learning rate doubled).
    """),
    code(r"""
    half = worked_example_step(loss="half-squared", lr=0.9)
    rows = [[unit, step.errors[unit], half.errors[unit], step.errors[unit] / half.errors[unit]]
            for unit in step.errors]
    display(Table("errors δ_j = −∂E/∂i_j", ["unit", "(t − o)²", "½(t − o)²", "ratio"], rows))
    for name in step.gradients:
        assert math.isclose(step.gradients[name], 2 * half.gradients[name], abs_tol=1e-15), name
    assert half.forward == step.forward
    """),
    md(r"""
    Han & Kamber (*Data Mining*, Tables 9.2–9.3) print this example with $\frac12(t-o)^2$
    and $\eta = 0.9$: errors $0.1311$, $-0.0065$, $-0.0087$ for units 6, 5, 4 and new weights
    rounded to three decimals. The half-squared step reproduces their table (they round
    intermediate values, hence the tolerance of one unit in the last printed digit).
    """),
    code(r"""
    textbook_errors = {"6": 0.1311, "5": -0.0065, "4": -0.0087}
    textbook_new = {"w46": -0.261, "w56": -0.138, "w14": 0.192, "w15": -0.306, "w24": 0.4,
                    "w25": 0.1, "w34": -0.508, "w35": 0.194, "b6": 0.218, "b5": 0.194,
                    "b4": -0.408}
    for unit, err in textbook_errors.items():
        assert abs(half.errors[unit] - err) <= 1e-4, unit
    for name, w in textbook_new.items():
        assert abs(half.updated[name] - w) <= 1e-3, name
    print("the half-squared step matches Han & Kamber's table")
    """),
    md(r"""
    ## The whole step, frame by frame

    The stepper shows the forward pass unit by unit, the loss, each error term and gradient as
    the backward pass produces it, and each update. Use *Next*/*Previous* or the slider.
    """),
    code(r"""
    frames = viz.steps(step)
    for frame in frames[:4]:
        print(frame.number, frame.phase, "—", frame.text)
    frames
    """),
    md(r"""
    ## The network and its graphs

    The network as on the slide, edges labelled old → new weight after the update, units with
    their net input, output and error:
    """),
    code(r"""
    viz.draw_network(step.model, inputs=WORKED_INPUTS, target=WORKED_TARGET, forward=step.forward,
                     errors=step.errors, old=step.old)
    """),
    md(r"""
    The computation graph of the loss, each unit drawn as one node (`collapse_neurons=True`).
    Forward: every node's value.
    """),
    code(r"""
    viz.draw_graph(step.graph, mode="forward", collapse_neurons=True)
    """),
    md(r"""
    Backward: every node's adjoint $\bar v = \partial E/\partial v$ (red), and on every edge the
    local derivative $\partial\,\text{child}/\partial\,\text{parent}$. A parent's adjoint is the
    sum, over its edges, of edge label × child's adjoint.
    """),
    code(r"""
    viz.draw_graph(step.graph, mode="backward", collapse_neurons=True)
    """),
]

# ---------------------------------------------------------------------------------------------
REVERSE_MODE = [
    md(r"""
    # 2. Reverse-mode accumulation

    Backpropagation is the special case, for neural networks, of *reverse-mode accumulation*
    from automatic differentiation: evaluate the function once forward, storing every
    intermediate value, then sweep backward once, applying the chain rule at each node.
    """),
    code(r"""
    import math
    import time

    from IPython.display import display

    import viz
    from autograd_core import Value, gradcheck, jvp, parse, topological_order, trace
    from viz.tables import Table
    """),
    md(r"""
    ## The chain $x = f(w),\ y = f(x),\ z = f(y)$

    Goodfellow et al.'s example: with the same $f$ applied three times,

    $$\frac{dz}{dw} = \frac{dz}{dy}\,\frac{dy}{dx}\,\frac{dx}{dw} = f'(y)\, f'(x)\, f'(w).$$

    Reverse mode computes this product from the left: first $\bar z = 1$, then
    $\bar y = \bar z\, f'(y)$, then $\bar x = \bar y\, f'(x)$, then $\bar w = \bar x\, f'(w)$ —
    each factor is a number stored in the forward pass. Here $f = \sin$ and $w = 0.5$.
    """),
    code(r"""
    w = Value(0.5, label="w")
    x = w.sin(); x.label = "x"
    y = x.sin(); y.label = "y"
    z = y.sin(); z.label = "z"
    z.backward()

    by_hand = math.cos(y.data) * math.cos(x.data) * math.cos(w.data)  # f'(y) f'(x) f'(w)
    print(f"dz/dw: engine {w.grad:.12f}, by hand {by_hand:.12f}")
    assert math.isclose(w.grad, by_hand, rel_tol=1e-14)
    viz.draw_graph(z, mode="both")
    """),
    md(r"""
    ## Primal and adjoint traces of $f(x_1, x_2) = \ln(x_1) + x_1 x_2 - \sin(x_2)$ at $(2, 5)$

    The example of Baydin et al. (*Automatic Differentiation in Machine Learning: a Survey*,
    Table 2 and Figure 2 / Table 3). The **primal trace** names every intermediate
    $v_i$ (inputs are $v_{-1} = x_1$, $v_0 = x_2$). The **adjoint trace** runs it backward with
    $\bar v_i = \partial y / \partial v_i = \sum_{j \text{ uses } i} \bar v_j\, \partial v_j /
    \partial v_i$; when $v_i$ feeds several nodes, its adjoint is accumulated ("+").
    """),
    code(r"""
    f, inputs = parse("ln(x1) + x1*x2 - sin(x2)", x1=2, x2=5)
    x1, x2 = inputs["x1"], inputs["x2"]
    t = trace(f, [x1, x2])
    t
    """),
    code(r"""
    # the survey's printed numbers, and the derivatives by hand:
    # ∂f/∂x1 = 1/x1 + x2 = 5.5,  ∂f/∂x2 = x1 − cos(x2) = 2 − cos 5
    assert round(f.data, 3) == 11.652
    assert math.isclose(t.gradients["x1"], 1 / 2 + 5, rel_tol=1e-14)
    assert math.isclose(t.gradients["x2"], 2 - math.cos(5), rel_tol=1e-14)
    assert round(t.gradients["x2"], 3) == 1.716
    print(f"y = {f.data:.3f},  x̄1 = {t.gradients['x1']:.3f},  x̄2 = {t.gradients['x2']:.3f}")
    """),
    md(r"""
    ## Forward mode vs reverse mode

    **Forward mode** pushes a tangent $\dot v$ from the inputs to the output,
    $\dot v_j = \sum_i \frac{\partial v_j}{\partial v_i}\dot v_i$: one pass gives the derivative
    along one input direction, so the full gradient of a function of $n$ inputs takes $n$
    passes (`jvp`). **Reverse mode** pushes adjoints from the output back: one pass gives the
    derivative of one output with respect to *every* input (`backward`). A loss has one output
    and millions of weights — which is why training uses reverse mode. Both use the same local
    derivatives, so they agree:
    """),
    code(r"""
    rows = []  # trace(f) ran the backward pass: the adjoints are on the input nodes
    for name, leaf in inputs.items():
        forward_mode = jvp(f, {x1: float(leaf is x1), x2: float(leaf is x2)})
        rows.append([name, forward_mode, leaf.grad])
        assert math.isclose(forward_mode, leaf.grad, rel_tol=1e-14)
    display(Table("∂f/∂xᵢ at (2, 5)", ["input", "forward mode (one jvp per input)",
                                         "reverse mode (one backward for all)"], rows))
    """),
    md(r"""
    The cost, on a function of $n = 200$ inputs, $f(x) = \sum_i \sin(x_i)\,x_{i+1}$: forward
    mode runs 200 passes over the graph, reverse mode one. (Times on a shared machine vary; the
    number of passes is the point.)
    """),
    code(r"""
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
    """),
    md(r"""
    ## Checking gradients: `gradcheck`

    A gradient computed by reverse mode can be checked against the central difference
    $\frac{f(x + \epsilon e_i) - f(x - \epsilon e_i)}{2\epsilon}$, which needs no derivative
    at all (PyTorch's defaults: $\epsilon = 10^{-6}$, tolerance $10^{-5} + 10^{-3}|\cdot|$).
    """),
    code(r"""
    report = gradcheck(lambda x1, x2: x1.log() + x1 * x2 - x2.sin(), {"x1": 2.0, "x2": 5.0})
    print(report)
    assert report.ok
    """),
    md(r"""
    Where a function has a kink the two need not agree: at $0$, ReLU's derivative is taken as
    $0$ (a convention), while the central difference sees the average slope $\frac12$.
    """),
    code(r"""
    kink = gradcheck(lambda x: x.relu(), [0.0], raise_exception=False)
    print(kink)
    assert not kink.ok
    assert kink.rows[0].analytic == 0.0 and math.isclose(kink.rows[0].numeric, 0.5)
    """),
]

# ---------------------------------------------------------------------------------------------
PERCEPTRON_AND_XOR = [
    md(r"""
    # 3. The perceptron, XOR, and why hidden layers need non-linear activations

    Rosenblatt's perceptron (1958) is one threshold unit,
    $\hat y = 1$ if $w \cdot x + b \ge 0$ else $0$, trained by its own rule
    $w \leftarrow w + \eta (t - \hat y)\,x$, $b \leftarrow b + \eta (t - \hat y)$. It draws one
    straight line, so it can only learn classes a line separates.
    """),
    code(r"""
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
    """),
    md(r"""
    ## The perceptron learns AND and OR, and never XOR
    """),
    code(r"""
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
    """),
    code(r"""
    plt.figure(figsize=(5, 3))
    plt.plot(range(1, 51), perceptrons["XOR"].errors_per_epoch, marker=".")
    plt.xlabel("epoch")
    plt.ylabel("misclassified examples")
    plt.title("XOR: the perceptron never gets all four right")
    plt.show()
    """),
    md(r"""
    ## Hidden layers alone are not enough

    The lecture's observation: a network of linear units is a chain of linear functions,
    and a chain of linear functions is linear. With $h_1 = w_1 x_1 + w_3 x_2 + b_1$,
    $h_2 = w_2 x_1 + w_4 x_2 + b_2$ and $y = w_5 h_1 + w_6 h_2 + b_3$, sympy expands $y$ and
    finds a polynomial of degree 1 in $x_1, x_2$:
    """),
    code(r"""
    x1, x2 = sp.symbols("x1 x2")
    w1, w2, w3, w4, w5, w6, b1, b2, b3 = sp.symbols("w1:7 b1:4")
    h1 = w1 * x1 + w3 * x2 + b1
    h2 = w2 * x1 + w4 * x2 + b2
    y_expr = sp.expand(w5 * h1 + w6 * h2 + b3)
    display(y_expr)
    assert sp.Poly(y_expr, x1, x2).total_degree() == 1
    """),
    md(r"""
    `collapse_linear` does the same for any stack of linear layers: it returns the one affine
    map $W x + b$ with $W = W_L \cdots W_1$. Here a 2-3-2 linear network and its collapse
    agree on random inputs:
    """),
    code(r"""
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
    """),
    md(r"""
    ## Non-linear activations: a hand-set ReLU network solves XOR

    Goodfellow et al. (§6.1): $h = \max(0, W x + c)$ with $W = \begin{pmatrix}1 & 1\\ 1 & 1
    \end{pmatrix}$, $c = (0, -1)$, and $y = w \cdot h$ with $w = (1, -2)$. The hidden layer
    maps the four points to $(0,0), (1,0), (1,0), (2,1)$ — where one line does separate them.
    """),
    code(r"""
    X, y = datasets.xor()
    net = xor_relu()
    hidden = np.array([[h.data for h in net.layers[0](x.tolist())] for x in X])
    outputs = [net(x.tolist()).data for x in X]
    for x, h, o in zip(X, hidden, outputs):
        print(f"x = {x.tolist()}  h = {h.tolist()}  y = {o:g}")
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
    """),
    md(r"""
    ## An MLP learns XOR

    A 2-4-1 network (tanh hidden units, a sigmoid output, binary cross-entropy loss, Adam)
    finds such weights by itself, by repeating forward pass, backward pass and update.
    """),
    code(r"""
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
    """),
]

# ---------------------------------------------------------------------------------------------
ARCHITECTURE_AND_OUTPUTS = [
    md(r"""
    # 4. Architecture: counting, and output units

    A fully connected feed-forward network: every unit feeds every unit of the next layer,
    and there are no loops. We count layers as the lecture does — hidden layers plus the output
    layer, the input layer excluded.
    """),
    code(r"""
    import math

    import matplotlib.pyplot as plt
    from IPython.display import display

    from autograd_core import Value
    from nn.layers import MLP
    from nn.outputs import argmax, binary_decision, multilabel_decision, softmax
    from viz.tables import Table
    """),
    md(r"""
    ## How many weights, biases, parameters, layers?

    For layer sizes $n_0$ (inputs), $n_1, \dots, n_L$: weights $\sum_{l=1}^{L} n_{l-1} n_l$,
    biases $\sum_{l=1}^{L} n_l$, layers $L$. The lecture's two networks:

    * 3-4-2: weights $3 \cdot 4 + 4 \cdot 2 = 20$, biases $4 + 2 = 6$, parameters $26$, 2 layers;
    * 3-4-4-1: weights $12 + 16 + 4 = 32$, biases $4 + 4 + 1 = 9$, parameters $41$, 3 layers.
    """),
    code(r"""
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
    """),
    md(r"""
    ## Output units match the task

    | task | output units | decision |
    |---|---|---|
    | regression | one linear unit, $o = i$ | the number itself |
    | binary | one sigmoid unit, $\sigma(z) = 1/(1 + e^{-z})$ | 1 if $\sigma \ge 0.5$ |
    | multi-label | one sigmoid per label | each label present if its $\sigma \ge 0.5$ |
    | multi-class | softmax, $p_k = e^{z_k} / \sum_j e^{z_j}$ | the class with the largest $p_k$ |
    """),
    code(r"""
    regression = MLP(3, [4, 1], output_activation="linear", seed=0)
    binary = MLP(3, [4, 1], output_activation="sigmoid", seed=0)
    x = [0.5, -1.0, 2.0]
    o_reg, p_bin = regression(x), binary(x)
    print(f"regression output: {o_reg.data:.4f} (any real number)")
    print(f"binary: p = {p_bin.data:.4f} -> class {binary_decision(p_bin)}")
    assert 0 < p_bin.data < 1
    assert binary_decision(p_bin) == int(p_bin.data >= 0.5)
    """),
    md(r"""
    ## Softmax: the lecture's Dog / Cat / Boat / Airplane table

    $$p_k = \frac{e^{z_k}}{\sum_j e^{z_j}}$$

    The probabilities are positive and sum to 1. (The engine subtracts the largest score first,
    $e^{z_k - m} / \sum_j e^{z_j - m}$, which gives the same $p_k$ without overflow.)
    """),
    code(r"""
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
    """),
    md(r"""
    ## Group discussion, answered by code

    The discussion's figure is not in the lecture text, so we take a network with 3 inputs,
    one hidden layer of 4 units and the 4 outputs Dog/Cat/Boat/Airplane, and the scores of the
    table above as its output values.

    1. *How many parameters must be learned?* $3\cdot4 + 4\cdot4 = 28$ weights and $4 + 4 = 8$
       biases: 36.
    2. *With a sigmoid at the final layer, which labels are present?* Each label on its own:
       $\sigma(z) \ge 0.5 \iff z \ge 0$, so Cat ($\sigma(1.16) = 0.761$) and Airplane
       ($\sigma(3.91) = 0.980$).
    3. *With a softmax instead, which label?* The largest probability: Airplane (0.9315).
    """),
    code(r"""
    net = MLP(3, [4, 4], output_activation="sigmoid")
    assert net.count_parameters()["total"] == 3 * 4 + 4 * 4 + 4 + 4 == 36

    sigmoids = [Value(z).sigmoid() for z in scores]
    present = [c for c, bit in zip(classes, multilabel_decision(sigmoids)) if bit]
    print("sigmoid outputs:", [round(s.data, 3) for s in sigmoids], "-> present:", present)
    assert present == [c for c, z in zip(classes, scores) if z >= 0] == ["Cat", "Airplane"]

    chosen = classes[argmax(softmax(scores))]
    print("softmax picks:", chosen)
    assert chosen == "Airplane"
    """),
]

# ---------------------------------------------------------------------------------------------
OPTIMIZERS = [
    md(r"""
    # 5. Optimizers: training faster

    The update rules from the lecture (cs231n's notation; `dx` is the gradient):

    | rule | update |
    |---|---|
    | vanilla | $x \mathrel{+}= -\eta\, dx$ |
    | momentum | $v = \mu v - \eta\, dx;\quad x \mathrel{+}= v$ |
    | AdaGrad | $c \mathrel{+}= dx^2;\ x \mathrel{+}= -\eta\, dx / (\sqrt{c} + \epsilon)$ |
    | RMSprop | $c = \rho c + (1 - \rho) dx^2;\ x \mathrel{+}= -\eta\, dx / (\sqrt{c} + \epsilon)$ |
    | Adam | $m = \beta_1 m + (1-\beta_1) dx;\ v = \beta_2 v + (1-\beta_2) dx^2$; |
    | | $x \mathrel{+}= -\eta\, \hat m / (\sqrt{\hat v} + \epsilon)$ |

    ($\hat m = m / (1 - \beta_1^t)$ and $\hat v = v / (1 - \beta_2^t)$ correct the running means
    for starting at 0.)
    """),
    code(r"""
    import math

    import matplotlib.pyplot as plt
    import numpy as np

    from autograd_core import Value
    from nn import datasets
    from nn.layers import MLP
    from nn.optim import SGD, AdaGrad, Adam, RMSprop
    from nn.schedules import ExponentialDecay, InverseTimeDecay, StepDecay
    from nn.train import evaluate, fit
    """),
    md(r"""
    ## Trajectories on a 2-D loss surface

    A long narrow valley, $L(a, b) = 0.1\,a^2 + 2\,b^2$: steep across ($b$), shallow along
    ($a$). Vanilla gradient descent zig-zags across and crawls along; momentum builds up speed
    along the valley, and overshoots (the ball rolls past the minimum and back); AdaGrad,
    RMSprop and Adam divide each coordinate's step by the size of its recent gradients, so both
    directions move at similar speed.
    """),
    code(r"""
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
    """),
    md(r"""
    The first step of each rule, by hand. The gradient at the start is
    $(0.2a, 4b) = (-0.9, 6)$. Vanilla moves by $-\eta\,dx$. AdaGrad's first step is
    $-\eta\, dx / |dx|$, and so is Adam's (with bias correction, $\hat m = dx$ and
    $\sqrt{\hat v} = |dx|$): a step of exactly $\eta$ in every coordinate, whatever the slope.
    """),
    code(r"""
    grad = np.array([0.2 * -4.5, 4 * 1.5])
    start = np.array([-4.5, 1.5])
    assert np.allclose(paths["vanilla (η=0.4)"][1], start - 0.4 * grad)
    assert np.allclose(paths["AdaGrad (η=1.0)"][1], start - 1.0 * np.sign(grad))
    assert np.allclose(paths["Adam (η=0.3)"][1], start - 0.3 * np.sign(grad))
    print("first steps match the hand formulas")
    """),
    md(r"""
    ## Loss curves on two moons

    The same 2-8-1 network (same initial weights) trained with each rule on 60 points of the
    two-moons data, mini-batches of 10, binary cross-entropy.
    """),
    code(r"""
    X, y = datasets.moons(60, noise=0.1, seed=0)
    rules = {
        "vanilla": lambda p: SGD(p, lr=0.1),
        "momentum": lambda p: SGD(p, lr=0.1, momentum=0.9),
        "AdaGrad": lambda p: AdaGrad(p, lr=0.1),
        "RMSprop": lambda p: RMSprop(p, lr=0.01),
        "Adam": lambda p: Adam(p, lr=0.01),
    }
    histories = {}
    for name, make in rules.items():
        model = MLP(2, [8, 1], activation="relu", output_activation="sigmoid", seed=0)
        histories[name] = fit(model, X, y, loss="binary_cross_entropy",
                              optimizer=make(model.parameters()), epochs=40, batch_size=10,
                              progress=False)

    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    for name, h in histories.items():
        axes[0].plot(range(1, h.epochs + 1), h.loss, label=name)
    axes[0].set_xlabel("epoch")
    axes[0].set_ylabel("mean loss")
    axes[0].legend()
    axes[1].scatter(X[:, 0], X[:, 1], c=y, cmap="coolwarm", edgecolors="k")
    axes[1].set_title("two moons")
    plt.tight_layout()
    plt.show()
    for name, h in histories.items():
        print(f"{name:9s} loss {h.loss[0]:.3f} -> {h.loss[-1]:.3f}, accuracy {h.accuracy[-1]:.0%}")
        assert h.loss[-1] < h.loss[0]
    """),
    md(r"""
    AdaGrad ($\eta = 0.1$) and RMSprop ($\eta = 0.01$, $\rho = 0.99$) nearly coincide, and
    that is no accident. RMSprop's cache after $t$ steps is
    $(1 - \rho)\sum_s \rho^{t-s} dx_s^2 \approx 0.01 \sum_s dx_s^2$ while $t \ll 1/(1 - \rho)
    = 100$: one hundredth of AdaGrad's cache, so its step $0.01\,dx/\sqrt{\text{cache}}$ is
    AdaGrad's $0.1\,dx/\sqrt{\text{cache}}$. The two part only once RMSprop starts to forget
    old gradients, after about 100 steps (here 6 mini-batches per epoch: epoch 17 on).
    """),
    code(r"""
    ada, rms = histories["AdaGrad"].loss, histories["RMSprop"].loss
    print(f"AdaGrad − RMSprop: epoch 1 {ada[0] - rms[0]:+.1e}, epoch 40 {ada[-1] - rms[-1]:+.1e}")
    assert abs(ada[0] - rms[0]) < 1e-3
    """),
    md(r"""
    ## Learning-rate schedules

    * step decay: $\eta_t = \eta_0 \cdot f^{\lfloor t / k \rfloor}$ (times $f$ every $k$ epochs);
    * exponential decay: $\eta_t = \eta_0 e^{-kt}$;
    * $1/t$ decay: $\eta_t = \eta_0 / (1 + kt)$. With $\eta_0 = k = 1$ this is the lecture's rule
      of thumb $\eta = 1/t$, $t$ counting passes through the training set from 1.
    """),
    code(r"""
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
    """),
    md(r"""
    ## When to stop

    The lecture's stopping criteria, as arguments of `fit`: the misclassification rate is below
    a threshold (`max_error_rate`), the weights change by tiny amounts (`tol`: the largest
    change of any weight in an epoch), or a fixed number of epochs has run (`epochs`).
    `History.stopped_because` says which one ended training.
    """),
    code(r"""
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
    """),
    md(r"""
    ## Monitoring the loss

    The loss should go down, fast at first and then slowly. Too small a learning rate: it
    creeps. Too large: it jumps around. Far too large: the sigmoid saturates to exactly 0 or 1,
    the cross-entropy becomes infinite, and `fit` stops; `History.stopped_because` says why.
    """),
    code(r"""
    plt.figure(figsize=(6, 3.5))
    for lr in (0.01, 0.3, 3.0):
        model = fresh()
        h = fit(model, X, y, loss="binary_cross_entropy", optimizer=SGD(model.parameters(), lr=lr),
                epochs=30, batch_size=10, progress=False)
        plt.plot(range(1, h.epochs + 1), h.loss, label=f"η = {lr}")
    plt.xlabel("epoch")
    plt.ylabel("mean loss")
    plt.legend()
    plt.show()

    model = fresh()
    h = fit(model, X, y, loss="binary_cross_entropy", optimizer=SGD(model.parameters(), lr=30.0),
            epochs=30, batch_size=10, progress=False)
    print("η = 30:", h.stopped_because)
    assert h.epochs < 30 and "infinite" in h.stopped_because  # it stopped early, and says why
    """),
]

# ---------------------------------------------------------------------------------------------
ACTIVATIONS_AND_LOSSES = [
    md(r"""
    # 6. Activation functions and loss functions

    Every activation is one engine operation with its local derivative in the rule table. Below,
    the derivatives are not typed in from formulas: they come out of `backward()`, one input at a
    time, and are checked against central differences.
    """),
    code(r"""
    import math

    import matplotlib.pyplot as plt
    import numpy as np

    from autograd_core import Value, vsum
    from nn import datasets
    from nn.activations import ACTIVATIONS
    from nn.diagnostics import dead_relu_units, gradient_norms_per_layer
    from nn.layers import MLP
    from nn.losses import (binary_cross_entropy, half_squared_error, hinge, huber, mae,
                           squared_error)
    from nn.optim import SGD
    from nn.train import fit
    """),
    md(r"""
    ## Activations and their derivatives

    sigmoid $\sigma(z) = 1/(1+e^{-z})$, $\sigma' = \sigma(1-\sigma) \le \frac14$; tanh, $\tanh' =
    1 - \tanh^2$; ReLU $\max(0, z)$, derivative 0 or 1; leaky ReLU ($0.01z$ for $z < 0$);
    ELU ($e^z - 1$ for $z < 0$); softplus $\ln(1 + e^z)$, whose derivative is $\sigma$.
    """),
    code(r"""
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
        axes[1, k].set_xlabel("z")
    axes[0, 0].set_ylabel("f(z)")
    axes[1, 0].set_ylabel("f'(z) by backward()")
    plt.tight_layout()
    plt.show()
    """),
    code(r"""
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
    assert np.allclose(curves["softplus"][:, 1], curves["sigmoid"][:, 0])  # softplus' = σ
    """),
    md(r"""
    ## Dying ReLU

    A ReLU unit whose net input is negative for **every** example outputs 0 on all of them. Its
    derivative there is 0 too, so no gradient reaches its weights: it never recovers. A large
    learning rate can push units there, and an unlucky initialization can start them there.
    We train a 2-16-16-1 ReLU network on two moons with plain SGD and a large step, and count
    the dead units before and after (numbered as on the slide: inputs 1–2, hidden units 3–18
    and 19–34, the output 35).
    """),
    code(r"""
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
    """),
    md(r"""
    ## Vanishing gradients: sigmoid vs ReLU

    Going back through a layer multiplies the gradient by $f'(i_j)\, w$. Since
    $\sigma' \le \frac14$, through a deep sigmoid stack the gradient shrinks layer after
    layer, and the first layers barely learn. ReLU's derivative is 1 where the unit is active.
    The same 2-8-8-8-8-1 network (Xavier initial weights), one backward pass of the mean
    cross-entropy over the data, and the gradient's size $\sqrt{\sum \partial L/\partial\theta^2}$
    per layer:
    """),
    code(r"""
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
    for activation, values in norms.items():
        print(activation, " ".join(f"{v:.2e}" for v in values))
    # sigmoid: each layer nearer the input gets a smaller gradient
    assert all(a < b for a, b in zip(norms["sigmoid"], norms["sigmoid"][1:]))
    assert norms["relu"][0] > 100 * norms["sigmoid"][0]
    """),
    md(r"""
    ## Loss functions

    For regression, as functions of the residual $r = t - o$: squared $r^2$ (the lecture's),
    half-squared $\frac12 r^2$, absolute $|r|$ (L1), and Huber,
    $\frac12 r^2$ for $|r| \le \delta$ and $\delta(|r| - \frac12\delta)$ beyond: quadratic near
    0, linear (robust to outliers) far away. For classification with a target $t = 1$:
    binary cross-entropy $-\ln p$ as a function of the predicted probability $p$, and the hinge
    loss $\max(0, 1 - t\,s)$ as a function of the score $s$ (targets $\pm1$).
    """),
    code(r"""
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
    """),
    code(r"""
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
    """),
]

NOTEBOOKS: dict[str, list[NotebookNode]] = {
    "01_worked_example": WORKED_EXAMPLE,
    "02_reverse_mode": REVERSE_MODE,
    "03_perceptron_and_xor": PERCEPTRON_AND_XOR,
    "04_architecture_and_outputs": ARCHITECTURE_AND_OUTPUTS,
    "05_optimizers": OPTIMIZERS,
    "06_activations_and_losses": ACTIVATIONS_AND_LOSSES,
}


def build(name: str) -> NotebookNode:
    """The notebook ``name`` (a key of `NOTEBOOKS`), without outputs, with ids name-01, name-02…"""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.from_dict(dict(cell)) for cell in NOTEBOOKS[name]]
    for k, cell in enumerate(nb.cells, start=1):
        cell.id = f"{name[:2]}-{k:02d}"
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    return nb


def text(name: str) -> str:
    """The file contents of notebook ``name``, as `write` stores them."""
    return nbformat.writes(build(name)) + "\n"


def write(folder: Path = FOLDER) -> list[Path]:
    """Write every notebook into ``folder``; returns their paths."""
    folder.mkdir(exist_ok=True)
    paths = []
    for name in NOTEBOOKS:
        path = folder / f"{name}.ipynb"
        path.write_text(text(name), encoding="utf-8")
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in write(Path(sys.argv[1]) if len(sys.argv) > 1 else FOLDER):
        print(written)
