#!/usr/bin/env bash
# Builds forklab's wheels (the binary as a Python package, pyproject.toml)
# into target/wheels, so `pip install`, `pipx install` and `uv tool
# install` put `forklab` on PATH.
#
#   scripts/wheel.sh              the x86_64 manylinux2014 wheel
#   scripts/wheel.sh aarch64      also aarch64: with rustup's aarch64 std where
#                                 installed, else in the Debian chroot
#                                 (scripts/cross.sh wheel: its rustc builds
#                                 std from rust-src; zig links; maturin
#                                 audits; the wheel's binary runs under qemu)
#
# maturin and ziglang come from PyPI into a venv of their own
# ($FORKLAB_WHEEL_VENV, default ~/.cache/forklab/venv-wheel). zig links
# against glibc 2.17's symbols, and maturin audits the result
# (`--compatibility manylinux2014` refuses a binary that needs more), so
# the wheel runs on any Linux with glibc 2.17 or newer, not only this one.
# The release profile is fat LTO: a cold build takes minutes (see docs/PERFORMANCE.md).
set -euo pipefail
cd "$(dirname "$0")/.."

venv=${FORKLAB_WHEEL_VENV:-$HOME/.cache/forklab/venv-wheel}
if ! "$venv/bin/maturin" --version >/dev/null 2>&1 || ! "$venv/bin/python" -m ziglang version >/dev/null 2>&1; then
  rm -rf "$venv"
  python3 -m venv "$venv" || { echo "cannot create a venv at $venv (python3 -m venv)" >&2; exit 1; }
  "$venv/bin/python" -m pip install --quiet "maturin>=1.7,<2" ziglang ||
    { echo "cannot install maturin and ziglang into $venv" >&2; exit 1; }
fi
# maturin finds zig as `python -m ziglang` with the venv's Python first on PATH.
export PATH="$venv/bin:$PATH"
out=$PWD/target/wheels
mkdir -p "$out"

targets=(x86_64-unknown-linux-gnu)
aarch64_in_chroot=false
case ${1:-} in
  "" | aarch64) ;;
  aarch64-only) targets=() ;;
  *)
    echo "usage: scripts/wheel.sh [aarch64|aarch64-only]" >&2
    exit 2
    ;;
esac
if [ "${1:-}" = aarch64 ] || [ "${1:-}" = aarch64-only ]; then
  if rustup target list --installed 2>/dev/null | grep -qx aarch64-unknown-linux-gnu; then
    targets+=(aarch64-unknown-linux-gnu)
  else
    aarch64_in_chroot=true
  fi
fi

for target in "${targets[@]+"${targets[@]}"}"; do
  echo "== $target: maturin build --release --zig --compatibility manylinux2014"
  start=$(date +%s)
  maturin build --release --zig --compatibility manylinux2014 \
    --target "$target" --out "$out"
  echo "== $target: built in $(( $(date +%s) - start )) s"
done
if $aarch64_in_chroot; then
  echo "== aarch64-unknown-linux-gnu: no rustup std for it; in the Debian chroot (scripts/cross.sh wheel)"
  # Its release build in ~/.cache, kept warm across clones and worktrees;
  # 77: the chroot's tools are not here (cross.sh said why): skipped.
  FORKLAB_CROSS_TARGET=${FORKLAB_CROSS_TARGET:-$HOME/.cache/forklab/cross-target} \
    FORKLAB_WHEEL_VENV=$venv bash scripts/cross.sh wheel || { status=$?; [ "$status" = 77 ] || exit "$status"; }
fi
for wheel in "$out"/forklab-*.whl; do
  [ -e "$wheel" ] || continue
  echo "$(du -k "$wheel" | cut -f1) KiB  $wheel"
done
