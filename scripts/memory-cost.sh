#!/usr/bin/env bash
# forklab's resident memory while a learner reads a lesson (120x40 in
# tmux, Python code coloured), beside htop's and btop's in the same run
# (each that is installed), and what forklab's is made of, from
# /proc/PID/smaps_rollup: its own heap and stacks (anonymous), and pages
# of files (its binary, libc), shared and clean.
# Needs tmux. Usage: scripts/memory-cost.sh
# (FORKLAB_BIN=path measures that binary instead of a fresh release build.)
cd "$(dirname "$0")/.."
. scripts/reading-session.sh
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
rollup() { awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/smaps_rollup"; }
rss=$(rss_kib "$fpid"); anon=$(rollup "$fpid" Anonymous)
printf '%-8s %s resident: %s its own heap and stacks, %s pages of files (binary %s)\n' \
  forklab "$(mib "$rss")" "$(mib "$anon")" "$(mib $((rss - anon)))" "$(stat -c %s "$bin") bytes"
while read -r name pid; do
  [ -n "$name" ] && printf '%-8s %s resident\n' "$name" "$(mib "$(rss_kib "$pid")")"
done <<< "$others"
