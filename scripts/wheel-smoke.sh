#!/usr/bin/env bash
# The package as a user gets it: `python -m build` makes the wheel and the sdist (their metadata
# must carry the license file, the license expression and the classifiers; the sdist leaves the
# tests out on purpose, see MANIFEST.in), then the wheel is installed in a fresh virtualenv and
# runs `backprop worked-example` on each of Python 3.11, 3.12 and 3.13.
# Usage: scripts/wheel-smoke.sh [PYTHON_WITH_BUILD]   (make test passes .venv/bin/python)
# A Python version that is not on this machine (as python3.X or under pyenv) is reported; under
# CI (CI=true) it is a failure, since CI is where every supported version is tried.
set -euo pipefail
cd "$(dirname "$0")/.."
builder="${1:-.venv/bin/python}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fail() { echo "wheel smoke test: $*" >&2; exit 1; }

"$builder" -m build --outdir "$tmp/dist" . >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log" >&2; fail "python -m build failed"; }
wheel="$(ls "$tmp"/dist/*.whl)"
sdist="$(ls "$tmp"/dist/*.tar.gz)"
"$builder" - "$wheel" "$sdist" <<'PY' || fail "the built package's metadata is incomplete (above)"
import sys, tarfile, zipfile
wheel, sdist = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    names = z.namelist()
    meta = z.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    wheel_license = any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
with tarfile.open(sdist) as t:
    members = t.getnames()
    pkg_info = t.extractfile(next(m for m in members if m.count("/") == 1
                                  and m.endswith("/PKG-INFO"))).read().decode()
wanted = ["License-Expression: MIT", "License-File: LICENSE", "Author: The backprop-lab maintainers",
          *(f"Classifier: Programming Language :: Python :: 3.{v}" for v in (11, 12, 13))]
problems = [f"{what} lacks {w!r}" for what, text in (("wheel", meta), ("sdist", pkg_info))
            for w in wanted if w not in text]
if not wheel_license:
    problems.append("the wheel has no LICENSE file")
if not any(m.endswith("/LICENSE") and m.count("/") == 1 for m in members):
    problems.append("the sdist has no LICENSE file")
if any("/tests/" in m for m in members):
    problems.append("the sdist holds tests/ (they need the repository: see MANIFEST.in)")
print("\n".join(problems), file=sys.stderr)
sys.exit(bool(problems))
PY
echo "built $(basename "$wheel") and $(basename "$sdist"): license file, expression and classifiers present"

find_python() {  # the newest pyenv build of 3.X, else python3.X on PATH (if it runs: a pyenv
  local v="$1" py root  # shim for a version that is not selected fails when called)
  root="$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")"
  py="$(ls -d "$root"/versions/"$v".*/bin/python"$v" 2>/dev/null | sort -V | tail -n 1)"
  [ -z "$py" ] && py="$(command -v "python$v" 2>/dev/null || true)"
  if [ -n "$py" ] && "$py" -c 'import sys' >/dev/null 2>&1; then echo "$py"; fi
}

missing=()
for v in 3.11 3.12 3.13; do
  py="$(find_python "$v")"
  if [ -z "$py" ]; then missing+=("$v"); continue; fi
  "$py" -m venv "$tmp/venv-$v"
  "$tmp/venv-$v/bin/python" -m pip install -q --disable-pip-version-check --no-compile "$wheel" \
    >"$tmp/pip-$v.log" 2>&1 || { cat "$tmp/pip-$v.log" >&2; fail "the wheel does not install on Python $v"; }
  # run from an empty folder, so that it is the installed package that runs, not this checkout
  out="$(cd "$tmp" && "$tmp/venv-$v/bin/backprop" worked-example --json)" || fail "backprop worked-example failed on Python $v"
  # o6 = σ(−0.3·σ(−0.7) − 0.2·σ(0.1) + 0.1) = 0.4739…, the slide's 0.474
  "$tmp/venv-$v/bin/python" -c '
import json, sys
o6 = json.loads(sys.stdin.read())["forward"]["6"]["out"]
sys.exit(not abs(o6 - 0.474) < 5e-4)' <<<"$out" || fail "on Python $v the worked example's o6 is not 0.474"
  echo "Python $v: the wheel installs and backprop worked-example gives o6 = 0.474"
done
if [ ${#missing[@]} -gt 0 ]; then
  msg="Python ${missing[*]} not found (python3.X on PATH or under pyenv): the wheel was not tried there"
  [ "${CI:-}" = "true" ] && fail "$msg"
  echo "note: $msg (CI tries every version)" >&2
fi
