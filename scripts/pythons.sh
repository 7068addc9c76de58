#!/usr/bin/env bash
# The CPython interpreters (3.11 to 3.15) this machine can offer forklab's
# examples, one per line: "VERSION PROGRAM", the newest patch release of
# each minor version (and of each free-threaded build, "3.14t").
# PROGRAM runs like `python3`.
#
#   scripts/pythons.sh            finds what is there, changes nothing
#   scripts/pythons.sh --setup    also builds what is missing and can be
#                                 built (needs root and Debian's mirrors):
#                                 Pythons 3.13, 3.14 and 3.15 from Debian
#                                 unstable in a minimal chroot
#                                 (debootstrap), plus a free-threaded build
#                                 where Debian has one, and Debian's NumPy,
#                                 threadpoolctl and OpenBLAS (for 3.14, 3.15).
#
# Where they come from: 3.11 is `python3` (or $FORKLAB_PYTHON, e.g. a
# virtual environment); 3.12 and 3.13.0 from pyenv; 3.13 (newest), 3.14
# and 3.15 from the chroot in $FORKLAB_DEBIAN_ROOT (default /work/py314, the
# folder's old name), each run through a small wrapper
# ($FORKLAB_DEBIAN_ROOT.bin/python3.X) that mounts /proc, /dev and /tmp into
# the chroot and starts Python there in the caller's working directory
# (which must be under /tmp, as forklab's runs are).
set -euo pipefail

setup=false
[[ ${1:-} == --setup ]] && setup=true

root=${FORKLAB_DEBIAN_ROOT:-${FORKLAB_PY314_ROOT:-/work/py314}}
bin="$root.bin"
minors="3.11 3.12 3.13 3.14 3.15"
chroot_minors="3.13 3.14 3.15"
declare -A best_version best_program
order=""

# offer PROGRAM: keep it if it is the newest patch release of its minor
# version seen so far.
offer() {
  local program=$1 version
  version=$("$program" -c 'import platform; print(platform.python_version())' 2>/dev/null) || return 0
  local minor=${version%.*}
  [[ " $minors " == *" $minor "* ]] || return 0
  # A free-threaded build counts as its own version ("3.14t").
  if "$program" -c 'import sysconfig, sys; sys.exit(0 if sysconfig.get_config_var("Py_GIL_DISABLED") else 1)' 2>/dev/null; then
    minor="${minor}t"
  fi
  local old=${best_version[$minor]:-}
  if [[ -z $old ]]; then
    order="$order $minor"
  elif [[ $(printf '%s\n%s\n' "$old" "$version" | sort -V | tail -1) == "$old" ]]; then
    return 0
  fi
  best_version[$minor]=$version
  best_program[$minor]=$program
}

# 3.11: the Python forklab would use by itself.
offer "${FORKLAB_PYTHON:-$(command -v python3 || echo python3)}"

# 3.12, 3.13 (and any other) from pyenv.
if command -v pyenv >/dev/null; then
  for v in $(pyenv versions --bare 2>/dev/null); do
    prefix=$(pyenv prefix "$v" 2>/dev/null) || continue
    [[ -x $prefix/bin/python3 ]] && offer "$prefix/bin/python3"
  done
fi

# Anything on PATH named python3.1X.
for v in $minors; do
  for name in "python$v" "python${v}t"; do
    p=$(command -v "$name" 2>/dev/null) && offer "$p"
  done
done

# 3.13 to 3.15 from Debian unstable, in a chroot.
wrapper() { # wrapper NAME: a script that runs NAME inside the chroot
  local name=$1
  mkdir -p "$bin"
  cat >"$bin/$name" <<WRAP
#!/bin/sh
# Runs $name inside the Debian chroot $root, in the caller's folder when
# it is under /tmp (where forklab runs scripts), else in /tmp: only /proc,
# /dev and /tmp are shared with the chroot. Made by scripts/pythons.sh --setup.
root=$root
for d in proc dev tmp; do
  mkdir -p "\$root/\$d"
  mountpoint -q "\$root/\$d" && continue
  case \$d in
    proc) mount -t proc proc "\$root/proc" ;;
    *) mount --rbind "/\$d" "\$root/\$d" ;;
  esac || { echo "cannot mount /\$d into \$root (needs root)" >&2; exit 126; }
done
exec chroot "\$root" /bin/sh -c 'cd "\$0" 2>/dev/null || cd /tmp; exec $name "\$@"' "\$PWD" "\$@"
WRAP
  chmod +x "$bin/$name"
}

if $setup; then
  wanted=""
  for v in $chroot_minors; do [[ -x $root/usr/bin/python$v ]] || wanted="$wanted,python$v"; done
  if [[ -n $wanted && $(id -u) != 0 ]]; then
    echo "pythons.sh: setting up Pythons $chroot_minors needs root (debootstrap, chroot)" >&2
  elif [[ -n $wanted && ! -d $root/usr ]]; then
    command -v debootstrap >/dev/null || apt-get install -y debootstrap >&2
    echo "pythons.sh: building a Debian unstable chroot with${wanted//,/ } in $root (minutes)" >&2
    debootstrap --variant=minbase --include="${wanted#,}" sid "$root" http://deb.debian.org/debian >&2
  elif [[ -n $wanted ]]; then
    # The archive's Release file may be past its date: accept it.
    chroot "$root" sh -c "apt-get -o Acquire::Check-Valid-Until=false update -qq &&
      apt-get install -y -qq ${wanted//,/ }" >&2
  fi
  # NumPy, threadpoolctl and OpenBLAS for the lessons' NumPy examples
  # (the chroot has no pip). Debian builds python3-numpy for the versions
  # its python3 supports (3.14 and 3.15 in December 2026; not 3.13), and
  # libopenblas0-pthread gives NumPy a BLAS with threads that threadpoolctl
  # can see (the reference BLAS it would get otherwise has none).
  if [[ -d $root/usr && $(id -u) == 0 && ! -d $root/usr/lib/python3/dist-packages/numpy ]]; then
    chroot "$root" sh -c "apt-get -o Acquire::Check-Valid-Until=false update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-numpy python3-threadpoolctl libopenblas0-pthread" >&2 ||
      echo "pythons.sh: could not install NumPy in $root; its NumPy examples will say 'skipped'" >&2
  fi
  # A Python that Debian built no NumPy for would still find the package in
  # /usr/lib/python3/dist-packages and fail on its import (forklab looks
  # modules up, it does not import them). A .pth line drops that folder from
  # those versions' sys.path, so their NumPy examples say "skipped: needs
  # numpy" instead.
  numpy_core=$root/usr/lib/python3/dist-packages/numpy/_core
  if [[ -d $numpy_core ]]; then
    without=""
    for v in $chroot_minors; do
      compgen -G "$numpy_core/_multiarray_umath.cpython-${v/./}-*.so" >/dev/null ||
        without="$without, (${v/./, })"
    done
    pth=$root/usr/lib/python3/dist-packages/forklab-no-numpy-here.pth
    rm -f "$root/usr/lib/python3/dist-packages/forklab-not-for-3.13.pth"
    if [[ -n $without ]]; then
      echo "import sys; sys.version_info[:2] in [${without#, }] and '/usr/lib/python3/dist-packages' in sys.path and sys.path.remove('/usr/lib/python3/dist-packages')" >"$pth"
    else
      rm -f "$pth"
    fi
  fi
  for v in $chroot_minors; do
    # The free-threaded build, where Debian packages it (not every snapshot does).
    if [[ -x $root/usr/bin/python$v && ! -x $root/usr/bin/python${v}t ]]; then
      chroot "$root" sh -c "apt-get install -y -qq python$v-nogil" >/dev/null 2>&1 ||
        echo "pythons.sh: Debian offers no python$v-nogil package here; skipped" >&2
    fi
  done
fi
for v in $chroot_minors; do
  for name in "python$v" "python${v}t"; do
    if [[ -x $root/usr/bin/$name ]]; then
      $setup && wrapper "$name"
      [[ -x $bin/$name ]] && offer "$bin/$name"
    fi
  done
done
for minor in $order; do
  echo "${best_version[$minor]} ${best_program[$minor]}"
done
exit 0
