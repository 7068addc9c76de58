#!/usr/bin/env bash
# The figures of docs/PERFORMANCE.md's "Many machines: the dask engine": a Dask
# scheduler and two workers started here as separate processes on
# 127.0.0.1 (a real multi-process cluster on one machine), then the same
# job on the python, forklab and dask engines from one run of this script,
# and the per-task overhead of each engine on tiny tasks.
#   scripts/dask-figures.sh [path/to/forklab]
# Needs a Python with Dask: FORKLAB_PYTHON=/path/to/venv/bin/python.
set -euo pipefail
FORKLAB=${1:-target/release/forklab}
PY=${FORKLAB_PYTHON:-python3}
"$PY" -c "import distributed" 2>/dev/null || {
    echo "$PY has no Dask: python3 -m venv v && v/bin/pip install 'dask[distributed]'; FORKLAB_PYTHON=v/bin/python $0" >&2
    exit 1
}
export FORKLAB_PYTHON=$PY
dir=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill -- "-$p" 2>/dev/null || true; done
    rm -rf "$dir"
}
trap cleanup EXIT
# Each in its own process group, so cleanup takes the nannies' workers too.
setsid "$PY" -m distributed.cli.dask_scheduler --host 127.0.0.1 --port 0 --no-dashboard \
    --scheduler-file "$dir/s.json" >"$dir/s.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$dir/s.json" ] && break; sleep 0.1; done
addr=$("$PY" -c "import json,sys; print(json.load(open(sys.argv[1]))['address'])" "$dir/s.json")
for n in 1 2; do
    setsid "$PY" -m distributed.cli.dask_worker "$addr" --nthreads 1 --no-dashboard \
        --host 127.0.0.1 >"$dir/w$n.log" 2>&1 &
    pids+=($!)
done
for n in 1 2; do
    for _ in $(seq 300); do grep -q "Registered to" "$dir/w$n.log" && break; sleep 0.1; done
done
echo "cluster: scheduler $addr, 2 workers of 1 thread (dask scheduler / dask worker, 127.0.0.1)"
uptime

echo
echo "## the same job on each engine: 1 and 2 workers, 32 tasks (cpu, best of 3)"
size=$("$FORKLAB" run --engine python --workers 1 --tasks 32 --repeat 1 2>/dev/null |
    sed -n 's/^task size \([0-9]*\) .*/\1/p')
for engine in python forklab "dask --scheduler $addr" dask; do
    # shellcheck disable=SC2086
    echo "\$ forklab run --engine $engine --workers 1,2 --tasks 32 --task-size $size"
    # shellcheck disable=SC2086
    "$FORKLAB" run --engine $engine --workers 1,2 --tasks 32 --task-size "$size" 2>&1 | sed -n '2,6p'
    echo
done

echo "## per-task overhead: 2000 tasks of 1 number on 2 workers, best of 3"
echo "## (wall x workers / tasks: what one task costs beyond its own work)"
printf '%-48s %9s %14s\n' engine "wall (s)" "per task (us)"
for engine in python forklab "dask --scheduler $addr" dask "dask --scheduler $addr --chunksize 100"; do
    # shellcheck disable=SC2086
    wall=$("$FORKLAB" run --engine $engine --workers 2 --tasks 2000 --task-size 1 --json 2>/dev/null |
        "$PY" -c "import json,sys; print(json.load(sys.stdin)['runs'][0]['wall_s'])")
    "$PY" -c "import sys; w=float(sys.argv[2]); print('%-48s %9.3f %14.0f' % (sys.argv[1], w, w*2/2000*1e6))" "$engine" "$wall"
done
