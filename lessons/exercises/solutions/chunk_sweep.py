"""Reference solution: time one pool.map with several chunk sizes.

Usage: python chunk_sweep.py [WORKERS] [ITEMS]   (defaults: 2, 40000)
"""
import multiprocessing
import os
import sys
import time

SIZES = [1, 10, 100, 1000]


def digit_sum(x):
    """A tiny task: the sum of the decimal digits of x * x."""
    return sum(int(d) for d in str(x * x))


def time_map(pool, items, chunksize):
    """Run digit_sum over items with this chunksize: (total, seconds)."""
    start = time.perf_counter()
    total = sum(pool.map(digit_sum, items, chunksize=chunksize))
    return total, time.perf_counter() - start


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    items = range(int(sys.argv[2]) if len(sys.argv) > 2 else 40_000)

    with multiprocessing.Pool(processes=workers) as pool:
        pool.map(time.sleep, [0.05] * workers, chunksize=1)  # warm up
        timings = {}
        totals = set()
        for size in SIZES:
            total, seconds = time_map(pool, items, size)
            timings[size] = seconds
            totals.add(total)
            print(f"chunksize {size:5}: {seconds:.3f} s")
    if len(totals) != 1:
        sys.exit(f"the chunk sizes disagree: {sorted(totals)}")

    best = min(timings, key=timings.get)
    slowest = max(timings.values())
    print(f"best chunksize: {best} ({slowest / timings[best]:.1f}x "
          f"faster than the slowest)")
    print(f"result: sum of digit sums: {totals.pop()}")
