#!/usr/bin/env bash
# forklab's own cost while a learner reads, beside htop's, measured in the
# same run: CPU time (% of one core) over a window, and resident memory.
# Needs tmux and htop. Usage: scripts/idle-cost.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in tmux htop; do
  command -v "$tool" >/dev/null || { echo "idle-cost.sh needs $tool (apt install $tool)" >&2; exit 1; }
done
secs=${1:-30}
cargo build --release --quiet
home=$(mktemp -d)
sock=forklab-idle-$$
trap 'tmux -L $sock kill-server 2>/dev/null; rm -rf "$home"' EXIT
tmux -L $sock new -d -s f -x 120 -y 40 "FORKLAB_HOME=$home ./target/release/forklab"
tmux -L $sock new -d -s h -x 120 -y 40 "htop -d 10"
sleep 3
pid_of() { tmux -L $sock list-panes -t "$1" -F '#{pane_pid}'; }
fpid=$(pid_of f); hpid=$(pid_of h)
ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
rss() { awk '/VmRSS/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$1/status"; }
hz=$(getconf CLK_TCK)
measure() {
  local label=$1 f0 h0 f1 h1
  f0=$(ticks "$fpid"); h0=$(ticks "$hpid")
  sleep "$secs"
  f1=$(ticks "$fpid"); h1=$(ticks "$hpid")
  awk -v l="$label" -v s="$secs" -v hz="$hz" -v f="$((f1 - f0))" -v h="$((h1 - h0))" -v fr="$(rss "$fpid")" -v hr="$(rss "$hpid")" \
    'BEGIN { printf "%-34s forklab %.2f%% of a core, %s   htop %.2f%% of a core, %s\n", l, f * 100 / hz / s, fr, h * 100 / hz / s, hr }'
}
measure "idle on a lesson, 1 s refresh:"
# Faster refresh: 1 s -> 500 ms -> 250 ms.
tmux -L $sock send-keys -t f ']' ']'
sleep 1
measure "idle on a lesson, 250 ms refresh:"
