"""Amdahl's law, measured: a job with a serial part you choose.

Usage: python amdahl_demo.py [SERIAL] [N] [MAX_WORKERS]

The job adds up the squares of 0 .. N-1. The first SERIAL share of
the numbers (0.25 = a quarter) is done by the master alone; the rest
is split evenly over the pool's workers. The script prints the
speedup Amdahl's law predicts next to the one it measures.
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


def split(start, stop, parts):
    """Cut range(start, stop) into `parts` near-equal pieces."""
    step, extra = divmod(stop - start, parts)
    bounds = []
    for i in range(parts):
        end = start + step + (1 if i < extra else 0)
        bounds.append((start, end))
        start = end
    return bounds


def usable_cores():
    """Cores this process may use (all, if we cannot ask)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def amdahl(serial, cores):
    """Speedup predicted for `cores` cores when `serial` is serial."""
    return 1 / (serial + (1 - serial) / cores)


def timed_job(pool, workers, n, serial):
    """Serial part in the master, then the rest on the pool."""
    cut = round(n * serial)
    start = time.perf_counter()
    total = sum_squares((0, cut))                     # master alone
    parts = split(cut, n, workers)                    # one per worker
    total += sum(pool.map(sum_squares, parts, chunksize=1))
    return total, time.perf_counter() - start


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    serial = float(sys.argv[1]) if len(sys.argv) > 1 else 0.25
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 8_000_000
    cores = usable_cores()
    most = int(sys.argv[3]) if len(sys.argv) > 3 else 2 * cores
    if not 0 <= serial <= 1:
        sys.exit("SERIAL must be between 0 and 1")

    print(f"serial share s = {serial:.2f}, usable cores = {cores}")
    if serial > 0:
        print(f"limit as workers grow: {1 / serial:.2f}x")
    else:
        print("limit as workers grow: none (s = 0)")
    print()
    print("workers  seconds  predicted  measured")

    answers = set()
    base = None
    for workers in range(1, most + 1):
        with multiprocessing.Pool(processes=workers) as pool:
            # Let every worker start up before the clock runs.
            pool.map(time.sleep, [0.1] * workers, chunksize=1)
            total, seconds = timed_job(pool, workers, n, serial)
        answers.add(total)
        base = base or seconds
        # The workers can only use the cores there are.
        predicted = amdahl(serial, min(workers, cores))
        print(f"{workers:7d}  {seconds:7.2f}  {predicted:8.2f}x"
              f"  {base / seconds:7.2f}x")

    print()
    expected = (n - 1) * n * (2 * n - 1) // 6
    print(f"sum of squares below {n}: {total}")
    if answers != {expected}:
        sys.exit(f"MISMATCH: {sorted(answers)}")
