#!/usr/bin/env bash
# Every figure of docs/PERFORMANCE.md, regenerated: each section prints the
# command that measures it and its output, under one header with the date,
# the machine and its load, and the commit. Benches and scripts print
# figures and assert nothing; a section whose tool is missing says so and
# the rest go on.
#
#   scripts/figures.sh                 every section (an hour or more)
#   scripts/figures.sh build idle      only those sections
#   scripts/figures.sh --list          the sections
#
# Sections needing more than Rust: idle, memory, lab-tui, replay (tmux),
# first-frame, open, lab, practice, contain (python3), dask (a Python with
# Dask in FORKLAB_PYTHON). A release build is made first; FORKLAB_BIN=path
# measures that binary instead where a script takes one.
set -uo pipefail
cd "$(dirname "$0")/.."

sections=(build idle memory first-frame startup frame open lab-startup lab lab-tui
  practice class class-idle replay trace contain dask)
if [ "${1:-}" = "--list" ]; then printf '%s\n' "${sections[@]}"; exit 0; fi
wanted=("$@")
[ ${#wanted[@]} -gt 0 ] || wanted=("${sections[@]}")

run() {
  echo
  echo "\$ $*"
  "$@" 2>&1 || echo "(exit status $?)"
}

section() {
  case $1 in
    build)
      run cargo build --release --locked --quiet
      echo "release binary: $(stat -c %s target/release/forklab) bytes"
      echo "crates in the tree (cargo tree | wc -l): $(cargo tree --locked | wc -l)"
      echo "crates in the shipped binary's tree (cargo tree -e normal --prefix none | sort -u | wc -l): $(cargo tree --locked -e normal --prefix none | sort -u | wc -l)"
      echo "(a clean release build's time: rm -rf a copy's target, then time cargo build --release)"
      ;;
    idle) run scripts/idle-cost.sh 30 ;;
    memory) run scripts/memory-cost.sh ;;
    first-frame) run scripts/compare-first-frame.sh 20 ;;
    startup) run cargo bench --bench startup ;;
    frame) run cargo bench --bench frame ;;
    open) run python3 scripts/open-cost.py ;;
    lab-startup) run cargo bench --bench lab_startup ;;
    lab) run scripts/lab-figures.sh ;;
    lab-tui) run scripts/lab-efficiency-tui.sh ;;
    practice) run cargo bench --bench practice_loop ;;
    class) run cargo bench --bench class_load ;;
    class-idle) run scripts/class-cost.sh 10 ;;
    replay) run scripts/replay-idle-cost.sh 20 ;;
    trace) run cargo run --release --quiet --example trace_size ;;
    contain) run scripts/contain-figures.sh 6 ;;
    dask)
      if [ -n "${FORKLAB_PYTHON:-}" ] && "$FORKLAB_PYTHON" -c 'import distributed' 2>/dev/null; then
        run scripts/dask-figures.sh
      else
        echo "(dask: skipped, FORKLAB_PYTHON names no Python with Dask)"
      fi
      ;;
    *) echo "no section $1 (scripts/figures.sh --list)" >&2; return 2 ;;
  esac
}

echo "# forklab figures, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) cores, $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)," \
  "$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), Linux $(uname -r)"
echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with changes)')"
echo "rustc: $(rustc --version)"
for s in "${wanted[@]}"; do
  echo
  echo "## $s (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  section "$s"
done
