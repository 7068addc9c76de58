#!/usr/bin/env python3
"""Time and memory for forklab to open a course, in a real pseudo-terminal.

Opens three courses in turn: the built-in one, a generated 100-lesson pack
and a generated pack holding one 5 MB lesson. For each it prints the time
from start until the first lesson's title is on screen, then, once its
resident memory has not changed for a second (the colours computed on
a background thread have arrived and been drawn), forklab's
resident memory (VmRSS) and its peak (VmHWM), read from /proc. Standard library
only; Linux only.

Usage: scripts/open-cost.py [FORKLAB_BINARY]   (default: target/release/forklab,
built first with `cargo build --release` when no binary is given)
"""
import os, pty, select, signal, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PARAGRAPH = (
    "A pool hands each worker a chunk of the list; the master waits for the "
    "answers and puts them back in order. With four cores and four workers "
    "the pane shows four bars near the top, and `map` returns when the "
    "slowest chunk is done. *Try* it with more workers than cores: the "
    "bars share the cores and the wall time stops falling.\n\n"
)
# Every block differs (the section number), so none is highlighted for free.
CODE = (
    "```python\nfrom multiprocessing import Pool\n\n"
    "def square(n):\n    return n * n  # section {n}\n\n"
    "if __name__ == \"__main__\":\n    with Pool(4) as pool:\n"
    "        print(sum(pool.map(square, range({n}_000))))\n```\n\n"
)


def lesson(i, part, order, size):
    head = (f"+++\nid = \"l{i}\"\ntitle = \"Lesson {i}\"\npart = {part}\n"
            f"order = {order}\nsummary = \"Generated lesson {i}\"\n+++\n")
    body = f"# Lesson {i}\n\n"
    n = 0
    while len(body) < size:
        body += f"## Section {n}\n\n" + PARAGRAPH * 3 + "- one\n- two\n\n" + CODE.replace("{n}", str(n))
        n += 1
    return head + body


def make_pack(dir, count, size):
    os.makedirs(dir)
    for i in range(count):
        with open(os.path.join(dir, f"{i:03}.md"), "w") as f:
            f.write(lesson(i, 1 + i // 10, i % 10, size))


def status(pid, key):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def open_cost(binary, args, want, home):
    env = dict(os.environ, FORKLAB_HOME=home, TERM="xterm-256color")
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(binary, [binary] + args, env)
    start = time.monotonic()
    # 120x40: set the window size before forklab asks for it.
    import fcntl, struct, termios
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    seen = b""
    took = None
    deadline = start + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen = (seen + chunk)[-200_000:]
            if want.encode() in seen:
                took = time.monotonic() - start
                break
    # Then wait until the colours are in (resident memory unchanged for a
    # second), reading the screen so
    # forklab never blocks on a full terminal.
    steady, last = 0, None
    while took and steady < 10 and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                os.read(fd, 65536)
            except OSError:
                break
        rss_now = status(pid, "VmRSS")
        steady = steady + 1 if rss_now == last else 0
        last = rss_now
    rss = status(pid, "VmRSS") if took else float("nan")
    hwm = status(pid, "VmHWM") if took else float("nan")
    os.write(fd, b"q")
    # Drain until forklab has gone (it restores the terminal first).
    end = time.monotonic() + 30
    while time.monotonic() < end:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                os.read(fd, 65536)
            except OSError:
                pass
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    os.close(fd)
    return took, rss, hwm


def main():
    if len(sys.argv) > 1:
        binary = os.path.abspath(sys.argv[1])
    else:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
        binary = os.path.join(ROOT, "target/release/forklab")
    with tempfile.TemporaryDirectory() as tmp:
        hundred = os.path.join(tmp, "hundred")
        make_pack(hundred, 100, 20_000)
        big = os.path.join(tmp, "big")
        make_pack(big, 1, 5_000_000)
        size = os.path.getsize(os.path.join(big, "000.md")) / 1e6
        home = os.path.join(tmp, "home")
        os.makedirs(home)
        cases = [
            ("built-in course", [], "Start here", os.path.join(ROOT, "lessons")),
            ("100-lesson pack (2 MB)", ["--lessons", hundred], "Lesson 0", hundred),
            (f"one {size:.1f} MB lesson", ["--lessons", big], "Lesson 0", big),
        ]
        print(f"{'course':<26} {'first frame':>12} {'settled':>11} {'peak':>11}"
              f" {'text':>9} {'settled/text':>13}")
        for name, args, want, folder in cases:
            took, rss, hwm = open_cost(binary, args, want, home)
            text = sum(os.path.getsize(os.path.join(folder, f))
                       for f in os.listdir(folder) if f.endswith(".md")) / 2**20
            shown = f"{took * 1000:.0f} ms" if took else "timeout"
            print(f"{name:<26} {shown:>12} {rss:>7.1f} MiB {hwm:>7.1f} MiB"
                  f" {text:>5.2f} MiB {rss / text:>12.1f}x")


if __name__ == "__main__":
    main()
