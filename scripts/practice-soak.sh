#!/usr/bin/env bash
# Soak test of the practice verdicts: every shipped reference solution is
# judged N times (default 20) while two CPU hogs keep the cores busy, with
# one Python; each must pass, or answer "cannot judge now" on a timing
# check only, never fail; every starter must fail. Prints per exercise how
# many passed and how many could not be judged.
#
#   scripts/practice-soak.sh                          python3 (3.11 here), 20 rounds
#   scripts/practice-soak.sh /work/py314.bin/python3.14 20
#
# (scripts/pythons.sh lists the Pythons this machine offers.) CI runs the
# same test once per solution (tests/practice_verdicts.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
python=${1:-python3}
rounds=${2:-20}
echo "== $("$python" -c 'import platform; print(platform.python_version())') ($python), $rounds rounds per solution, 2 CPU hogs, $(nproc) cores"
start=$(date +%s)
FORKLAB_PYTHON=$python FORKLAB_SOAK=$rounds FORKLAB_REQUIRE_PYTHON=1 \
  cargo test --release --quiet --test practice_verdicts solutions_pass -- --nocapture 2>&1 |
  sed -n '/^beside two CPU hogs:/,/^$/p; /panicked/,/^$/p; /^test result/p'
echo "== $(( $(date +%s) - start )) s"
