#!/usr/bin/env bash
# Launch to first frame of forklab beside htop, btop and bottom (btm),
# measured the same way for each in a 120x40 pseudo-terminal: from the
# fork until a text of the program's first frame has arrived (its header:
# "forklab │", "Load average", "cpu", "CPU") and the burst of output
# carrying it has ended (no byte for 20 ms). Measures whichever of the three are installed and says
# which are missing. Needs python3 (for the pty); builds forklab --release.
# Usage: scripts/compare-first-frame.sh [RUNS]
# (FORKLAB_BIN=path measures that binary instead of a fresh release build.)
#
# `cargo bench --bench startup` measures forklab alone more precisely (to
# its header on a parsed screen); this script gives the comparison.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
command -v python3 >/dev/null || { echo "compare-first-frame.sh needs python3" >&2; exit 1; }
if [ -z "${FORKLAB_BIN:-}" ]; then
  cargo build --release --quiet
  FORKLAB_BIN=./target/release/forklab
fi
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT

tools=("forklab=$FORKLAB_BIN=forklab │")
declare -A marker=([htop]="Load average" [btop]="cpu" [btm]="CPU")
for tool in htop btop btm; do
  if command -v "$tool" >/dev/null; then
    tools+=("$tool=$(command -v "$tool")=${marker[$tool]}")
  else
    echo "not installed, not measured: $tool"
  fi
done

FORKLAB_HOME="$home" HOME="$home" python3 - "$runs" "${tools[@]}" <<'PY'
import fcntl, os, pty, select, signal, statistics, struct, sys, termios, time

QUIET = 0.02      # the first frame has ended after this long without output
DEADLINE = 10.0   # a program that draws nothing by then is reported as such

def first_frame(argv, marker):
    """Seconds from fork to the first byte, and to the end of the burst
    that carried `marker`; and the bytes read until then."""
    t0 = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        os.environ["TERM"] = "xterm-256color"
        os.execv(argv[0], argv)
    first = last = None
    seen = b""
    try:
        while True:
            now = time.perf_counter()
            if now - t0 > DEADLINE:
                break
            wait = QUIET if marker in seen else DEADLINE
            ready, _, _ = select.select([fd], [], [], wait)
            if not ready:
                break  # quiet after output: the first frame is complete
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            if not data:
                break
            last = time.perf_counter()
            first = first or last
            seen += data
    finally:
        try:
            os.write(fd, b"q")
        except OSError:
            pass
        deadline = time.time() + 2
        reaped = False
        while not reaped and time.time() < deadline:
            reaped = os.waitpid(pid, os.WNOHANG) != (0, 0)
            if not reaped:
                time.sleep(0.01)
        if not reaped:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)
    if marker not in seen:
        return None
    return (first - t0, last - t0, len(seen))

runs = int(sys.argv[1])
print(f"launch to the end of the first frame, 120x40 pty, {runs} runs each (ms):")
print(f"{'program':<10} {'median':>8} {'min':>8} {'max':>8} {'bytes':>8}   first byte (median)")
for spec in sys.argv[2:]:
    name, path, marker = spec.split("=", 2)
    marker = marker.encode()
    first_frame([path], marker)  # warm the page cache
    times = [first_frame([path], marker) for _ in range(runs)]
    ends = sorted(t[1] * 1000 for t in times if t)
    starts = sorted(t[0] * 1000 for t in times if t)
    sizes = sorted(t[2] for t in times if t)
    if not ends:
        print(f"{name:<10} never showed {marker!r} within {DEADLINE:.0f} s")
        continue
    print(f"{name:<10} {statistics.median(ends):8.1f} {ends[0]:8.1f} {ends[-1]:8.1f} {statistics.median(sizes):8.0f}   {statistics.median(starts):.1f}")
print(f"load average: {open('/proc/loadavg').read().split()[:3]}")
PY
