"""Time one CPU-bound job with 1, 2, ... up to 2 x cores workers.

Usage: python core_count_sweep.py [TASKS] [N] [CORES]

The job adds up the squares of 0 .. N-1, cut into TASKS equal
ranges. CORES (Linux only) pins this script, and so its workers,
to the first CORES cores: a big machine can play a small one.
"""
import multiprocessing
import os
import sys
import time


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


def usable_cores():
    """Cores this process may use (all, if we cannot ask)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def pin_to_first(k):
    """Restrict this process (and later children) to k cores."""
    if not hasattr(os, "sched_setaffinity"):
        print("CPU affinity is not available here: CORES ignored")
        return
    allowed = sorted(os.sched_getaffinity(0))[:k]
    os.sched_setaffinity(0, allowed)
    print(f"pinned to cores {allowed}")


def timed_run(workers, tasks):
    """Run the whole job on a fresh pool; return (total, seconds)."""
    start = time.perf_counter()
    with multiprocessing.Pool(processes=workers) as pool:
        total = sum(pool.map(sum_squares, tasks, chunksize=1))
    return total, time.perf_counter() - start


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    n_tasks = int(sys.argv[1]) if len(sys.argv) > 1 else 16
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000_000
    if len(sys.argv) > 3:
        pin_to_first(int(sys.argv[3]))

    cores = usable_cores()
    tasks = split(n, n_tasks)
    print(f"os.cpu_count() = {os.cpu_count()}, "
          f"usable cores = {cores}")
    print(f"start method: {multiprocessing.get_start_method()}")
    print(f"job: squares of 0..{n - 1} in {n_tasks} tasks")
    print()
    print("workers  seconds  speedup  efficiency")

    results = set()
    base = None
    for workers in range(1, 2 * cores + 1):
        total, seconds = timed_run(workers, tasks)
        results.add(total)
        base = base or seconds
        speedup = base / seconds
        efficiency = speedup / workers
        bar = "#" * round(speedup * 10)
        print(f"{workers:7d}  {seconds:7.2f}  {speedup:7.2f}"
              f"  {efficiency:9.0%}  {bar}")

    print()
    expected = (n - 1) * n * (2 * n - 1) // 6
    print(f"sum of squares below {n}: {total}")
    if results == {expected}:
        print("every run gave the same, correct answer")
    else:
        print(f"MISMATCH: runs gave {sorted(results)}")
        sys.exit(1)
