"""The API reference pages (docs/api/*.md), written from the code when the site is built.

Grouped by topic in the order a learner meets them: Value and the engine, modules, training, the
teaching layer (package `lab`), pictures (package `viz`). Each public function or class gets its
signature (from `inspect.signature`), a table of its parameters (type, default, and the meaning
its docstring gives), its docstring, and a short example that is run while the site is built,
its result printed under it, so no example can go stale. Module constants (tables such as
`RULES` or `LOSSES`) are named in the text where they matter, not listed as API.
"""

from __future__ import annotations

import ast
import contextlib
import importlib
import inspect
import io
import os
import re
import tempfile
import textwrap
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    """One documented name: ``module.name`` and a short example (Python, its last line an
    expression whose value is shown)."""

    path: str
    example: str


@dataclass(frozen=True)
class Topic:
    """A page: its introduction, the names a learner uses (with examples), and the rest of what
    the package exports in this part (errors, base classes, helpers), each in a line or two."""

    title: str
    intro: str
    entries: tuple[Entry, ...]
    more: tuple[str, ...] = ()


def E(path: str, example: str) -> Entry:  # noqa: N802 (a table row, read as data)
    return Entry(path, textwrap.dedent(example).strip())


TOPICS: dict[str, Topic] = {
    "engine": Topic("Value and the engine", """\
One `Value` is one number in a computation: its value `data`, its adjoint `grad` (∂output/∂self
after `backward`), the `parents` it was computed from and the local derivatives `local_grads`
(∂self/∂parent). Every operation is one row of the rule table `autograd_core.RULES` (value and
local derivatives side by side); `backward` walks the graph once, in reverse topological order,
and adds each parent's share adjoint × local derivative. Import from `autograd_core`.""", (
        E("autograd_core.Value", """
            from autograd_core import Value
            x, w = Value(2.0, label="x"), Value(-3.0, label="w")
            y = (x * w).sigmoid()        # y = σ(x·w)
            y.backward()
            round(y.data, 6), round(x.grad, 6), round(w.grad, 6)   # σ'(−6)·w, σ'(−6)·x
            """),
        E("autograd_core.graph.backward", """
            from autograd_core import Value, backward
            x = Value(3.0)
            y = x * x + x                # dy/dx = 2x + 1
            backward(y)                  # the same as y.backward()
            x.grad
            """),
        E("autograd_core.graph.zero_grad", """
            from autograd_core import Value, zero_grad
            x = Value(3.0)
            y = x * x
            y.backward(); y.backward()   # gradients of leaves accumulate, as in PyTorch
            before = x.grad
            zero_grad([x])
            before, x.grad
            """),
        E("autograd_core.graph.topological_order", """
            from autograd_core import Value, topological_order
            a, b = Value(1.0, label="a"), Value(2.0, label="b")
            c = a * b + a
            [n.label or n.op for n in topological_order(c)]
            """),
        E("autograd_core.batch.linear", """
            from autograd_core import Value, linear
            w, x = [Value(0.2), Value(-0.3)], [Value(1.0), Value(2.0)]
            i = linear(w, x, Value(0.1))  # i = Σ wᵢ·xᵢ + b, one node
            round(i.data, 6), i.op
            """),
        E("autograd_core.batch.vsum", """
            from autograd_core import Value, vsum
            total = vsum([Value(1.0), Value(2.0), Value(3.5)])
            total.data, total.op
            """),
        E("autograd_core.value.apply", """
            from autograd_core import Value, apply
            y = apply("leaky_relu", Value(-2.0), params=(0.1,))
            y.data, y.local_grads
            """),
        E("autograd_core.graph.jvp", """
            from autograd_core import Value, jvp
            x1, x2 = Value(2.0), Value(5.0)
            y = x1.log() + x1 * x2 - x2.sin()
            round(jvp(y, {x1: 1.0, x2: 0.0}), 6)   # forward mode: ∂y/∂x1 = 1/x1 + x2
            """),
        E("autograd_core.trace.trace", """
            from autograd_core import parse, trace
            y, _ = parse("ln(x1) + x1*x2 - sin(x2)", x1=2, x2=5)
            print(trace(y).to_text())    # Baydin et al.'s primal and adjoint traces
            """),
        E("autograd_core.parse.parse", """
            from autograd_core import parse
            y, inputs = parse("x**2 + 3*x", x=2)   # a whitelist of operations: never eval
            y.backward()
            y.data, inputs["x"].grad
            """),
        E("autograd_core.gradcheck.gradcheck", """
            from autograd_core import gradcheck
            report = gradcheck(lambda x, y: (x * y).tanh(), [0.5, -1.2])
            bool(report)
            """),
        E("autograd_core.anomaly.detect_anomaly", """
            from autograd_core import Value, detect_anomaly
            try:
                with detect_anomaly():
                    Value(-1.0).log()
            except Exception as e:
                print(type(e).__name__, "-", str(e).splitlines()[0])
            """),
        E("autograd_core.batch.BatchValue", """
            import numpy as np
            from autograd_core import BatchValue, Value
            x = BatchValue(np.array([0.0, 1.0, 2.0]))    # one graph, three examples
            y = (x * Value(0.5)).sigmoid()
            y.data.round(4)
            """),
        E("autograd_core.compile.compile", """
            import numpy as np
            from autograd_core import BatchValue, Value, compile
            from autograd_core.batch import batch_mean
            w = Value(0.5, label="w")
            x = BatchValue(np.array([1.0, 2.0, 3.0]))
            program = compile(batch_mean((x * w) ** 2), inputs=[x], params=[w])
            type(program).__name__
            """),
    ), more=("autograd_core.value.Constant", "autograd_core.value.as_value",
             "autograd_core.graph.backward_walk", "autograd_core.graph.by_depth",
             "autograd_core.graph.zero_grad_graph", "autograd_core.trace.Trace",
             "autograd_core.gradcheck.GradcheckReport", "autograd_core.gradcheck.GradcheckError",
             "autograd_core.anomaly.set_detect_anomaly", "autograd_core.anomaly.AnomalyError",
             "autograd_core.rules.DomainError", "autograd_core.batch.BatchConstant",
             "autograd_core.batch.apply_batch", "autograd_core.batch.batch_mean",
             "autograd_core.batch.batch_sum", "autograd_core.batch.is_batched",
             "autograd_core.batch.Detached", "autograd_core.batch.PerBatch",
             "autograd_core.compile.Program", "autograd_core.compile.Dense",
             "autograd_core.compile.CompileError")),
    "modules": Topic("Modules", """\
Networks of Values with PyTorch's habits: `parameters()`, `zero_grad()`, `state_dict()`,
`save`/`nn.load` (JSON), and the lecture's unit numbering (inputs 1…n, then layer by layer)
and parameter names (`w14`: from unit 1 to unit 4; `b4`: unit 4's bias). Output units, losses
and activations by name (the tables `nn.ACTIVATIONS` and `nn.LOSSES` hold the names). Import
from `nn`.""", (
        E("nn.module.Module", """
            from nn import MLP
            model = MLP(3, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=0)
            model.count_parameters(), sorted(model.state_dict())[:4]
            """),
        E("nn.layers.Neuron", """
            from nn import Neuron
            unit = Neuron(2, activation="relu", seed=1)
            out = unit([1.0, -2.0])
            len(unit.parameters()), out.op
            """),
        E("nn.layers.Layer", """
            from nn import Layer
            layer = Layer(3, 2, activation="tanh", seed=0)
            [round(o.data, 4) for o in layer([1.0, 0.0, 1.0])]
            """),
        E("nn.layers.MLP", """
            from nn import MLP
            model = MLP(2, [8, 1], activation="tanh", output_activation="sigmoid", seed=0)
            out = model([0.5, -1.0])
            model.summary()
            round(out.data, 4)
            """),
        E("nn.activations.get_activation", """
            from autograd_core import Value
            from nn import get_activation
            name, f = get_activation("relu")
            name, f(Value(-2.0)).data, f(Value(3.0)).data
            """),
        E("nn.outputs.softmax", """
            from nn import softmax
            [round(p.data, 3) for p in softmax([2.0, 1.0, 0.1])]
            """),
        E("nn.outputs.log_softmax", """
            from nn import log_softmax
            [round(v.data, 3) for v in log_softmax([1000.0, 0.0])]   # stays finite
            """),
        E("nn.outputs.argmax", """
            from nn import argmax, softmax
            argmax(softmax([0.3, 2.2, -1.0]))
            """),
        E("nn.outputs.binary_decision", """
            from autograd_core import Value
            from nn import binary_decision
            binary_decision(Value(0.73)), binary_decision(Value(0.2))
            """),
        E("nn.outputs.multilabel_decision", """
            from autograd_core import Value
            from nn import multilabel_decision
            multilabel_decision([Value(0.9), Value(0.4), Value(0.6)])
            """),
        E("nn.losses.squared_error", """
            from autograd_core import Value
            from nn import squared_error
            o = Value(0.474)
            E = squared_error(o, 1.0)          # the lecture's (t − o)²
            E.backward()
            round(E.data, 6), round(o.grad, 6)  # ∂E/∂o = −2(t − o)
            """),
        E("nn.losses.half_squared_error", """
            from nn import half_squared_error
            round(half_squared_error([0.474], [1.0]).data, 6)   # ½(t − o)²
            """),
        E("nn.losses.mse", """
            from nn import mse
            mse([0.5, 2.0], [1.0, 1.0]).data      # ((0.5)² + 1²) / 2
            """),
        E("nn.losses.mae", """
            from nn import mae
            mae([0.5, 2.0], [1.0, 1.0]).data
            """),
        E("nn.losses.huber", """
            from nn import huber
            round(huber([0.5, 3.0], [0.0, 0.0], delta=1.0).data, 4)
            """),
        E("nn.losses.binary_cross_entropy", """
            from nn import binary_cross_entropy
            round(binary_cross_entropy([0.9, 0.2], [1.0, 0.0]).data, 4)
            """),
        E("nn.losses.cross_entropy", """
            from nn import cross_entropy
            round(cross_entropy([3.2, 5.1, -1.7], 0).data, 4)    # cs231n's cat scores
            """),
        E("nn.losses.kl_divergence", """
            from nn import kl_divergence
            round(kl_divergence([0.2, 0.5, 0.3], [0.1, 0.6, 0.3], reduction="sum").data, 4)
            """),
        E("nn.losses.hinge", """
            from nn import hinge
            hinge([0.3, -2.0], [1.0, -1.0]).data
            """),
        E("nn.losses.multiclass_hinge", """
            from nn import multiclass_hinge
            round(multiclass_hinge([3.2, 5.1, -1.7], 0).data, 4)   # cs231n's 2.9
            """),
        E("nn.perceptron.Perceptron", """
            from nn import Perceptron, datasets
            X, y = datasets.and_gate()
            p = Perceptron(2).fit(X, y)
            p.predict(X).tolist()
            """),
        E("nn.serialize.load", """
            from nn import MLP, load
            MLP(2, [3, 1], seed=0).save("model.json")   # JSON, never a pickle
            load("model.json").count_parameters()
            """),
        E("nn.collapse.collapse_linear", """
            from nn import MLP, collapse_linear
            stack = MLP(2, [3, 1], activation="linear", seed=0)
            W, b = collapse_linear(stack)      # two linear layers are one
            W.shape, b.shape
            """),
    )),
    "training": Topic("Training", """\
Optimizers and schedules as the slides write them, `fit` with the lecture's stopping criteria,
data sets and diagnostics. `fit` compiles the batch's graph where it can
(`autograd_core.compile`) and says why not in `History.not_compiled_because`. Import from `nn`
(the optimizers by name are in the table `nn.OPTIMIZERS`).""", (
        E("nn.optim.SGD", """
            from autograd_core import Value
            from nn import SGD
            x = Value(3.0)
            opt = SGD([x], lr=0.1)
            (x * x).backward()                 # ∂/∂x x² = 6
            opt.step()
            x.data                             # 3 − 0.1·6
            """),
        E("nn.optim.AdaGrad", """
            from autograd_core import Value
            from nn import AdaGrad
            x = Value(0.0)
            opt = AdaGrad([x], lr=1.0, eps=1.0)
            (3 * x).backward()                 # dx = 3, cache = 9
            opt.step()
            x.data                             # −3/(√9 + 1)
            """),
        E("nn.optim.RMSprop", """
            from autograd_core import Value
            from nn import RMSprop
            x = Value(1.0)
            opt = RMSprop([x], lr=0.01, decay_rate=0.9)
            (x * x).backward()
            opt.step()
            round(x.data, 6)
            """),
        E("nn.optim.Adam", """
            from autograd_core import Value
            from nn import Adam
            x = Value(1.0)
            opt = Adam([x], lr=0.1)
            (x * x).backward()
            opt.step()
            round(x.data, 6)                   # the first step moves by about lr
            """),
        E("nn.schedules.StepDecay", """
            from nn import StepDecay
            schedule = StepDecay(0.1, factor=0.5, every=10)
            [schedule(epoch) for epoch in (0, 9, 10, 25)]
            """),
        E("nn.schedules.ExponentialDecay", """
            from nn import ExponentialDecay
            schedule = ExponentialDecay(0.1, k=0.1)
            [round(schedule(epoch), 5) for epoch in (0, 1, 10)]
            """),
        E("nn.schedules.InverseTimeDecay", """
            from nn import InverseTimeDecay
            schedule = InverseTimeDecay(0.1, k=1.0)
            [round(schedule(epoch), 5) for epoch in (0, 1, 9)]
            """),
        E("nn.train.fit", """
            from nn import MLP, Adam, datasets, fit
            X, t = datasets.moons(100, seed=0)
            model = MLP(2, [8, 1], activation="tanh", output_activation="sigmoid", seed=0)
            history = fit(model, X, t, loss="binary_cross_entropy",
                          optimizer=Adam(model.parameters(), lr=0.05), epochs=50, progress=False)
            history.epochs, history.loss[-1] < history.loss[0], history.stopped_because
            """),
        E("nn.train.evaluate", """
            from nn import MLP, datasets, evaluate
            X, t = datasets.xor()
            model = MLP(2, [2, 1], output_activation="sigmoid", seed=0)
            sorted(evaluate(model, X, t, loss="mse"))
            """),
        E("nn.train.History", """
            from nn import MLP, datasets, fit
            X, t = datasets.xor()
            h = fit(MLP(2, [4, 1], activation="tanh", output_activation="sigmoid", seed=1), X, t,
                    epochs=5, progress=False)
            sorted(h.as_dict())[:4]
            """),
        E("nn.datasets.moons", """
            from nn import datasets
            X, y = datasets.moons(200, noise=0.1, seed=0)
            X.shape, sorted(set(y.tolist()))
            """),
        E("nn.datasets.xor", """
            from nn import datasets
            X, y = datasets.xor()
            X.tolist(), y.tolist()
            """),
        E("nn.diagnostics.dead_relu_units", """
            import numpy as np
            from nn import MLP, dead_relu_units
            model = MLP(2, [4, 1], activation="relu", seed=0)
            dead_relu_units(model, np.array([[1.0, 0.5], [-0.3, 2.0]]))
            """),
        E("nn.diagnostics.gradient_norms_per_layer", """
            from nn import MLP, gradient_norms_per_layer, mse
            model = MLP(2, [4, 4, 1], activation="sigmoid", seed=0)
            mse(model([0.5, -1.0]), [1.0]).backward()
            [round(g, 6) for g in gradient_norms_per_layer(model)]
            """),
    ), more=("nn.optim.Optimizer", "nn.schedules.Schedule",
             "nn.diagnostics.weight_change_per_step")),
    "lab": Topic("The teaching layer: lab", """\
Spec files (a course's network, weights, examples, loss and learning rate), one record per
update (`lab.step`), answers files, grading with error carried forward and the mistake named,
and the lecture's worked example. What `backprop step` and `backprop check` print is made
here. Import from `lab`.""", (
        E("lab.spec.load", """
            from lab.spec import lecture_text, load
            open("net.toml", "w").write(lecture_text())
            spec = load("net.toml")
            spec.inputs, spec.layers, spec.lr, spec.loss
            """),
        E("lab.spec.loads", """
            from lab.spec import loads
            spec = loads('''
            inputs = 1
            layers = [1]
            lr = 0.5
            [weights]
            w12 = 0.3
            b2 = 0.0
            [[examples]]
            x = [1.0]
            t = [1.0]
            ''')
            spec.weights
            """),
        E("lab.spec.from_dict", """
            from lab.spec import from_dict
            try:
                from_dict({"inputs": 1, "layers": [1], "lr": 0.5,
                           "weights": {"w12": 0.3}, "examples": [{"x": [1.0], "t": [1.0]}]})
            except ValueError as e:
                print(e)                        # one line, naming the key
            """),
        E("lab.spec.lecture", """
            import lab
            spec = lab.spec.lecture()
            spec.title, spec.weights["w14"]
            """),
        E("lab.stepping.step", """
            import lab
            run = lab.step(lab.spec.lecture())
            record = run[0]
            round(record.forward["6"]["out"], 4), round(record.updated["w46"], 4)
            """),
        E("lab.stepping.StepRecord", """
            from lab.examples import worked_example_step
            record = worked_example_step()
            round(record.loss, 4), round(record.gradients["w46"], 5)
            """),
        E("lab.stepping.StepRun", """
            import lab
            run = lab.step(lab.spec.lecture())
            len(run), sorted(run.final)[:3]
            """),
        E("lab.grading.check", """
            import lab
            run = lab.step(lab.spec.lecture())
            answers = lab.answers.parse("o4,0.332\\no6,0.438\\n", run)
            report = lab.check(run, answers)
            [item.verdict for item in report.items]
            """),
        E("lab.answers.read", """
            import lab
            open("mine.csv", "w").write("quantity,value\\no4,0.332\\ndelta6,0.1383\\n")
            run = lab.step(lab.spec.lecture())
            [q.text() for q in lab.answers.read("mine.csv", run)]
            """),
        E("lab.examples.worked_example", """
            from lab.examples import worked_example
            model = worked_example()
            model.state_dict()["w14"], model.count_parameters()
            """),
        E("lab.examples.worked_example_step", """
            from lab.examples import worked_example_step
            round(worked_example_step(loss="half-squared").gradients["w46"], 5)
            """),
    )),
    "viz": Topic("Pictures: viz", """\
Graphs with values, adjoints and local derivatives; the slide's network diagram; the stepper
(numbered frames, one self-contained page); tables. Drawing needs Graphviz's `dot`. The
command line is on [its own page](../cli.md). Import from `viz`.""", (
        E("viz.graph.draw_graph", """
            from autograd_core import Value
            import viz
            x, w = Value(2.0, label="x"), Value(-3.0, label="w")
            y = (x * w).sigmoid(); y.backward()
            viz.draw_graph(y, mode="backward").save("y.svg")
            open("y.svg").read().count("<g id=\\"node")
            """),
        E("viz.network.draw_network", """
            import viz
            from lab.examples import worked_example
            drawing = viz.draw_network(worked_example())
            drawing.save("net.svg")
            drawing.svg().lstrip().startswith("<")
            """),
        E("viz.drawing.Drawing", """
            import viz
            from autograd_core import Value
            d = viz.draw_graph(Value(1.0, label="a") * 2)
            d.source.splitlines()[0]
            """),
        E("viz.steps.steps", """
            import viz
            from lab.examples import worked_example_step
            frames = viz.steps(worked_example_step())
            len(frames)
            """),
        E("viz.steps.Steps", """
            import viz
            from autograd_core import parse
            y, _ = parse("x1*x2 + sin(x1)", x1=2, x2=5)
            frames = viz.steps(y)
            frames.save_frames("frames", "svg")
            len(frames)
            """),
        E("viz.stepper_html.export_html", """
            import viz
            from lab.examples import worked_example_step
            viz.export_html(viz.steps(worked_example_step()), "steps.html")
            open("steps.html").read(15)
            """),
        E("viz.tables.Table", """
            from viz import Table
            table = Table("Forward", ["unit", "net input", "output"], [["4", -0.7, 0.332]])
            print(table.to_text())
            """),
        E("viz.tables.worked_example_tables", """
            from lab.examples import worked_example_step
            from viz import worked_example_tables
            tables = worked_example_tables(worked_example_step())
            print(tables[0].to_text())
            """),
        E("viz.tables.trace_tables", """
            from autograd_core import parse, trace
            from viz import trace_tables
            y, _ = parse("x1*x2", x1=2, x2=5)
            primal, adjoint = trace_tables(trace(y))
            print(adjoint.to_text())
            """),
    ), more=("viz.steps.Frame", "viz.drawing.DotNotFoundError", "viz.graph.GraphTooLargeError")),
}


def resolve(path: str) -> object:
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def public_path(path: str) -> str:
    """The name a user imports: ``nn.layers.MLP`` is ``nn.MLP`` when the package exports it."""
    package = path.split(".", 1)[0]
    name = path.rsplit(".", 1)[1]
    obj = resolve(path)
    if getattr(importlib.import_module(package), name, None) is obj:
        return f"{package}.{name}"
    return path


def _annotation(a: object) -> str:
    if a is inspect.Parameter.empty:
        return ""
    return a if isinstance(a, str) else inspect.formatannotation(a)


def _param(p: inspect.Parameter) -> str:
    """One parameter as written in code: ``*args``, ``name: T = default``."""
    star = {p.VAR_POSITIONAL: "*", p.VAR_KEYWORD: "**"}.get(p.kind, "")
    text = star + p.name
    if p.annotation is not p.empty:
        text += f": {_annotation(p.annotation)}"
    if p.default is not p.empty:
        text += f" = {p.default!r}" if p.annotation is not p.empty else f"={p.default!r}"
    return text


def signature(obj: Callable, name: str) -> str:
    """``name(p: T = d, …) -> R`` as Python would print it, one parameter a line when long."""
    sig = inspect.signature(obj)
    params, seen_star = [], False
    for p in sig.parameters.values():
        if p.name == "self":
            continue
        if p.kind is p.KEYWORD_ONLY and not seen_star:
            params.append("*")
        seen_star = seen_star or p.kind in (p.KEYWORD_ONLY, p.VAR_POSITIONAL)
        params.append(_param(p))
        if p.kind is p.POSITIONAL_ONLY and all(
                q.kind is not q.POSITIONAL_ONLY for q in list(sig.parameters.values())[
                    list(sig.parameters).index(p.name) + 1:]):
            params.append("/")
    ret = _annotation(sig.return_annotation)
    tail = f" -> {ret}" if ret and not inspect.isclass(obj) else ""
    one = f"{name}({', '.join(params)}){tail}"
    if len(one) <= 90:
        return one
    body = "".join(f"    {p},\n" for p in params)
    return f"{name}(\n{body}){tail}"


def param_docs(doc: str, names: set[str]) -> dict[str, str]:
    """What a docstring says of each parameter: lines ``name: text`` (or ``a, b: text``),
    in an ``Args:`` section or not, with their indented continuation lines."""
    found: dict[str, str] = {}
    current: list[str] = []
    indent = None
    for line in inspect.cleandoc(doc or "").splitlines():
        stripped = line.strip()
        match = re.match(r"^(\s*)([\w*]+(?:, [\w*]+)*): (.+)$", line)
        if match and all(n.strip("*") in names for n in match.group(2).split(", ")):
            indent = len(match.group(1))
            current = [n.strip("*") for n in match.group(2).split(", ")]
            for n in current:
                found[n] = match.group(3).strip()
        elif current and stripped and len(line) - len(line.lstrip()) > (indent or 0):
            for n in current:
                found[n] += " " + stripped
        else:
            current = []
    return found


# What a parameter of this name means wherever its function's docstring does not say it.
COMMON_PARAMETERS = {
    "data": "the number (a float; a numpy array for a batch)",
    "label": "a name shown in pictures, traces and error messages",
    "output": "the Value y at the end of the graph",
    "grad": "the seed ∂y/∂y of the walk",
    "values": "the Values",
    "params": "the parameters (Values) the optimizer changes, or a rule's numeric parameters",
    "lr": "the learning rate η",
    "lr0": "the learning rate at epoch 0",
    "seed": "seeds numpy's random Generator: the same seed, the same numbers",
    "model": "a network (an `nn.MLP` or another `nn.Module`)",
    "X": "the examples, one row each (n × inputs)",
    "y": "the targets, one per example",
    "n": "the number of examples",
    "noise": "the standard deviation of the Gaussian noise added to each point",
    "n_in": "the number of inputs",
    "n_out": "the number of units",
    "activation": "an activation by name (`nn.ACTIVATIONS`) or a function Value → Value",
    "prediction": "the output(s) of the network (Values or numbers)",
    "target": "the target(s) t",
    "reduction": "'mean' over the terms, or 'sum'",
    "scores": "the output units' scores (logits), Values or numbers",
    "digits": "decimals shown, and at least as many significant figures",
    "path": "a file name",
    "text": "the text of a file",
    "spec": "a checked `lab.spec.Spec`",
    "run": "the records of `lab.step(spec)`",
    "answers": "quantity → the number the student gave",
    "op": "the name of a row of the rule table (`autograd_core.RULES`)",
    "args": "the operands, Values or numbers",
    "weights": "the weights wᵢ (Values or numbers)",
    "inputs": "the inputs xᵢ (Values or numbers)",
    "bias": "the bias b",
    "loss": "a loss by name (`nn.LOSSES`) or a function (prediction, target) → Value",
    "eps": "ε, added to the denominator so that it is never 0",
    "k": "the decay rate",
    "every": "epochs between two drops",
    "factor": "what the rate is multiplied by at each drop",
    "title": "the heading shown above the table",
    "headers": "the column headings",
    "rows": "the rows, one list of cells each",
    "tangents": "each input's tangent ẋᵢ (inputs not given: 0)",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def parameter_table(obj: Callable) -> str:
    sig = inspect.signature(obj)
    params = [p for p in sig.parameters.values() if p.name != "self"]
    if not params:
        return "*No parameters.*\n"
    docs = param_docs(obj.__doc__ or "", {p.name for p in params})
    if inspect.isclass(obj):
        docs = {**param_docs(obj.__init__.__doc__ or "", {p.name for p in params}), **docs}
    rows = ["| Parameter | Type | Default | Meaning |", "| --- | --- | --- | --- |"]
    for p in params:
        star = {p.VAR_POSITIONAL: "*", p.VAR_KEYWORD: "**"}.get(p.kind, "")
        default = "required" if p.default is p.empty else f"`{p.default!r}`"
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            default = "—"
        kind = f"`{_annotation(p.annotation)}`" if p.annotation is not p.empty else ""
        meaning = docs.get(p.name) or COMMON_PARAMETERS.get(p.name, "")
        rows.append(f"| `{star}{p.name}` | {_cell(kind)} | {_cell(default)} | "
                    f"{_cell(meaning)} |")
    return "\n".join(rows) + "\n"


def _prose(doc: str) -> str:
    """The docstring as text, without the lines already in the parameter table."""
    text = inspect.cleandoc(doc or "")
    text = re.split(r"\n\s*Args:\s*\n", text)[0]
    return text


def _first_sentence(doc: str) -> str:
    """The docstring's first sentence (up to '. ' or the paragraph's end), on one line."""
    paragraph = " ".join(inspect.cleandoc(doc).split("\n\n", 1)[0].split())
    match = re.match(r"(.+?(?<! al)\.)(\s|$)", paragraph)
    return match.group(1) if match else paragraph


def methods(cls: type) -> str:
    """A class's public methods and properties: signature and first docstring line each."""
    rows = []
    for name, member in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(member, property):
            first = _first_sentence(member.__doc__ or "")
            rows.append(f"- `{name}` (property){': ' + first if first else ''}")
        elif inspect.isfunction(member) or isinstance(member, classmethod | staticmethod):
            fn = member.__func__ if isinstance(member, classmethod | staticmethod) else member
            first = _first_sentence(fn.__doc__ or "")
            sig = signature(fn, name).replace("\n", " ").replace("(    ", "(")
            sig = re.sub(r"\s+", " ", sig).replace("( ", "(").replace(",)", ")")
            rows.append(f"- `{sig}`{': ' + first if first else ''}")
    return ("**Methods and properties**\n\n" + "\n".join(rows) + "\n") if rows else ""


def run_example(code: str) -> str:
    """Run ``code`` in a fresh namespace inside an empty folder; what it prints, then the value
    of its last line when that is an expression."""
    tree = ast.parse(code)
    last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    body = ast.Module(tree.body[:-1] if last else tree.body, type_ignores=[])
    namespace: dict = {"__name__": "__example__"}
    out = io.StringIO()
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(out):
        os.chdir(tmp)
        try:
            exec(compile(body, "<example>", "exec"), namespace)  # our own examples, below
            if last is not None:
                value = eval(compile(ast.Expression(last.value), "<example>", "eval"), namespace)
                if value is not None:
                    print(repr(value))
        finally:
            os.chdir(here)
    return out.getvalue().rstrip()


def entry_markdown(entry: Entry) -> str:
    obj = resolve(entry.path)
    shown = public_path(entry.path)
    name = shown.rsplit(".", 1)[1]
    kind = "class" if inspect.isclass(obj) else "function"
    parts = [f"### `{shown}` {{ #{shown} }}\n",
             f"*{kind}*, defined in `{obj.__module__}`\n",
             f"```python\n{'class ' if kind == 'class' else ''}{signature(obj, name)}\n```\n",
             _prose(obj.__doc__ or "") + "\n",
             parameter_table(obj)]
    if inspect.isclass(obj):
        parts.append(methods(obj))
    output = run_example(entry.example)
    parts.append(f"**Example**\n\n```python\n{entry.example}\n```\n")
    if output:
        parts.append(f"```text\n{output}\n```\n")
    return "\n".join(parts)


def brief_markdown(path: str) -> str:
    """One more exported name: its signature (for a function or class) and first sentence."""
    obj = resolve(path)
    shown = public_path(path)
    name = shown.rsplit(".", 1)[1]
    kind = "class" if inspect.isclass(obj) else "function"
    head = f"#### `{shown}` {{ #{shown} }}\n"
    if inspect.isclass(obj) and issubclass(obj, Exception):
        return f"{head}\n*exception*: {_first_sentence(obj.__doc__ or '')}\n"
    code = f"```python\n{'class ' if kind == 'class' else ''}{signature(obj, name)}\n```\n"
    return f"{head}\n{code}\n{_first_sentence(obj.__doc__ or '')}\n"


def markdown(topic: str) -> str:
    """The reference of one topic: its introduction, then each entry, then the rest it exports."""
    t = TOPICS[topic]
    contents = "\n".join(f"- [`{public_path(e.path)}`](#{public_path(e.path)})"
                         for e in t.entries)
    text = (f"{t.intro}\n\n{contents}\n\n"
            + "\n".join(entry_markdown(e) for e in t.entries))
    if t.more:
        text += ("\n### Also exported { #also-exported }\n\nErrors it raises, base classes and "
                 "helpers, in brief.\n\n" + "\n".join(brief_markdown(p) for p in t.more))
    return text


if __name__ == "__main__":
    import sys

    print(markdown(sys.argv[1] if len(sys.argv) > 1 else "engine"))
