"""Reference solution: one worker per usable core, and every core busy.

Usage: python every_core.py [N]   (default 24000000)
"""
import multiprocessing
import os
import sys


def usable_cores():
    """The cores this process may run on (not always every core)."""
    if hasattr(os, "process_cpu_count"):           # Python 3.13+
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):           # Linux, most Unixes
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1                     # all we can know


def sum_squares(bounds):
    """Add up n * n for n in range(start, stop), in pure Python."""
    start, stop = bounds
    total = 0
    for n in range(start, stop):
        total += n * n
    return total


def split(n, parts):
    """Cut range(n) into `parts` near-equal (start, stop) pairs."""
    step, extra = divmod(n, parts)
    bounds = []
    start = 0
    for i in range(parts):
        stop = start + step + (1 if i < extra else 0)
        bounds.append((start, stop))
        start = stop
    return bounds


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 24_000_000
    cores = usable_cores()
    tasks = split(n, 4 * cores)       # a few tasks per worker: balance
    with multiprocessing.Pool(processes=cores) as pool:
        total = sum(pool.map(sum_squares, tasks, chunksize=1))

    print(f"{cores} usable cores, {len(tasks)} tasks")
    print(f"result: pool size {cores}")
    print(f"result: sum of squares below {n}: {total}")
