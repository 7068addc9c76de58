"""Reference solution: the longest Collatz chain, with a guarded Pool.map.

Usage: python pool_collatz.py [WORKERS] [LIMIT]   (defaults: 2, 100000)
"""
import multiprocessing
import os
import sys


def steps(n):
    """How many Collatz steps take n down to 1."""
    count = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        count += 1
    return count


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    numbers = range(1, limit)

    with multiprocessing.Pool(processes=workers) as pool:
        counts = pool.map(steps, numbers)      # in the order of numbers

    best = max(counts)
    start = numbers[counts.index(best)]        # the first with that count
    print(f"{workers} workers, {len(numbers)} numbers")
    print(f"result: longest chain below {limit} starts at {start}")
    print(f"result: it takes {best} steps")
