#!/usr/bin/env bash
# Replay's own cost beside live mode, measured in the same run: CPU time
# (% of one core) over a window, and resident memory. Live forklab samples
# this machine every 250 ms; the replays play one-minute scripted traces
# (250 ms samples) of 2 and 256 cores at 1x, then paused.
# Needs tmux. Usage: scripts/replay-idle-cost.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v tmux >/dev/null || { echo "replay-idle-cost.sh needs tmux (apt install tmux)" >&2; exit 1; }
secs=${1:-20}
cargo build --release --quiet
home=$(mktemp -d)
sock=forklab-replay-idle-$$
trap 'tmux -L $sock kill-server 2>/dev/null; rm -rf "$home"' EXIT
cargo run --quiet --example trace_size -- --write "$home" >/dev/null
bin=./target/release/forklab
tmux -L $sock new -d -s live -x 120 -y 40 "FORKLAB_HOME=$home/live $bin"
tmux -L $sock new -d -s r2 -x 120 -y 40 "FORKLAB_HOME=$home/r2 $bin replay $home/scripted-2.trace.jsonl.gz"
tmux -L $sock new -d -s r256 -x 200 -y 60 "FORKLAB_HOME=$home/r256 $bin replay $home/scripted-256.trace.jsonl.gz"
sleep 2
# Live at 250 ms, like the traces: 1 s -> 500 ms -> 250 ms.
tmux -L $sock send-keys -t live ']' ']'
sleep 1
pid_of() { tmux -L $sock list-panes -t "$1" -F '#{pane_pid}'; }
ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
rss() { awk '/VmRSS/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$1/status"; }
hz=$(getconf CLK_TCK)
measure() {
  local label=$1; shift
  local -a pids=() before=() after=()
  for s in "$@"; do pids+=("$(pid_of "$s")"); done
  for p in "${pids[@]}"; do before+=("$(ticks "$p")"); done
  sleep "$secs"
  for p in "${pids[@]}"; do after+=("$(ticks "$p")"); done
  echo "$label ($secs s):"
  for i in "${!pids[@]}"; do
    awk -v s="$secs" -v hz="$hz" -v t="$((after[i] - before[i]))" -v name="$(echo "$@" | cut -d' ' -f$((i + 1)))" -v r="$(rss "${pids[i]}")" \
      'BEGIN { printf "  %-6s %.2f%% of a core, %s\n", name, t * 100 / hz / s, r }'
  done
}
measure "playing at 1x (live: 250 ms refresh)" live r2 r256
tmux -L $sock send-keys -t r2 ' '
tmux -L $sock send-keys -t r256 ' '
sleep 1
measure "replays paused" live r2 r256
