"""Reference solution: a watchdog, and the hang it found, mended.

Usage: python watchdog_queue.py WORKERS N
Example: python watchdog_queue.py 2 100000
"""
import faulthandler
import multiprocessing
import os
import sys


def squares(numbers, results):
    """One worker: the squares of its share, as one big list."""
    results.put([n * n for n in numbers])


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    if len(sys.argv) != 3:
        sys.exit("usage: watchdog_queue.py WORKERS N")
    workers, n = int(sys.argv[1]), int(sys.argv[2])

    # The watchdog: still running in 15 s? Print every thread and exit.
    faulthandler.dump_traceback_later(15, exit=True)

    results = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=squares,
                                     args=(range(i, n, workers), results))
             for i in range(workers)]
    for p in procs:
        p.start()
    # Read first: a worker cannot end before its list is read.
    parts = [results.get() for _ in procs]
    for p in procs:
        p.join()
    faulthandler.cancel_dump_traceback_later()

    received = sum(len(part) for part in parts)
    print(f"result: items received: {received}")
    print(f"result: sum of squares below {n}: {sum(map(sum, parts))}")
