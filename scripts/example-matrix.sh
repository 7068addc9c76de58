#!/usr/bin/env bash
# The matrix of docs/MATRIX.md: every example of the course, run by the test suite
# under every Python that scripts/pythons.sh offers (or the programs in
# $FORKLAB_PYTHONS) and under each start method the example lists.
# Prints a Markdown table; exits non-zero if any run failed.
#
#   scripts/example-matrix.sh > matrix.md
#
# Examples that require packages (NumPy, threadpoolctl, py-spy, Dask's
# distributed) run for real where the Python can import (run) them, and
# say "skipped, needs X" elsewhere. `scripts/pythons.sh --setup` gives
# every Python of the matrix all of them (virtual environments of pyenv's
# 3.11 to 3.13.0, wheels and Debian packages in the chroot's 3.13 to
# 3.15); docs/MATRIX.md was made after it with
#
#   scripts/pythons.sh --setup
#   FORKLAB_REQUIRE_PYTHON=1 FORKLAB_PYTHON=~/.cache/forklab/pythons/3.11.7/bin/python \
#     scripts/example-matrix.sh > matrix.md
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
FORKLAB_MATRIX="$out" cargo test --quiet --locked --test examples \
  every_shipped_example_gives_its_expected_status_and_output -- --nocapture >&2 || status=$?
cat "$out"
exit $status
