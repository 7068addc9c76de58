"""Many tiny tasks or a few big ones? Same job, different chunks.

Usage: python overheads_chunks.py [WORKERS] [ITEMS] [WORK]

Squares ITEMS numbers and adds them up: once in the master alone,
then on a pool with several chunk sizes. Each chunk costs a message
to a worker and one back, so the chunk size sets how many trips the
work makes. WORK (default 0) adds that many empty loop rounds to
each item, to make the tasks heavier.
"""
import functools
import math
import multiprocessing
import os
import sys
import time


def square(x, work=0):
    """One task: spin `work` rounds, then square x."""
    for _ in range(work):
        pass
    return x * x


def usable_cores():
    """Cores this process may use (all, if we cannot ask)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def default_chunksize(items, workers):
    """What Pool.map picks when you give no chunksize."""
    size, extra = divmod(items, workers * 4)
    return size + 1 if extra else size


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    workers = workers or usable_cores()
    items = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    work = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    task = functools.partial(square, work=work)
    numbers = range(items)

    start = time.perf_counter()
    expected = sum(map(task, numbers))
    serial = time.perf_counter() - start
    print(f"{items} items, {work} extra rounds each, "
          f"{workers} workers")
    print(f"master alone, no pool: {serial:8.3f} s")
    print()
    print("chunksize   chunks   seconds")

    auto = default_chunksize(items, workers)
    sizes = [1, 10, 100, auto, math.ceil(items / workers)]
    with multiprocessing.Pool(processes=workers) as pool:
        # Let every worker start up before the clock runs.
        pool.map(time.sleep, [0.1] * workers, chunksize=1)
        for size in sizes:
            start = time.perf_counter()
            total = sum(pool.map(task, numbers, chunksize=size))
            seconds = time.perf_counter() - start
            chunks = math.ceil(items / size)
            print(f"{size:9d}  {chunks:7d}  {seconds:8.3f}")
            if total != expected:
                sys.exit(f"MISMATCH: {total} != {expected}")

    print()
    print(f"Pool.map's own choice here: chunksize {auto}")
    print(f"sum of squares below {items}: {expected}")
