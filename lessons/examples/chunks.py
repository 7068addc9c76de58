"""How chunksize hands items to the workers.

Usage: python chunks.py [CHUNKSIZE] [ITEMS] [WORKERS]
       (defaults: chunksize 4, 24 items, 2 workers)
"""
import multiprocessing
import os
import sys

BUSY = 600_000    # busy-work per item: a few hundredths of a second


def work(x):
    """Do some work on x and report which worker did it."""
    for _ in range(BUSY):
        pass
    return x, multiprocessing.current_process().name


def runs(items):
    """Write sorted numbers as ranges: [1, 2, 3, 7] -> '1-3, 7'."""
    parts = []
    start = items[0]
    for prev, x in zip(items, items[1:] + [None]):
        if x != prev + 1:       # the run that began at start ends
            parts.append(str(start) if start == prev
                         else f"{start}-{prev}")
            start = x
    return ", ".join(parts)


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    size = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 24
    workers = int(sys.argv[3]) if len(sys.argv) > 3 else 2

    with multiprocessing.Pool(processes=workers) as pool:
        done = pool.map(work, range(1, n + 1), chunksize=size)

    tasks = -(-n // size)          # n / size, rounded up
    print(f"{n} items in chunks of {size}: {tasks} tasks")
    by_worker = {}
    for x, name in done:
        by_worker.setdefault(name, []).append(x)
    for name in sorted(by_worker):
        print(f"{name}: {runs(by_worker[name])}")
    in_order = [x for x, _ in done] == list(range(1, n + 1))
    print("results come back in input order:", in_order)
