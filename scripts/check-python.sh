#!/usr/bin/env bash
# Before `python3 -m venv`: the Python given ($1, default python3) exists, is 3.11 or later, and
# can make a virtualenv with pip (Debian and Ubuntu ship that part as python3-venv). Otherwise one
# line says what to install, and the exit status is 1.
set -uo pipefail
py="${1:-python3}"
if ! command -v "$py" >/dev/null 2>&1; then
  echo "backprop-lab needs Python 3.11 or later: '$py' was not found (e.g. sudo apt-get install python3 python3-venv)" >&2
  exit 1
fi
if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "backprop-lab needs Python 3.11 or later; $py is $("$py" -V 2>&1): run make PYTHON=python3.11 (or newer)" >&2
  exit 1
fi
if ! "$py" -c 'import ensurepip, venv' >/dev/null 2>&1; then
  ver="$("$py" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
  echo "$py cannot make a virtualenv: install python${ver}-venv (sudo apt-get install python${ver}-venv, or python3-venv)" >&2
  exit 1
fi
