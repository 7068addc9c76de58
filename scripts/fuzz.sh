#!/usr/bin/env bash
# Fuzzes forklab's readers of outside bytes with cargo-fuzz (libFuzzer):
# the trace reader, the lesson reader (front matter, Markdown, check,
# render), the class server's request reader and `pack add` of an archive.
# The targets are in fuzz/ (its own workspace, outside the main build).
#
#   scripts/fuzz.sh SECONDS [TARGET...]    each target SECONDS, in turn
#
# Prints per target: runs, runs/s, coverage (edges and features), the
# corpus size, peak memory and crashes. Exits 1 if any target crashed,
# ran out of memory or timed out; the input is in fuzz/artifacts/TARGET/
# (reproduce: cargo fuzz run TARGET fuzz/artifacts/TARGET/FILE, with the
# same --sanitizer).
#
# Every input runs under -rss_limit_mb=512 and -malloc_limit_mb=512 and
# a 10 s timeout. A nightly toolchain (rustup's `nightly`) builds with
# AddressSanitizer, which is also what enforces the malloc limit; without
# one the stable toolchain builds with RUSTC_BOOTSTRAP=1 and
# `--sanitizer none` (coverage still guides the fuzzer, and the RSS limit
# still holds, but a single allocation over 512 MB is caught only once
# the process's memory grows past the limit). FUZZ_TOOLCHAIN=stable or
# nightly chooses.
#
# Seeds: fuzz/corpus/TARGET (committed: real traces recorded by forklab,
# real class requests sent by `forklab run --join`, `pack new` packs tarred
# as gnu, pax and .tar.gz) plus, for `lesson`, every lesson of the course
# (lessons/) and the test fixtures, generated here. Inputs the fuzzer finds
# are kept in fuzz/work/TARGET (not committed), so later runs start from
# them.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:?usage: scripts/fuzz.sh SECONDS [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(trace_read lesson class_request pack_archive)

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "cargo-fuzz is not installed: cargo install cargo-fuzz --locked" >&2
  exit 2
fi

toolchain=${FUZZ_TOOLCHAIN:-}
if [ -z "$toolchain" ]; then
  if rustup run nightly rustc --version >/dev/null 2>&1; then
    toolchain=nightly
  else
    toolchain=stable
  fi
fi
if [ "$toolchain" = nightly ]; then
  fuzz=(cargo +nightly fuzz)
  sanitizer=(--sanitizer address)
else
  # The toolchain rust-toolchain.toml names; libFuzzer's flags are
  # nightly-only, which RUSTC_BOOTSTRAP allows on a stable release.
  export RUSTC_BOOTSTRAP=1
  fuzz=(cargo fuzz)
  sanitizer=(--sanitizer none)
fi

# The longest input tried, per target (a real trace, lesson or pack
# archive is a few KB to a few dozen; the class server caps requests).
max_len() {
  case $1 in
    class_request) echo 16384 ;;
    *) echo 65536 ;;
  esac
}

work=${FUZZ_WORK:-fuzz/work}
mkdir -p "$work"
# Generated seeds: each lesson with a first byte choosing 80 columns
# (the target reads width and answers from it).
seeds="$work/seeds"
mkdir -p "$seeds/lesson"
for file in lessons/*.md tests/fixtures/lessons/*.md; do
  { printf 'P'; cat "$file"; } >"$seeds/lesson/$(basename "$(dirname "$file")")-$(basename "$file")"
done

echo "== building the fuzz targets ($toolchain, ${sanitizer[*]})"
start=$(date +%s)
if [ ${#targets[@]} -eq 4 ]; then
  "${fuzz[@]}" build "${sanitizer[@]}" >"$work/build.log" 2>&1 ||
    { tail -n 30 "$work/build.log" >&2; exit 1; }
else
  for target in "${targets[@]}"; do
    "${fuzz[@]}" build "${sanitizer[@]}" "$target" >"$work/build.log" 2>&1 ||
      { tail -n 30 "$work/build.log" >&2; exit 1; }
  done
fi
echo "built in $(($(date +%s) - start)) s"
# The binaries are run as built (`cargo fuzz run` would build again if a
# source changed meanwhile).
host=$(rustc -vV | sed -n 's/^host: //p')
bin="${CARGO_TARGET_DIR:-fuzz/target}/$host/release"
# What `cargo fuzz run` sets for AddressSanitizer.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_odr_violation=0}

failed=0
rows=()
for target in "${targets[@]}"; do
  mkdir -p "$work/$target" "fuzz/artifacts/$target"
  before=$(find "fuzz/artifacts/$target" -type f | wc -l)
  dirs=("$work/$target" "fuzz/corpus/$target")
  [ -d "$seeds/$target" ] && dirs+=("$seeds/$target")
  log="$work/$target.log"
  echo "== $target: ${seconds} s"
  status=0
  "$bin/$target" -artifact_prefix="fuzz/artifacts/$target/" "${dirs[@]}" \
    -max_total_time="$seconds" -rss_limit_mb=512 -malloc_limit_mb=512 -timeout=10 \
    -max_len="$(max_len "$target")" -print_final_stats=1 >"$log" 2>&1 || status=$?
  after=$(find "fuzz/artifacts/$target" -type f | wc -l)
  crashes=$((after - before))
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -n 1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  corp=$(sed -n 's/.* corp: \([0-9]*\/[0-9]*[a-zA-Z]*\).*/\1/p' <<<"$last")
  if [ "$status" -ne 0 ]; then
    failed=1
    [ "$crashes" -gt 0 ] || crashes="? (exit $status)"
    echo "$target FAILED: see $log" >&2
    grep -E 'panicked|ERROR: libFuzzer|SUMMARY|Test unit written' "$log" | head -n 8 >&2 || true
  fi
  rows+=("$(printf '%-14s %6s %10s %8s %6s %7s %12s %7s %s' "$target" "$seconds" \
    "${runs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "${corp:-?}" "${rss:-?}" "$crashes")")
done

echo
printf '%-14s %6s %10s %8s %6s %7s %12s %7s %s\n' target seconds runs "runs/s" cov ft corpus "rss MB" crashes
printf '%s\n' "${rows[@]}"
exit "$failed"
