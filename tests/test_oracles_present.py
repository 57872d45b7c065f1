"""The oracles the tests compare with (JAX, optax, micrograd, …) come with the test extra; a missing
one fails the run (tests/conftest.py), so that no test is skipped in silence."""

import subprocess
import sys
from pathlib import Path


def test_a_missing_oracle_fails_the_test_run_instead_of_skipping(tmp_path):
    # jax made unimportable, as on a machine where the test extra was not installed
    code = ("import sys; sys.modules['jax'] = None; import pytest; "
            "sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider', 'tests/test_parse.py']))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode != 0
    assert "the tests need jax" in result.stdout + result.stderr


def test_no_test_skips_for_want_of_an_oracle():
    # importorskip would turn a missing oracle back into a silent skip; conftest.py fails instead
    here = Path(__file__).parent
    skipping = [p.name for p in here.glob("*.py")
                if p.name != Path(__file__).name and "importorskip(" in p.read_text("utf-8")]
    assert skipping == []
