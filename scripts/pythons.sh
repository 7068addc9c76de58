#!/usr/bin/env bash
# The CPython interpreters (3.11 to 3.14) this machine can offer forklab's
# examples, one per line: "VERSION PROGRAM". PROGRAM runs like `python3`.
#
#   scripts/pythons.sh            finds what is there, changes nothing
#   scripts/pythons.sh --setup    also builds what is missing and can be
#                                 built (needs root and Debian's mirrors):
#                                 Python 3.14 from Debian unstable in a
#                                 minimal chroot (debootstrap), plus its
#                                 free-threaded build if Debian has one.
#
# Where they come from: 3.11 is `python3` (or $FORKLAB_PYTHON, e.g. a
# virtual environment); 3.12 and 3.13 from pyenv; 3.14 from the chroot in
# $FORKLAB_PY314_ROOT (default /work/py314), run through a small wrapper
# ($FORKLAB_PY314_ROOT.bin/python3.14) that mounts /proc, /dev and /tmp into
# the chroot and starts Python there in the caller's working directory
# (which must be under /tmp, as forklab's runs are).
set -euo pipefail

setup=false
[[ ${1:-} == --setup ]] && setup=true

root=${FORKLAB_PY314_ROOT:-/work/py314}
bin="$root.bin"
seen=" "

# offer PROGRAM: print "VERSION PROGRAM" once per minor version, 3.11+.
offer() {
  local program=$1 version
  version=$("$program" -c 'import platform; print(platform.python_version())' 2>/dev/null) || return 0
  local minor=${version%.*}
  case $minor in 3.11 | 3.12 | 3.13 | 3.14) ;; *) return 0 ;; esac
  # A free-threaded build counts as its own version ("3.14t").
  if "$program" -c 'import sysconfig, sys; sys.exit(0 if sysconfig.get_config_var("Py_GIL_DISABLED") else 1)' 2>/dev/null; then
    minor="${minor}t"
  fi
  [[ $seen == *" $minor "* ]] && return 0
  seen="$seen$minor "
  echo "$version $program"
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
for v in 3.11 3.12 3.13 3.14 3.14t; do
  p=$(command -v "python$v" 2>/dev/null) && offer "$p"
done

# 3.14 from Debian unstable, in a chroot.
wrapper() { # wrapper NAME: a script that runs NAME inside the chroot
  local name=$1
  mkdir -p "$bin"
  cat >"$bin/$name" <<EOF
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
EOF
  chmod +x "$bin/$name"
}

if $setup && [[ ! -x $root/usr/bin/python3.14 ]]; then
  if [[ $(id -u) != 0 ]]; then
    echo "pythons.sh: setting up Python 3.14 needs root (debootstrap, chroot)" >&2
  else
    command -v debootstrap >/dev/null || apt-get install -y debootstrap >&2
    echo "pythons.sh: building a Debian unstable chroot with python3.14 in $root (minutes)" >&2
    debootstrap --variant=minbase --include=python3.14 sid "$root" http://deb.debian.org/debian >&2
  fi
fi
if $setup && [[ -x $root/usr/bin/python3.14 && ! -x $root/usr/bin/python3.14t ]]; then
  # The free-threaded build, where Debian packages it (not every snapshot does).
  chroot "$root" sh -c 'apt-get install -y python3.14-nogil' >&2 2>/dev/null ||
    echo "pythons.sh: Debian offers no python3.14-nogil package here; skipped" >&2
fi
for name in python3.14 python3.14t; do
  if [[ -x $root/usr/bin/$name ]]; then
    $setup && wrapper "$name"
    [[ -x $bin/$name ]] && offer "$bin/$name"
  fi
done
exit 0
