#!/usr/bin/env bash
# forklab's own CPU while a learner reads a lesson (120x40 in tmux), beside
# htop's (1 s delay) and btop's (its default, 2 s) measured in the same
# run, each that is installed: CPU time (% of one core) over a window at
# forklab's 1 s refresh, then at 250 ms. Resident memory beside it
# (scripts/memory-cost.sh says what forklab's is made of).
# Needs tmux. Usage: scripts/idle-cost.sh [SECONDS]
# (FORKLAB_BIN=path measures that binary instead of a fresh release build.)
cd "$(dirname "$0")/.."
secs=${1:-30}
. scripts/reading-session.sh
ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
measure() {
  local label=$1 pids=("$fpid") names=(forklab) before=() i
  while read -r name pid; do
    [ -n "$name" ] && { names+=("$name"); pids+=("$pid"); }
  done <<< "$others"
  for i in "${!pids[@]}"; do before[i]=$(ticks "${pids[i]}"); done
  sleep "$secs"
  printf '%s\n' "$label"
  for i in "${!pids[@]}"; do
    awk -v n="${names[i]}" -v t="$(( $(ticks "${pids[i]}") - before[i] ))" -v s="$secs" -v hz="$hz" \
      -v r="$(rss_kib "${pids[i]}")" \
      'BEGIN { printf "  %-8s %.3f%% of a core (%d ticks in %d s), %.1f MiB resident\n", n, t * 100 / hz / s, t, s, r / 1024 }'
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
