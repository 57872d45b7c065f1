"""autograd_core: a scalar reverse-mode automatic-differentiation engine.

One node type (`Value`), one table of primitive rules (`rules.RULES`), one iterative walk
(`backward_walk`): for each node, outputs first, ``parent.grad += local · node.grad``.
"""

from .anomaly import AnomalyError, detect_anomaly, set_detect_anomaly
from .batch import (
    BatchConstant,
    BatchValue,
    Detached,
    PerBatch,
    apply_batch,
    batch_mean,
    batch_sum,
    is_batched,
    linear,
    vsum,
)
from .compile import CompileError, Dense, Program, compile
from .gradcheck import GradcheckError, GradcheckReport, gradcheck
from .graph import (
    backward,
    backward_walk,
    by_depth,
    jvp,
    topological_order,
    zero_grad,
    zero_grad_graph,
)
from .parse import parse
from .rules import RULES, DomainError
from .trace import Trace, trace
from .value import Constant, Value, apply, as_value

__all__ = [
    "BatchConstant", "BatchValue", "Detached", "PerBatch", "apply_batch", "batch_mean", "batch_sum",
    "is_batched",
    "CompileError", "Dense", "Program", "compile",
    "RULES", "AnomalyError", "Constant", "DomainError", "GradcheckError", "GradcheckReport",
    "Trace", "Value", "apply", "as_value", "backward", "backward_walk", "by_depth",
    "detect_anomaly",
    "gradcheck", "jvp", "linear", "parse", "set_detect_anomaly", "topological_order", "trace",
    "vsum", "zero_grad", "zero_grad_graph",
]
