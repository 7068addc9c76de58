#!/usr/bin/env bash
# The class server's own CPU while idle: starts `forklab class serve
# --no-tui` on 127.0.0.1, waits, and reads its CPU time from /proc over
# SECONDS (default 30). Compare with forklab's own idle figure from
# scripts/idle-cost.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
cargo build --release --quiet
bin=target/release/forklab
tmp=$(mktemp -d)
trap 'kill $pid 2>/dev/null; rm -rf "$tmp"' EXIT
"$bin" class serve --no-tui --bind 127.0.0.1 --port 0 --file "$tmp/class.jsonl" >"$tmp/out" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q "listening on" "$tmp/out" && break; sleep 0.1; done
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
before=$(ticks); sleep "$secs"; after=$(ticks)
awk -v t=$((after - before)) -v hz="$hz" -v s="$secs" \
  'BEGIN { printf "class server idle for %d s: %.3f%% of one core (%d ticks at %d Hz)\n", s, 100 * t / hz / s, t, hz }'
threads=$(ls /proc/$pid/task | wc -l)
echo "threads: $threads (accept, signals, main: all blocked)"
