"""Fuzzing with hypothesis (tests/fuzz_targets.py): the formula reader, model files, spec and
answers files and the command line's arguments, each in a child process under a memory limit,
so that an input that eats memory fails its example (MemoryError, or the per-example bound)
instead of the machine."""

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

TARGETS = Path(__file__).with_name("fuzz_targets.py")
MEMORY_LIMIT = 3 * 2**30  # address space of the child: numpy and graphviz need ~1 GB of it
# examples per target: together about a minute of CI on two shared cores
EXAMPLES = {"formula": 200, "model_file": 60, "spec_file": 100, "answers_file": 100,
            "cli_arguments": 150}


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


@pytest.mark.parametrize("target", sorted(EXAMPLES))
def test_hostile_input_is_refused_clearly_fast_and_in_bounded_memory(target):
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "PYTHONWARNINGS": "ignore"}
    result = subprocess.run([sys.executable, str(TARGETS), target, str(EXAMPLES[target])],
                            capture_output=True, text=True, timeout=300, env=env,
                            preexec_fn=_limit_memory)
    assert result.returncode == 0, (result.stdout + result.stderr)[-6000:]
