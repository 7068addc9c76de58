#!/usr/bin/env bash
# The lab's parallel efficiency with the TUI open (120x40, as a learner sees
# it), beside the headless `forklab run`, in the same minutes; and forklab's
# own CPU time (all its threads, not its workers) during each TUI run.
# Drives the lab in tmux: L, > > > (512 tasks), then ROUNDS times: 1 worker
# r, one worker per core r, reading the table's efficiency row.
# Needs tmux. Usage: scripts/lab-efficiency-tui.sh [ROUNDS]
# (FORKLAB_BIN=path measures that binary instead of a fresh release build.)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
command -v tmux >/dev/null || { echo "lab-efficiency-tui.sh needs tmux (apt install tmux)" >&2; exit 1; }
if [ -z "${FORKLAB_BIN:-}" ]; then
  cargo build --release --quiet
  FORKLAB_BIN=./target/release/forklab
fi
cores=$(nproc)
home=$(mktemp -d)
sock=forklab-eff-$$
trap 'tmux -L $sock kill-server 2>/dev/null; rm -rf "$home"' EXIT
tmux -L $sock new -d -s f -x 120 -y 40 "FORKLAB_HOME=$home $FORKLAB_BIN"
fpid=$(tmux -L $sock list-panes -t f -F '#{pane_pid}')
pane() { tmux -L $sock capture-pane -p -t f; }
# Waits (at most 120 s) until the pane matches (or, with !, stops matching).
wait_for() {
  local want=$1 text=$2 i
  for ((i = 0; i < 2400; i++)); do
    if pane | grep -qF -- "$text"; then [ "$want" = yes ] && return 0
    else [ "$want" = no ] && return 0; fi
    sleep 0.05
  done
  echo "timed out waiting for ${want/no/the end of} \"$text\"; pane:" >&2
  pane >&2
  exit 1
}
ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$fpid/stat"; }
hz=$(getconf CLK_TCK)
keys() { tmux -L $sock send-keys -t f "$@"; }
# Runs the lab with the workers shown now; prints forklab's own CPU in ms.
run_once() {
  local t0 t1
  t0=$(ticks)
  keys r
  wait_for yes "running:"
  wait_for no "running:"
  t1=$(ticks)
  echo $(((t1 - t0) * 1000 / hz))
}
set_workers() {
  local i
  for ((i = 0; i < 64; i++)); do keys -; done
  for ((i = 1; i < $1; i++)); do keys +; done
  if [ "$1" = 1 ]; then wait_for yes "1 worker ·"; else wait_for yes "$1 workers ·"; fi
}

wait_for yes "forklab │"
keys L
wait_for yes "Lab · your own experiment"
keys '>' '>' '>'
wait_for yes "512 tasks"
echo "lab in the TUI: cpu workload, 512 tasks, 1 worker against $cores (one per core); $rounds rounds"
for ((r = 1; r <= rounds; r++)); do
  set_workers 1
  own1=$(run_once)
  set_workers "$cores"
  own=$(run_once)
  row=$(pane | grep -E "^│ +$cores +[0-9.]+ s " | head -1 | cut -d'│' -f2 | tr -s ' ')
  echo "  round $r (workers, wall, speedup, efficiency, start-up):$row"
  echo "    forklab's own CPU: ${own1} ms during the 1-worker run, ${own} ms during the $cores-worker run (${hz} Hz ticks)"
done
keys q q
echo "headless, same minutes: forklab run --workers 1,$cores --tasks 512 (workers, wall s, speedup, efficiency, start-up ms)"
for ((r = 1; r <= rounds; r++)); do
  "$FORKLAB_BIN" run --workers "1,$cores" --tasks 512 | grep -E "^ +$cores " | sed "s/^/  round $r:/"
done
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
