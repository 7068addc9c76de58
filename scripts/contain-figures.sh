#!/bin/sh
# Prints how forklab's containment holds an unbounded fork bomb and a memory
# hog, through the kernel's cgroup where forklab may make one (auto) and
# through rlimits + sampling (FORKLAB_CONTAIN=rlimit): per run, the wall
# time from the guard's start to its end (Python's start-up included), the
# limit passed, and the peaks the guard reports (a cgroup's pids.peak and
# memory peak, or the samples). Asserts nothing.
#
#   scripts/contain-figures.sh [ROUNDS] [CAP] [MEMORY_BYTES]
#
# Uses target/release/forklab if built, else target/debug/forklab.
set -eu
rounds=${1:-5}
cap=${2:-32}
memory=${3:-268435456}
root=$(cd "$(dirname "$0")/.." && pwd)
forklab=${FORKLAB_BIN:-$root/target/release/forklab}
[ -x "$forklab" ] || forklab=$root/target/debug/forklab
python=$(python3 -c 'import sys; print(sys.executable)')
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cat > "$dir/bomb.py" <<'PY'
import os
while True:
    try:
        os.fork()
    except OSError:
        pass
PY
cat > "$dir/hog.py" <<'PY'
chunks = []
while True:
    chunks.append(bytearray(8 << 20))
PY
now() { python3 -c 'import time; print(time.monotonic())'; }
printf '%-7s %-5s %8s  %-9s %-10s %s\n' mode what seconds limit processes memory
for mode in auto rlimit; do
  for what in bomb hog; do
    i=0
    while [ "$i" -lt "$rounds" ]; do
      i=$((i + 1))
      t0=$(now)
      FORKLAB_CONTAIN=$mode "$forklab" guard --status-fd 3 --max-processes "$cap" \
        --max-memory "$memory" -- "$python" "$dir/$what.py" 3>"$dir/status" 2>/dev/null || true
      t1=$(now)
      # contained KIND PROCESSES MEMORY BREACH PEAK_PROCESSES PEAK_MEMORY
      set -- $(grep '^contained ' "$dir/status")
      printf '%-7s %-5s %8.2f  %-9s %3s of %-4s %s MiB of %s MiB (%s)\n' "$mode" "$what" \
        "$(python3 -c "print($t1 - $t0)")" "$5" "$6" "$3" "$(($7 >> 20))" "$(($4 >> 20))" "$2"
    done
  done
done
