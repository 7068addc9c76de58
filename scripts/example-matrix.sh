#!/usr/bin/env bash
# The matrix of docs/MATRIX.md: every example of the course, run by the test suite
# under every Python that scripts/pythons.sh offers (or the programs in
# $FORKLAB_PYTHONS) and under each start method the example lists.
# Prints a Markdown table; exits non-zero if any run failed.
#
#   scripts/example-matrix.sh > matrix.md
#
# Set FORKLAB_PYTHON to a Python with Dask (a venv) to run the Dask example
# for real; elsewhere its cell says "skipped, needs distributed". The same
# goes for NumPy, threadpoolctl and py-spy. docs/MATRIX.md was made
# with virtual environments of pyenv's 3.11.7 (numpy threadpoolctl py-spy
# 'dask[distributed]') and 3.12.1 (numpy threadpoolctl py-spy), and the
# chroot's 3.13 to 3.15 (Debian's NumPy for 3.14 and 3.15, from
# `scripts/pythons.sh --setup`):
#
#   python3.11 -m venv /tmp/v311 && /tmp/v311/bin/pip install numpy \
#     threadpoolctl py-spy 'dask[distributed]'     # likewise /tmp/v312
#   FORKLAB_PYTHON=/tmp/v311/bin/python FORKLAB_PYTHONS="/tmp/v312/bin/python
#     /work/py314.bin/python3.13 /work/py314.bin/python3.14
#     /work/py314.bin/python3.15" scripts/example-matrix.sh > matrix.md
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
FORKLAB_MATRIX="$out" cargo test --quiet --locked --test examples \
  every_shipped_example_gives_its_expected_status_and_output -- --nocapture >&2 || status=$?
cat "$out"
exit $status
