"""The oracles the tests compare with (PyTorch, micrograd, …) come with the test extra; a missing
one fails the run (tests/conftest.py), so that no test is skipped in silence."""

import subprocess
import sys


def test_a_missing_oracle_fails_the_test_run_instead_of_skipping(tmp_path):
    # torch made unimportable, as on a machine where the test extra was not installed
    code = ("import sys; sys.modules['torch'] = None; import pytest; "
            "sys.exit(pytest.main(['-q', '-p', 'no:cacheprovider', 'tests/test_parse.py']))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode != 0
    assert "the tests need torch" in result.stdout + result.stderr
