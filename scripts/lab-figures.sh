#!/usr/bin/env bash
# The figures of docs/PERFORMANCE.md's "The lab's engines": one run of each command,
# printed with the command that gave it. Needs a release build and Python.
#   scripts/lab-figures.sh [path/to/forklab]
set -euo pipefail
FORKLAB=${1:-target/release/forklab}
run() {
    echo "\$ forklab run $*"
    "$FORKLAB" run "$@" 2>&1
    echo
}
size_of() { # the calibrated task size of an engine, for tasks $2
    "$FORKLAB" run --engine "$1" --workers 1 --tasks "$2" --repeat 1 2>/dev/null |
        sed -n 's/^task size \([0-9]*\) .*/\1/p'
}
uptime
echo "## 1, 2, 4 workers (cpu, calibrated, best of 3)"
for engine in python forklab; do
    run --engine "$engine" --workers 1,2,4 --tasks 64
done
echo "## chunk sizes on 8192 tiny tasks (2 workers, best of 3)"
for engine in python forklab; do
    size=$(size_of "$engine" 8192)
    for chunk in 1 16 256; do
        run --engine "$engine" --workers 2 --tasks 8192 --task-size "$size" --chunksize "$chunk"
    done
done
echo "## start-up per start method (until every worker is ready, best of 3)"
for method in fork spawn forkserver; do
    run --engine python --start-method "$method" --workers 1,4,16 --workload sleep --tasks 16 --task-size 0
done
for method in spawn forkserver; do
    run --engine forklab --start-method "$method" --workers 1,4,16,64 --workload sleep --tasks 64 --task-size 0
done
