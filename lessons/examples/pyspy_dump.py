"""py-spy dump: read a stuck worker's stack from outside.

Usage: python pyspy_dump.py

The same bug as hung_pool.py: total() takes LOCK, then helper() takes
it again and waits forever. Here nothing was prepared in the workers:
py-spy (pip install py-spy) reads a running Python's memory and prints
its threads' stacks, for any Python process you may trace.

py-spy needs the right to trace the process (ptrace). As root it
usually has it. As yourself, a Linux with Yama's ptrace_scope at 1
lets you trace only your own descendants, so run `sudo py-spy dump
--pid PID`; a container may need the SYS_PTRACE capability (docker
run --cap-add SYS_PTRACE). macOS needs sudo as well.
"""
import multiprocessing
import os
import shutil
import subprocess
import sys
import threading

LOCK = threading.Lock()


def helper(n):
    with LOCK:                     # the second time: waits forever
        return n * n


def total(n):
    with LOCK:
        return helper(n) + 1


def find_py_spy():
    """On PATH, or beside this Python (a virtual environment's bin)."""
    beside = os.path.dirname(sys.executable)
    return shutil.which("py-spy") or shutil.which("py-spy", path=beside)


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    py_spy = find_py_spy()
    if py_spy is None:
        sys.exit("py-spy is not installed: pip install py-spy")

    with multiprocessing.Pool(2) as pool:
        result = pool.apply_async(total, (7,))
        try:
            result.get(timeout=3)
        except multiprocessing.TimeoutError:
            print("master: no result within 3 s; looking at the workers",
                  flush=True)
        failed = 0
        for worker in multiprocessing.active_children():
            print(f"--- py-spy dump --pid {worker.pid} ({worker.name})",
                  flush=True)
            dump = subprocess.run([py_spy, "dump", "--pid", str(worker.pid)],
                                  capture_output=True, text=True, timeout=60)
            print(dump.stdout.strip() or dump.stderr.strip(), flush=True)
            if dump.returncode != 0:
                failed += 1
    if failed:
        sys.exit(f"py-spy could not read {failed} worker(s): see above "
                 "(no permission to trace them? run it with sudo)")
    print("master: the stuck line is the top of the busy worker's stack")
