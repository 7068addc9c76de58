"""Sum of squares with a pool of worker processes.

Usage: python pool_squares.py [WORKERS] [N]
       (defaults: one worker per core, N = 5000)
"""
import multiprocessing
import os
import sys
import time

BUSY = 20_000     # extra steps per item: a stand-in for real work


def square(x):
    """Return x * x, after some busy-work so the cores light up."""
    for _ in range(BUSY):
        pass
    return x * x


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    workers = int(sys.argv[1]) if len(sys.argv) > 1 else None
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 5000

    start = time.perf_counter()
    # processes=None (the default) means one worker per core.
    with multiprocessing.Pool(processes=workers) as pool:
        squares = pool.map(square, range(1, n + 1))
    total = sum(squares)          # the reduce step, in the master
    elapsed = time.perf_counter() - start

    print("workers:", workers or "one per core")
    print(f"sum of the squares of 1..{n} = {total}")
    print(f"took {elapsed:.2f} s")
