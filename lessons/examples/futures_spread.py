"""Many apply_async calls: which worker runs which call?

Usage: python futures_spread.py [WORKERS] [TASKS]  (defaults: 2, 8)
"""
import multiprocessing
import os
import sys
from collections import Counter

BUSY = 3_000_000   # busy-work per task: about a fifth of a second


def many(n, one, more):
    """'1 task', '2 tasks': a count with the right noun."""
    return f"{n} {one if n == 1 else more}"


def task(number):
    """Do some work and report which worker did it."""
    total = 0
    for i in range(BUSY):
        total += i % 3
    return number, multiprocessing.current_process().name


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    tasks = int(sys.argv[2]) if len(sys.argv) > 2 else 8

    with multiprocessing.Pool(processes=workers) as pool:
        futures = [pool.apply_async(task, (n,)) for n in range(tasks)]
        print(f"submitted {many(tasks, 'task', 'tasks')} to "
              f"{many(workers, 'worker', 'workers')}")
        results = [f.get() for f in futures]   # inside the with!

    for number, name in results:
        print(f"task {number} ran on {name}")
    for name, n in sorted(Counter(n for _, n in results).items()):
        print(f"{name}: {many(n, 'task', 'tasks')}")
    print(f"{many(len(results), 'task', 'tasks')} done")
