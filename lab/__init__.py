"""lab: the teaching domain. Spec files, the step records a student checks, formulas, answers
files, grading (right, carried forward, wrong, the mistake named) and exercises.

Imports go one way: ``viz → lab → nn → autograd_core``.
"""

from . import answers as answers
from . import examples as examples
from . import spec as spec
from .grading import check as check
from .stepping import StepRecord as StepRecord
from .stepping import StepRun as StepRun
from .stepping import step as step
