#!/usr/bin/env bash
# The CPython interpreters (3.11 to 3.15) this machine can offer forklab's
# examples, one per line: "VERSION PROGRAM", the newest patch release of
# each minor version (and of each free-threaded build, "3.14t").
# PROGRAM runs like `python3`.
#
#   scripts/pythons.sh            finds what is there, changes nothing
#   scripts/pythons.sh --setup    also builds what is missing and can be
#                                 built (needs root, Debian's mirrors and
#                                 PyPI), so that the examples that require
#                                 packages run on every Python, not skip:
#     - Pythons 3.13, 3.14 and 3.15 from Debian unstable in a minimal
#       chroot (debootstrap), plus a free-threaded build where Debian has
#       one;
#     - there, Debian's NumPy, threadpoolctl, OpenBLAS and Dask
#       (python3-distributed) for the versions Debian builds them for
#       (3.14, 3.15), and PyPI's wheels (numpy threadpoolctl
#       'dask[distributed]', cp3XX manylinux) in /usr/local/lib/python3.X/
#       dist-packages for a version it does not (3.13): the chroot has no
#       pip, so the host's pip installs them (--target, --python-version);
#     - py-spy (a static program) from its PyPI wheel in the chroot's
#       /usr/local/bin, on every chroot Python's PATH;
#     - for each pyenv Python 3.11 to 3.15, a virtual environment in
#       $FORKLAB_VENVS (default ~/.cache/forklab/pythons/VERSION) with
#       numpy threadpoolctl py-spy 'dask[distributed]', offered before the
#       bare pyenv Python of the same version.
#
# Where they come from: 3.11 is $FORKLAB_PYTHON (e.g. a virtual
# environment), else one of the virtual environments above, else
# `python3`; 3.12 and 3.13.0 from pyenv (through those environments when
# they exist); 3.13 (newest), 3.14 and 3.15 from the chroot in
# $FORKLAB_DEBIAN_ROOT (default /work/py314, the folder's old name), each
# run through a small wrapper ($FORKLAB_DEBIAN_ROOT.bin/python3.X) that
# mounts /proc, /dev and /tmp into the chroot and starts Python there in
# the caller's working directory (which must be under /tmp, as forklab's
# runs are).
set -euo pipefail

setup=false
[[ ${1:-} == --setup ]] && setup=true

root=${FORKLAB_DEBIAN_ROOT:-${FORKLAB_PY314_ROOT:-/work/py314}}
bin="$root.bin"
venvs=${FORKLAB_VENVS:-$HOME/.cache/forklab/pythons}
# What the lessons' `requires` name, as pip installs it.
packages=(numpy threadpoolctl py-spy 'dask[distributed]')
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

# pyenv's Pythons of the versions above, as "VERSION PREFIX".
pyenv_pythons() {
  command -v pyenv >/dev/null || return 0
  local v prefix
  for v in $(pyenv versions --bare 2>/dev/null); do
    [[ " $minors " == *" ${v%.*} "* ]] || continue
    prefix=$(pyenv prefix "$v" 2>/dev/null) || continue
    [[ -x $prefix/bin/python3 ]] && echo "$v $prefix"
  done
}

# A virtual environment per pyenv Python, with the lessons' packages.
if $setup; then
  while read -r v prefix; do
    venv=$venvs/$v
    if ! "$venv/bin/python" -c 'import numpy, threadpoolctl, distributed' 2>/dev/null ||
      [[ ! -x $venv/bin/py-spy ]]; then
      echo "pythons.sh: installing ${packages[*]} for Python $v in $venv" >&2
      { [[ -x $venv/bin/python ]] || "$prefix/bin/python3" -m venv "$venv"; } &&
        "$venv/bin/python" -m pip install -q --disable-pip-version-check "${packages[@]}" >&2 ||
        echo "pythons.sh: could not install ${packages[*]} for Python $v; its examples that need them will say 'skipped'" >&2
    fi
  done < <(pyenv_pythons)
fi

# 3.11: the Python forklab would use by itself, when chosen.
[[ -n ${FORKLAB_PYTHON:-} ]] && offer "$FORKLAB_PYTHON"

# The virtual environments above, before the bare Pythons they come from
# (of two programs of one version, the first offered is kept).
for venv in "$venvs"/*/bin/python; do
  [[ -x $venv ]] && offer "$venv"
done
offer "$(command -v python3 || echo python3)"

# 3.12, 3.13 (and any other) from pyenv.
while read -r v prefix; do
  offer "$prefix/bin/python3"
done < <(pyenv_pythons)

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
  # NumPy, threadpoolctl, OpenBLAS and Dask from Debian (the chroot has
  # no pip). Debian builds its Python packages for the versions its python3
  # supports (3.14 and 3.15 in December 2026; not 3.13), and
  # libopenblas0-pthread gives NumPy a BLAS with threads that threadpoolctl
  # can see (the reference BLAS it would get otherwise has none).
  debian_packages="python3-numpy python3-threadpoolctl libopenblas0-pthread python3-distributed"
  if [[ -d $root/usr && $(id -u) == 0 ]] &&
    ! chroot "$root" dpkg -s $debian_packages >/dev/null 2>&1; then
    chroot "$root" sh -c "apt-get -o Acquire::Check-Valid-Until=false update -qq &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $debian_packages" >&2 ||
      echo "pythons.sh: could not install $debian_packages in $root" >&2
  fi
  # A Python that Debian built no NumPy for would find Debian's in
  # /usr/lib/python3/dist-packages and fail on its import (forklab then
  # says "skipped" with the reason). A .pth line drops that folder from
  # those versions' sys.path, so they see only what was built for them:
  # the wheels below, in /usr/local/lib/python3.X/dist-packages.
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
  # What a chroot Python still cannot import: PyPI's wheels for its
  # version, installed by the host's pip into its /usr/local folder.
  if [[ -d $root/usr && $(id -u) == 0 ]]; then
    for v in $chroot_minors; do
      [[ -x $root/usr/bin/python$v ]] || continue
      wheels=()
      for pair in numpy:numpy threadpoolctl:threadpoolctl distributed:'dask[distributed]'; do
        chroot "$root" "python$v" -c "import ${pair%%:*}" 2>/dev/null || wheels+=("${pair#*:}")
      done
      [[ ${#wheels[@]} == 0 ]] && continue
      echo "pythons.sh: installing PyPI's ${wheels[*]} for the chroot's Python $v" >&2
      # The host's pip would compile them for the host's Python: the
      # chroot's compiles them for itself (else every import compiles
      # them afresh where bytecode is not written).
      python3 -m pip install -q --disable-pip-version-check --upgrade --no-compile \
        --target "$root/usr/local/lib/python$v/dist-packages" \
        --python-version "$v" --implementation cp --abi "cp${v/./}" \
        --platform manylinux_2_28_x86_64 --platform manylinux2014_x86_64 \
        --only-binary=:all: "${wheels[@]}" >&2 &&
        chroot "$root" "python$v" -m compileall -q "/usr/local/lib/python$v/dist-packages" >/dev/null ||
        echo "pythons.sh: PyPI has no wheels of ${wheels[*]} for Python $v; its examples that need them will say 'skipped'" >&2
    done
  fi
  # py-spy: one static program for every Python, from its wheel.
  if [[ -d $root/usr && $(id -u) == 0 && ! -x $root/usr/local/bin/py-spy ]]; then
    spy=$(mktemp -d)
    python3 -m pip download -q --disable-pip-version-check --no-deps --only-binary=:all: \
      --platform manylinux2014_x86_64 --python-version 3.13 -d "$spy" py-spy >&2 &&
      python3 - "$spy"/py_spy-*.whl "$root/usr/local/bin/py-spy" <<'UNZIP' ||
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel:
    name = next(n for n in wheel.namelist() if n.endswith("/scripts/py-spy"))
    with wheel.open(name) as src, open(sys.argv[2], "wb") as dst:
        shutil.copyfileobj(src, dst)
UNZIP
      echo "pythons.sh: could not put py-spy in $root/usr/local/bin" >&2
    [[ -f $root/usr/local/bin/py-spy ]] && chmod 755 "$root/usr/local/bin/py-spy"
    rm -rf "$spy"
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
