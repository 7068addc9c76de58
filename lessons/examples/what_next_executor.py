"""The standard library's other pool: ProcessPoolExecutor.

Usage: python what_next_executor.py [WORKERS] [N]

Adds up the squares of 0 .. N-1 with concurrent.futures: first with
map() (mind the chunksize), then with submit() and as_completed().
On Python 3.14 and later it also tries InterpreterPoolExecutor.
"""
import concurrent.futures as cf
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
    """Cut range(n) into `parts` (start, stop) pairs."""
    step = -(-n // parts)
    return [(i, min(i + step, n)) for i in range(0, n, step)]


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 3_000_000
    blocks = split(n, 4 * workers)

    with cf.ProcessPoolExecutor(max_workers=workers) as pool:
        # Executor.map sends one item per message unless told more.
        by_map = sum(pool.map(sum_squares, blocks, chunksize=2))
        futures = [pool.submit(sum_squares, b) for b in blocks]
        by_submit = 0
        for done in cf.as_completed(futures):
            by_submit += done.result()
    print(f"ProcessPoolExecutor, map:       {by_map}")
    print(f"ProcessPoolExecutor, submit:    {by_submit}")

    try:
        Interpreters = cf.InterpreterPoolExecutor     # Python 3.14+
    except (AttributeError, ImportError):
        Interpreters = None
    if Interpreters:
        # The same pure-Python sum_squares, now on subinterpreters: one
        # process, one thread and one GIL per worker.
        try:
            t0 = time.perf_counter()
            alone = sum(map(sum_squares, blocks))
            t1 = time.perf_counter()
            with Interpreters(max_workers=workers) as ipe:
                shared = sum(ipe.map(sum_squares, blocks))
            t2 = time.perf_counter()
            print(f"InterpreterPoolExecutor, map:   {shared}")
            print(f"  same answer: {shared == by_map}; one thread "
                  f"{t1 - t0:.2f} s, {workers} interpreters "
                  f"{t2 - t1:.2f} s (start-up included)")
        except Exception as exc:  # new and young: report, don't crash
            print(f"InterpreterPoolExecutor failed: {exc!r}")
    else:
        print("InterpreterPoolExecutor: needs Python 3.14 "
              f"(this is {sys.version.split()[0]})")
