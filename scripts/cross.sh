#!/usr/bin/env bash
# forklab on other machines, from this x86_64 Linux one, in the Debian
# unstable chroot (scripts/pythons.sh makes it; $FORKLAB_DEBIAN_ROOT,
# default /work/py314) with its rustc (1.97, rust-src), gcc for aarch64
# and qemu-user. Needs root (chroot, bind mounts in a private mount
# namespace: nothing stays mounted after it ends).
#
#   scripts/cross.sh              aarch64 Linux: builds the binary and the
#                                 unit tests, runs headless commands and
#                                 the unit tests under qemu-aarch64
#   scripts/cross.sh check-macos  cargo check for aarch64-apple-darwin and
#                                 x86_64-apple-darwin (std built from
#                                 rust-src: RUSTC_BOOTSTRAP=1, -Zbuild-std)
#   scripts/cross.sh wheel        the aarch64 manylinux2014 wheel: maturin
#                                 and zig from scripts/wheel.sh's venv, run
#                                 in the chroot with its rustc (-Zbuild-std);
#                                 maturin audits it; its binary is run
#                                 under qemu (scripts/wheel.sh aarch64 calls
#                                 this when rustup has no aarch64 std)
#   scripts/cross.sh wheel-check  the checks of `wheel` on the newest
#                                 aarch64 wheel in target/wheels, no build:
#                                 the GLIBC symbol versions its binary
#                                 needs (2.17 at most), then under qemu
#                                 `--version`, `lessons` and, with an
#                                 aarch64 Python, `example run pool-sum`
#                                 and a headless lab run on that Python
#   scripts/cross.sh --setup ...  installs the chroot's tools first
#                                 (apt-get), and Debian's aarch64 Python
#                                 unpacked (dpkg -x) in $root/opt/forklab-arm64
#
# Exit status: 0 all passed, 1 something failed, 77 the tools are not
# there (a CI that lacks them skips visibly).
#
# $FORKLAB_CROSS_TARGET: a folder for the aarch64 and macOS builds
# (default target/cross in the repository), so a CI that clones afresh
# keeps them warm between runs (a cold aarch64 build and its tests take
# 25 to 40 minutes on two busy cores; a warm one, minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

setup=false
if [[ ${1:-} == --setup ]]; then
  setup=true
  shift
fi
mode=${1:-aarch64}
case $mode in
  aarch64 | check-macos | wheel | wheel-check) ;;
  *)
    echo "usage: scripts/cross.sh [--setup] [aarch64|check-macos|wheel|wheel-check]" >&2
    exit 2
    ;;
esac

root=${FORKLAB_DEBIAN_ROOT:-${FORKLAB_PY314_ROOT:-/work/py314}}
packages="rustc cargo rust-src gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user ca-certificates"

skip() {
  echo "cross: skipped: $*" >&2
  exit 77
}

[[ $(id -u) == 0 ]] || skip "needs root (chroot and mounts)"
[[ -x $root/bin/sh ]] || skip "no Debian chroot at $root (scripts/pythons.sh --setup makes one)"

# Debian's own aarch64 Python (and the libc it was built for) unpacked
# under $arm64_root, not installed: apt-get downloads the packages with a
# package list of its own (the chroot's dpkg and its lists are left as
# they are), dpkg -x unpacks them. qemu finds the loader and the
# libraries there (QEMU_LD_PREFIX), so the wheel's forklab runs an
# aarch64 Python whose workers are aarch64 processes too.
arm64_root=/opt/forklab-arm64
setup_arm64_python() {
  echo "== Debian's aarch64 Python, unpacked in $root$arm64_root"
  chroot "$root" sh -ec '
    d=/var/cache/forklab-arm64
    rm -rf "$d" "$1" && mkdir -p "$d/lists/partial" "$d/archives/partial" "$d/debs" "$1"
    o="-o Dir::State::Lists=$d/lists -o Dir::Cache=$d -o APT::Architecture=arm64"
    o="$o -o APT::Architectures::=arm64 -o Acquire::Languages=none -o Acquire::Check-Valid-Until=false"
    apt-get $o update -qq
    py=$(apt-cache $o depends python3-minimal | sed -n "s/.*Depends: \(python3\.[0-9]*\)-minimal.*/\1/p" | head -1)
    cd "$d/debs"
    apt-get $o download -qq "$py-minimal" "lib$py-minimal" "lib$py-stdlib" libc6 libexpat1 zlib1g \
      libssl3t64 libffi8 libbz2-1.0 liblzma5 libzstd1 2>/dev/null
    for deb in *.deb; do dpkg -x "$deb" "$1"; done
    ln -s usr/lib "$1/lib"
    ln -s "$py" "$1/usr/bin/python3"
    rm -rf "$d/lists" "$d"/*.bin
  ' setup "$arm64_root"
}

if $setup; then
  echo "== apt-get install in $root: $packages"
  chroot "$root" apt-get -o Acquire::Check-Valid-Until=false update -qq
  # shellcheck disable=SC2086
  chroot "$root" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends $packages >/dev/null
  setup_arm64_python
fi
for tool in cargo rustc aarch64-linux-gnu-gcc qemu-aarch64; do
  [[ -x $root/usr/bin/$tool ]] || skip "$tool missing in $root (scripts/cross.sh --setup installs it)"
done
[[ -d $root/usr/lib/rustlib/src/rust/library ]] || skip "rust-src missing in $root"

# cargo in the chroot fetches crates with this machine's CA bundle, and
# shares this machine's download cache.
cargo_home=${CARGO_HOME:-$HOME/.cargo}
mkdir -p "$cargo_home/registry" "$root/root/.cargo/registry" "$root/mnt/forklab" "$root/etc/ssl/certs"
for bundle in /etc/ssl/certs/ca-certificates.crt /etc/pki/tls/certs/ca-bundle.crt; do
  if [[ -f $bundle ]]; then
    cp "$bundle" "$root/etc/ssl/certs/host-ca.crt"
    break
  fi
done

# in_chroot SCRIPT: runs SCRIPT with sh in the chroot, in the repository
# (mounted at /mnt/forklab), with its own target folder ($cross_target,
# default target/cross, or $FORKLAB_CROSS_TARGET mounted at
# /mnt/forklab-target). With $wheel_venv set, that venv (maturin, zig:
# static programs) is mounted at the same path and its tools are on PATH.
# A user namespace of its own holds the mounts and a binfmt_misc entry
# (Linux 6.7 on) that runs aarch64 programs with qemu, so a binary that
# starts copies of itself (the lab's workers, the guard) works under
# emulation; nothing is registered or mounted for the rest of the machine.
in_chroot() {
  unshare --user --map-root-user --mount --propagation private sh -c '
    set -e
    mount --bind "$1" "$2/mnt/forklab"
    mount --bind "$3" "$2/root/.cargo/registry"
    if [ -n "$9" ]; then
      mkdir -p "$2/mnt/forklab-target"
      mount --bind "$9" "$2/mnt/forklab-target"
    fi
    if [ -n "$6" ]; then
      mkdir -p "$2/opt/forklab-wheel"
      mount --bind "$6" "$2/opt/forklab-wheel"
    fi
    if mount -t binfmt_misc binfmt_misc "$2/proc/sys/fs/binfmt_misc" 2>/dev/null; then
      chroot "$2" sh -c "printf %s \"$5\" > /proc/sys/fs/binfmt_misc/register" || true
    fi
    exec chroot "$2" env -i PATH="$7/usr/bin:/bin" HOME=/root TERM=dumb \
      RUSTC_BOOTSTRAP=1 CARGO_HTTP_CAINFO=/etc/ssl/certs/host-ca.crt \
      CARGO_TARGET_DIR="$8" CARGO_TERM_COLOR=never \
      CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \
      "CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER=qemu-aarch64" \
      QEMU_LD_PREFIX=/usr/aarch64-linux-gnu \
      sh -c "cd /mnt/forklab && $4"
  ' in_chroot "$repo" "$root" "$cargo_home/registry" "$1" "$binfmt" \
    "${wheel_venv:-}" "${wheel_path:-}" "$cross_target" "$cross_mount"
}

cross_target=/mnt/forklab/target/cross
cross_mount=${FORKLAB_CROSS_TARGET:-}
if [[ -n $cross_mount ]]; then
  mkdir -p "$cross_mount"
  cross_mount=$(cd "$cross_mount" && pwd)
  cross_target=/mnt/forklab-target
fi

# qemu's own binfmt_misc line for aarch64 ELF programs, F: the emulator is
# opened when registered, so it is found inside the chroot.
binfmt=':forklab-aarch64:M::\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:/usr/bin/qemu-aarch64:F'

# std is built from rust-src; panic_abort too, for the test harness.
build_std="-Zbuild-std=std,panic_abort"
started=$SECONDS
minutes() { awk -v s=$((SECONDS - started)) 'BEGIN { printf "%.1f min", s / 60 }'; }

if [[ $mode == wheel ]]; then
  wheel_venv=${FORKLAB_WHEEL_VENV:-$HOME/.cache/forklab/venv-wheel}
  zig_dir=$(echo "$wheel_venv"/lib/python3*/site-packages/ziglang)
  [[ -x $wheel_venv/bin/maturin && -x $zig_dir/zig ]] ||
    skip "no maturin and zig in $wheel_venv (scripts/wheel.sh installs them)"
  # The chroot sees the venv at /opt/forklab-wheel: its maturin and zig.
  wheel_path="/opt/forklab-wheel/bin:/opt/forklab-wheel/${zig_dir#"$wheel_venv"/}:"
  # $FORKLAB_CROSS_TARGET (the release profile's folder there, apart from
  # the tests' debug one), else its own folder in target/.
  if [[ -z $cross_mount ]]; then
    cross_target=/mnt/forklab/target/cross-wheel
  fi
  target=aarch64-unknown-linux-gnu
  echo "== $target: maturin build --release --zig --compatibility manylinux2014 $build_std"
  # zig links (against glibc 2.17's symbols), not the chroot's gcc, whose
  # glibc is new: the linker set for the other modes is unset here.
  in_chroot "unset CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER; \
    maturin build --locked --release --zig --compatibility manylinux2014 \
    --target $target $build_std --out /mnt/forklab/target/wheels"
  echo "== $target: wheel built ($(minutes))"
  mode=wheel-check
  wheel_path=
fi

if [[ $mode == wheel-check ]]; then
  wheel=$(ls -t target/wheels/forklab-*-manylinux*aarch64.whl 2>/dev/null | head -1) || true
  [[ -n $wheel ]] || { echo "cross: no aarch64 wheel in target/wheels (scripts/cross.sh wheel builds one)" >&2; exit 1; }
  echo "$(du -k "$wheel" | cut -f1) KiB  $wheel"
  # The binary from the wheel itself, under qemu.
  rm -rf target/cross-wheel/unpacked && mkdir -p target/cross-wheel/unpacked
  python3 -m zipfile -e "$wheel" target/cross-wheel/unpacked
  unpacked=$(ls target/cross-wheel/unpacked/*.data/scripts/forklab)
  chmod +x "$unpacked"
  echo "$(du -k "$unpacked" | cut -f1) KiB  $unpacked (unpacked)"
  bin=/mnt/forklab/$unpacked
  fail=0
  # The glibc symbol versions the binary needs (maturin's audit refused
  # anything past manylinux2014's 2.17 already; this shows them).
  versions=$(in_chroot "aarch64-linux-gnu-objdump -T $bin" | grep -o 'GLIBC_[0-9.]*' | sort -V | uniq -c)
  highest=$(printf '%s\n' "$versions" | tail -1 | awk '{print $2}')
  echo "glibc symbols:" $versions "(count, version); highest: $highest"
  if [[ $(printf '%s\n%s\n' "$highest" GLIBC_2.17 | sort -V | tail -1) != GLIBC_2.17 ]]; then
    echo "FAIL the wheel's binary needs $highest, past manylinux2014's GLIBC_2.17" >&2
    fail=1
  fi
  # Debian's aarch64 libc (and Python) where --setup unpacked them, else
  # the cross libc.
  prefix=/usr/aarch64-linux-gnu
  python=
  if [[ -x $root$arm64_root/usr/bin/python3 ]]; then
    prefix=$arm64_root
    python=$arm64_root/usr/bin/python3
  fi
  wheel_run() {
    local shown=$*
    if out=$(in_chroot "QEMU_LD_PREFIX=$prefix FORKLAB_HOME=/tmp/forklab-cross-home qemu-aarch64 $bin $shown" 2>&1); then
      echo "ok   wheel's forklab $shown: $(printf '%s' "$out" | head -1)"
      printf '%s\n' "$out" | sed -n '2,12s/^/     /p'
    else
      echo "FAIL wheel's forklab $shown" >&2
      printf '%s\n' "$out" | tail -20 >&2
      fail=1
    fi
  }
  wheel_run --version
  wheel_run lessons
  if [[ -n $python ]]; then
    echo "== with Debian's aarch64 Python: $(in_chroot "QEMU_LD_PREFIX=$prefix qemu-aarch64 $python -c 'import platform, sys; print(sys.version.split()[0], platform.machine())'")"
    wheel_run example run pool-sum --python $python
    wheel_run run --engine python --python $python --workers 1,2 --tasks 8 --task-size 20000 --repeat 1
  else
    echo "cross: skipped the Python runs: no aarch64 Python at $root$arm64_root (scripts/cross.sh --setup unpacks Debian's)" >&2
  fi
  exit $fail
fi

if [[ $mode == check-macos ]]; then
  status=0
  for target in aarch64-apple-darwin x86_64-apple-darwin; do
    echo "== cargo check --target $target"
    if in_chroot "cargo check --locked --target $target $build_std --lib --bins"; then
      echo "== $target: checked ($(minutes) so far)"
    else
      echo "== $target: FAILED" >&2
      status=1
    fi
  done
  exit $status
fi

target=aarch64-unknown-linux-gnu
echo "== cargo build --target $target"
in_chroot "cargo build --locked --target $target $build_std --bin forklab"
echo "== built ($(minutes))"
bin=$cross_target/$target/debug/forklab
# What the binary says about itself, under qemu: each command must succeed.
fail=0
run() {
  local shown=$*
  if out=$(in_chroot "FORKLAB_HOME=/tmp/forklab-cross-home qemu-aarch64 $bin $shown" 2>&1); then
    echo "ok   forklab $shown: $(printf '%s' "$out" | head -1)"
  else
    echo "FAIL forklab $shown" >&2
    printf '%s\n' "$out" | tail -20 >&2
    fail=1
  fi
}
run --version
run lessons
run check --no-run
run config
run run --engine forklab --workers 2 --tasks 40 --task-size 20000
run run --engine forklab --workers 2 --tasks 40 --task-size 20000 --start-method forkserver

echo "== cargo test --lib --target $target (under qemu-aarch64)"
if in_chroot "cargo test --locked --target $target $build_std --lib -- --test-threads 2"; then
  echo "== unit tests passed under qemu ($(minutes))"
else
  echo "== unit tests FAILED under qemu" >&2
  fail=1
fi
exit $fail
