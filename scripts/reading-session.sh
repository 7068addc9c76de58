# Sourced by idle-cost.sh and memory-cost.sh: forklab reading a lesson
# in tmux (120x40, an empty data folder, lesson 1-1, whose Python code is
# coloured), with htop and btop beside it in the same tmux server when
# they are installed. Sets: sock, fpid, and others ("NAME PID" lines).
# FORKLAB_BIN=path measures that binary instead of a fresh release build.
set -euo pipefail
command -v tmux >/dev/null || { echo "needs tmux (apt install tmux)" >&2; exit 1; }
if [ -n "${FORKLAB_BIN:-}" ]; then
  bin=$(realpath "$FORKLAB_BIN")
else
  cargo build --release --quiet
  bin=$PWD/target/release/forklab
fi
home=$(mktemp -d)
sock=forklab-cost-$$
trap 'tmux -L $sock kill-server 2>/dev/null; rm -rf "$home"' EXIT
tmux -L $sock new -d -s f -x 120 -y 40 "exec env FORKLAB_HOME=$home $bin"
others=""
for tool in "htop -d 10" "btop"; do
  name=${tool%% *}
  if command -v "$name" >/dev/null; then
    # btop keeps its settings in $HOME/.config: a fresh one, its defaults.
    tmux -L $sock new -d -s "$name" -x 120 -y 40 "exec env HOME=$home $tool"
  else
    echo "($name is not installed: measured without it)"
  fi
done
pid_of() { tmux -L $sock list-panes -t "$1" -F '#{pane_pid}'; }
# Waits (10 s at most) until the pane shows TEXT.
wait_for() {
  local deadline=$((SECONDS + 10))
  until tmux -L $sock capture-pane -p -t "$1" | grep -q "$2"; do
    [ $SECONDS -lt $deadline ] || { echo "no \"$2\" on $1's screen within 10 s" >&2; exit 1; }
    sleep 0.1
  done
}
wait_for f "Start here"
tmux -L $sock send-keys -t f n n
wait_for f "def "
fpid=$(pid_of f)
for name in htop btop; do
  if tmux -L $sock has-session -t "$name" 2>/dev/null; then
    others+="$name $(pid_of "$name")"$'\n'
  fi
done
# Resident memory in KiB, and whether it has stopped changing (the
# colours are computed on a thread once the course is read).
rss_kib() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
settle() {
  local last="" now deadline=$((SECONDS + 20)) same=0
  while [ $same -lt 10 ] && [ $SECONDS -lt $deadline ]; do
    now=$(rss_kib "$1"); [ "$now" = "$last" ] && same=$((same + 1)) || same=0
    last=$now; sleep 0.2
  done
}
settle "$fpid"
sleep 2
