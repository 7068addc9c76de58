"""Logging from pool workers through one queue.

Usage: python worker_logging.py [WORKERS]

Each worker's root logger gets a QueueHandler, which puts every record
on a queue. In the master a QueueListener takes them off and hands
them to ordinary handlers: one place formats and writes, so lines from
different processes never run into each other, under every start
method.
"""
import logging
import logging.handlers
import multiprocessing
import os
import sys
import time
from collections import Counter


def init_worker(queue):
    """Runs once in each worker: send every record to the queue."""
    root = logging.getLogger()
    root.handlers[:] = [logging.handlers.QueueHandler(queue)]
    root.setLevel(logging.INFO)


def square(n):
    time.sleep(0.05)
    log = logging.getLogger("squares")
    if n % 5 == 0:
        log.warning("%d is a multiple of 5", n)
    log.info("square of %d is %d", n, n * n)
    return n * n


class Tally(logging.Handler):
    """Counts the records by process, in the master."""

    def __init__(self):
        super().__init__()
        self.by_process = Counter()

    def emit(self, record):
        self.by_process[record.processName] += 1


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    context = multiprocessing.get_context(method or None)
    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 2

    queue = context.Queue()
    out = logging.StreamHandler(sys.stdout)
    out.setFormatter(logging.Formatter(
        "log: %(processName)s %(levelname)s %(message)s"))
    tally = Tally()
    listener = logging.handlers.QueueListener(queue, out, tally)
    with context.Pool(workers, initializer=init_worker,
                      initargs=(queue,)) as pool:
        # Started once the workers exist: a fork never copies a
        # process while the listener's thread is busy.
        listener.start()
        try:
            total = sum(pool.map(square, range(12), chunksize=1))
            pool.close()           # the workers end normally, and
            pool.join()            # their last records reach the queue
        finally:
            listener.stop()        # takes what is left, then stops

    print(f"sum of squares: {total}")
    print(f"records: {sum(tally.by_process.values())} from "
          f"{len(tally.by_process)} worker processes")
    print("any from the master: "
          f"{'MainProcess' in tally.by_process}")
