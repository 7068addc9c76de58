#!/usr/bin/env bash
# forklab's own CPU while a learner reads a lesson (120x40 in tmux), beside
# htop's (1 s delay) and btop's (its default, 2 s) measured in the same
# run, each that is installed: CPU time (% of one core) over a window at
# forklab's 1 s refresh, then at 250 ms. Resident memory beside it
# (scripts/memory-cost.sh says what forklab's is made of). "floor" is
# examples/idle_floor.rs: the least a 1 s monitor costs on this machine
# (wake a thread, read /proc/stat, hand it over, write a line), so the
# figures can be read against what merely waking costs here.
# Needs tmux. Usage: scripts/idle-cost.sh [SECONDS]
# (FORKLAB_BIN=path measures that binary instead of a fresh release build.)
cd "$(dirname "$0")/.."
secs=${1:-30}
. scripts/reading-session.sh
floor_bin=$home/idle_floor
rustc -O --edition 2024 examples/idle_floor.rs -o "$floor_bin"
tmux -L $sock new -d -s floor -x 120 -y 40 "exec $floor_bin"
others+="floor $(pid_of floor)"$'\n'
sleep 2
# Nanoseconds on a CPU, every thread of the process summed
# (/proc/PID/task/*/schedstat): exact, where /proc/PID/stat's clock ticks
# (10 ms) would round a window's few milliseconds to 0 or 10.
cpu_ns() { cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%d", s }'; }
measure() {
  local label=$1 pids=("$fpid") names=(forklab) before=() i
  while read -r name pid; do
    [ -n "$name" ] && { names+=("$name"); pids+=("$pid"); }
  done <<< "$others"
  for i in "${!pids[@]}"; do before[i]=$(cpu_ns "${pids[i]}"); done
  sleep "$secs"
  printf '%s\n' "$label"
  for i in "${!pids[@]}"; do
    awk -v n="${names[i]}" -v t="$(( $(cpu_ns "${pids[i]}") - before[i] ))" -v s="$secs" \
      -v r="$(rss_kib "${pids[i]}")" \
      'BEGIN { printf "  %-8s %.3f%% of a core (%.0f µs a second over %d s), %.1f MiB resident\n", n, t / s / 1e7, t / s / 1e3, s, r / 1024 }'
  done
}
measure "idle on a lesson, 1 s refresh, $secs s:"
# Faster refresh: 1 s -> 500 ms -> 250 ms.
tmux -L $sock send-keys -t f ']' ']'
sleep 1
measure "idle on a lesson, 250 ms refresh, $secs s:"
# The process pane's USS and PSS on (M): smaps_rollup read for each row
# shown, every sample.
tmux -L $sock send-keys -t f M
sleep 1
measure "idle on a lesson, 250 ms refresh, USS and PSS on (M), $secs s:"
