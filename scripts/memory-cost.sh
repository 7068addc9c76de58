#!/usr/bin/env bash
# forklab's resident memory while a learner reads a lesson (120x40 in
# tmux, Python code coloured), beside htop's and btop's in the same run
# (each that is installed), and what forklab's is made of, from
# /proc/PID/smaps, by mapping: its binary's code (r-xp) and read-only data
# (r--p: constants, the embedded course, unwind tables), the shared
# libraries (libc, the loader), and its own heap, stacks and other
# anonymous memory.
# Needs tmux. Usage: scripts/memory-cost.sh
# (FORKLAB_BIN=path measures that binary instead of a fresh release build.)
cd "$(dirname "$0")/.."
. scripts/reading-session.sh
mib() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }
rss=$(rss_kib "$fpid")
printf '%-8s %s resident (binary %s bytes, its code %s bytes)\n' \
  forklab "$(mib "$rss")" "$(stat -c %s "$bin")" \
  "$(size -A "$bin" 2>/dev/null | awk '$1 == ".text" { print $2 }')"
# Rss per kind of mapping, in KiB.
awk -v bin="$bin" '
  /^[0-9a-f]+-[0-9a-f]+ / {
    perms = $2; file = $6
    if (file == bin && perms ~ /x/) kind = "its code"
    else if (file == bin) kind = "its data (constants, the embedded course, unwind tables)"
    else if (file ~ /^\//) kind = "shared libraries (libc, loader)"
    else kind = "heap, stacks, other anonymous"
    next
  }
  /^Rss:/ { kib[kind] += $2 }
  END { for (k in kib) printf "%8d KiB  %s\n", kib[k], k }
' "/proc/$fpid/smaps" | sort -rn | while read -r kib rest; do
  printf '         %s  %s\n' "$(mib "$kib")" "${rest#KiB  }"
done
echo "         threads: $(ls "/proc/$fpid/task" | wc -l)"
# build.rs has the linker put these functions together (scripts/reader-symbols.sh).
if names=$(nm "$bin" 2>/dev/null | awk '{ print $NF }' | LC_ALL=C sort -u) && [ -n "$names" ]; then
  echo "         build/reader-symbols.txt: $(LC_ALL=C comm -12 <(echo "$names") <(LC_ALL=C sort -u build/reader-symbols.txt) | wc -l)" \
    "of its $(wc -l < build/reader-symbols.txt) names are in this binary"
fi
while read -r name pid; do
  [ -n "$name" ] && printf '%-8s %s resident\n' "$name" "$(mib "$(rss_kib "$pid")")"
done <<< "$others"
