#!/usr/bin/env bash
# Soak of the hang at exit once seen judging tests/fixtures/cheats/every-core/idle.py
# (a Pool(2) never closed, left to Python's exit), beside two CPU hogs:
#
#   1. under forklab: the script observed as a practice run ROUNDS times per
#      start method and the default (tests/practice_hang.rs, ignored; a run
#      still going after 12 s has its family dumped into target/hang-dumps/,
#      py-spy included when FORKLAB_PY_SPY names it or it is on PATH);
#   2. outside forklab, the same Python: the same script as many times; a
#      pool whose workers send big results as the master exits (the race in
#      CPython's Pool._terminate_pool, python/cpython#96995, made wider);
#      and that race forced (a worker terminated holding the pool's lock).
#
# Prints hangs per runs for each.
#
#   scripts/hang-soak.sh                       python3, 50 rounds
#   scripts/hang-soak.sh ~/.cache/forklab/venv-dask/bin/python 150
#   scripts/hang-soak.sh python3 50 outside    part 2 alone
set -euo pipefail
cd "$(dirname "$0")/.."
python=$(command -v "${1:-python3}")
rounds=${2:-50}
limit=15 # outside forklab: each run takes 1-3 s here, beside the hogs
echo "== $("$python" -c 'import platform; print(platform.python_version())') ($python), $rounds rounds, 2 CPU hogs, $(nproc) cores"

hogs=()
for _ in 1 2; do sh -c 'while :; do :; done' & hogs+=($!); done
trap 'kill "${hogs[@]}" 2>/dev/null || true' EXIT

if [ "${3:-}" != outside ]; then
echo "-- under forklab (tests/practice_hang.rs)"
start=$(date +%s)
FORKLAB_PYTHON=$python FORKLAB_HANG_RUNS=$rounds FORKLAB_HANG_HOGS=0 FORKLAB_REQUIRE_PYTHON=1 \
  cargo test --release --quiet --test practice_hang -- --ignored --nocapture 2>&1 |
  grep -E '^(hangs:|HANG |run [0-9]+ .*ended badly|test result)' || true
echo "   $(( $(date +%s) - start )) s"
fi

# One script run N times outside forklab with a time limit: prints hangs per runs.
outside() {
  local name=$1 script=$2 args=$3 runs=$4 hung=0 n=0 method rc
  for ((i = 0; i < runs; i++)); do
    for method in fork spawn forkserver; do
      n=$((n + 1))
      rc=0
      FORKLAB_START_METHOD=$method METHOD=$method timeout -k 2 "$limit" \
        "$python" "$script" $args >/dev/null 2>&1 || rc=$?
      if [ "$rc" -eq 124 ]; then hung=$((hung + 1)); fi
    done
  done
  echo "   $name: $hung hangs in $n runs (each stopped at $limit s)"
}

work=$(mktemp -d)
trap 'kill "${hogs[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
cat >"$work/big.py" <<'EOF'
# An unclosed Pool whose workers send big results as the master exits.
import multiprocessing, os, random, time

def task(_):
    time.sleep(0.3)
    return bytes(16 << 20)

if __name__ == "__main__":
    multiprocessing.set_start_method(os.environ["METHOD"])
    pool = multiprocessing.Pool(2)
    pool.map_async(task, range(4))
    time.sleep(random.uniform(0.3, 0.45))
EOF
cat >"$work/forced.py" <<'EOF'
# The race forced: the worker takes the pool's result lock (as put() does
# for a moment) and keeps it until Python's exit terminates it.
import multiprocessing, os, sys, time

def task(_):
    frame = sys._getframe()
    while frame.f_code.co_name != "worker":
        frame = frame.f_back
    frame.f_locals["outqueue"]._wlock.acquire()
    time.sleep(60)

if __name__ == "__main__":
    multiprocessing.set_start_method(os.environ["METHOD"])
    pool = multiprocessing.Pool(1)
    pool.map_async(task, [0])
    time.sleep(1.0)
EOF
echo "-- outside forklab, same Python"
start=$(date +%s)
outside "every-core/idle.py" tests/fixtures/cheats/every-core/idle.py "12000000" "$rounds"
outside "unclosed pool, big results" "$work/big.py" "" "$(( (rounds + 4) / 5 ))"
outside "unclosed pool, worker stopped holding its lock" "$work/forced.py" "" 2
echo "   $(( $(date +%s) - start )) s"
