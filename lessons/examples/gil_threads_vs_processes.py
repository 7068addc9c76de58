"""The GIL, live: pure Python on threads vs processes, and a C hash.

Usage: python gil_threads_vs_processes.py [WORKERS] [N] [MEGABYTES]

Part 1 runs a pure-Python loop (sum of squares below N, cut into
tasks) on one thread, on WORKERS threads and on WORKERS processes.
Part 2 hashes a MEGABYTES block with SHA-256 several times, in one
thread and in WORKERS threads: hashlib lets go of the GIL while it
hashes a big buffer, so those threads can run side by side.
"""
import hashlib
import multiprocessing
import os
import sys
import sysconfig
import time
from concurrent.futures import ThreadPoolExecutor

BLOCK = None  # the bytes to hash, made once per process on demand


def many(n, one, more):
    """'1 thread', '2 threads': a count with the right noun."""
    return f"{n} {one if n == 1 else more}"


def sum_squares(bounds):
    """Add up n * n for n in range(start, stop), in pure Python."""
    start, stop = bounds
    total = 0
    for n in range(start, stop):
        total += n * n
    return total


def digest(megabytes):
    """SHA-256 of `megabytes` MiB of a repeating byte pattern."""
    global BLOCK
    if BLOCK is None or len(BLOCK) != megabytes << 20:
        BLOCK = bytes(range(256)) * (megabytes << 12)
    return hashlib.sha256(BLOCK).hexdigest()


def split(n, parts):
    """Cut range(n) into `parts` (start, stop) pairs."""
    step = -(-n // parts)
    return [(i, min(i + step, n)) for i in range(0, n, step)]


def usable_cores():
    """Cores this process may use (all, if we cannot ask)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def clock(label, run, func, tasks):
    """Run func over tasks with run(), print the time, return."""
    start = time.perf_counter()
    results = list(run(func, tasks))
    print(f"  {label:<20} {time.perf_counter() - start:6.2f} s")
    return results


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    workers = workers or usable_cores()
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 6_000_000
    megabytes = int(sys.argv[3]) if len(sys.argv) > 3 else 64

    print(f"Python {sys.version.split()[0]}")
    free = sysconfig.get_config_var("Py_GIL_DISABLED")
    print(f"free-threaded build: {'yes' if free else 'no'}")
    if hasattr(sys, "_is_gil_enabled"):        # Python 3.13 and later
        print(f"GIL enabled right now: {sys._is_gil_enabled()}")
    else:
        print("GIL enabled right now: True (always, before 3.13)")

    tasks = split(n, 4 * workers)
    print(f"\npart 1: pure Python, squares below {n}")
    with ThreadPoolExecutor(max_workers=workers) as threads, \
            multiprocessing.Pool(processes=workers) as procs:
        procs.map(time.sleep, [0.1] * workers, chunksize=1)  # warm up
        answers = {
            sum(clock("master alone", map, sum_squares, tasks)),
            sum(clock(many(workers, "thread", "threads"), threads.map,
                      sum_squares, tasks)),
            sum(clock(many(workers, "process", "processes"),
                      procs.map,
                      sum_squares, tasks)),
        }

    jobs = [megabytes] * (4 * workers)
    print(f"\npart 2: hashlib, {len(jobs)} blocks of {megabytes} MiB")
    digest(megabytes)                       # build the block untimed
    with ThreadPoolExecutor(max_workers=workers) as threads:
        hashes = set(clock("master alone", map, digest, jobs))
        hashes |= set(clock(many(workers, "thread", "threads"), threads.map,
                            digest, jobs))

    if len(answers) != 1 or len(hashes) != 1:
        sys.exit(f"MISMATCH: {answers} {hashes}")
    print(f"\nsum of squares below {n}: {answers.pop()}")
    print(f"sha256 of the block starts {hashes.pop()[:16]}")
