#!/usr/bin/env bash
# The README's matrix: every example of the course, run by the test suite
# under every Python that scripts/pythons.sh offers (or the programs in
# $FORKLAB_PYTHONS) and under each start method the example lists.
# Prints a Markdown table; exits non-zero if any run failed.
#
#   scripts/example-matrix.sh > matrix.md
#
# Set FORKLAB_PYTHON to a Python with Dask (a venv) to run the Dask example
# for real; elsewhere its cell says "skipped, needs distributed".
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
FORKLAB_MATRIX="$out" cargo test --quiet --locked --test examples \
  every_shipped_example_gives_its_expected_status_and_output -- --nocapture >&2 || status=$?
cat "$out"
exit $status
