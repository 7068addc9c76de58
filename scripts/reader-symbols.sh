#!/usr/bin/env bash
# Writes build/reader-symbols.txt: every function forklab's release binary
# runs from its start until a learner reads lesson 1-1 (120x40 in tmux,
# Python code coloured) and a few 1 s samples after, as callgrind saw
# them. build.rs hands the list to the linker, which puts those functions
# together, so reading keeps few of the binary's code pages resident
# (docs/PERFORMANCE.md, "Lighter: the reader's memory").
# Run it after a change of dependencies or the release profile (their
# names change then); scripts/memory-cost.sh says how many of the
# listed names the binary still has.
# Needs valgrind and tmux. Usage: scripts/reader-symbols.sh
set -euo pipefail
cd "$(dirname "$0")/.."
for tool in valgrind tmux; do
  command -v $tool >/dev/null || { echo "needs $tool (apt install $tool)" >&2; exit 1; }
done
cargo build --release --locked --quiet
bin=$PWD/target/release/forklab
home=$(mktemp -d)
sock=forklab-symbols-$$
trap 'tmux -L $sock kill-server 2>/dev/null; rm -rf "$home"' EXIT
tmux -L $sock new -d -s f -x 120 -y 40 \
  "exec env FORKLAB_HOME=$home valgrind --tool=callgrind --demangle=no --callgrind-out-file=$home/out $bin 2>$home/log"
# Waits (60 s at most: valgrind is slow) until the pane shows TEXT.
wait_for() {
  local deadline=$((SECONDS + 60))
  until tmux -L $sock capture-pane -p -t f | grep -q "$1"; do
    [ $SECONDS -lt $deadline ] || { echo "no \"$1\" on the screen within 60 s" >&2; exit 1; }
    sleep 0.2
  done
}
wait_for "Start here"
tmux -L $sock send-keys -t f n n
wait_for "def "
sleep 15
tmux -L $sock send-keys -t f q
deadline=$((SECONDS + 60))
until [ -s "$home/out" ] && ! tmux -L $sock has-session -t f 2>/dev/null; do
  [ $SECONDS -lt $deadline ] || { echo "forklab did not quit within 60 s" >&2; exit 1; }
  sleep 0.2
done
# Rust's symbols only (legacy _ZN and v0 _R manglings): libc's are not ours to place.
grep -oE '^c?fn=\([0-9]+\) (_ZN|_R).*' "$home/out" | sed -E 's/^c?fn=\([0-9]+\) //' |
  LC_ALL=C sort -u > build/reader-symbols.txt
echo "build/reader-symbols.txt: $(wc -l < build/reader-symbols.txt) functions" \
  "(then: cargo build --release; scripts/memory-cost.sh)"
