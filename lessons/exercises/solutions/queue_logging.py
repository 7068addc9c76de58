"""Reference solution: log from pool workers through one queue.

Usage: python queue_logging.py WORKERS LIMIT STEPS
Example: python queue_logging.py 2 40 100
"""
import logging
import logging.handlers
import multiprocessing
import os
import sys
from collections import Counter


def collatz_steps(n):
    """How many steps of the Collatz rule take n down to 1."""
    steps = 0
    while n != 1:
        n = 3 * n + 1 if n % 2 else n // 2
        steps += 1
    return steps


def init_worker(queue):
    """Runs once in each worker: every record goes to the queue."""
    root = logging.getLogger()
    root.handlers[:] = [logging.handlers.QueueHandler(queue)]
    root.setLevel(logging.INFO)


def check(args):
    n, threshold = args
    steps = collatz_steps(n)
    log = logging.getLogger("collatz")
    log.info("%d takes %d steps", n, steps)
    if steps > threshold:
        log.warning("%d takes %d steps, more than %d", n, steps, threshold)
    return n, steps


class Tally(logging.Handler):
    """Counts records by level, in the master."""

    def __init__(self):
        super().__init__()
        self.levels = Counter()

    def emit(self, record):
        self.levels[record.levelname] += 1


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    context = multiprocessing.get_context(method or None)

    if len(sys.argv) != 4:
        sys.exit("usage: queue_logging.py WORKERS LIMIT STEPS")
    workers, limit, threshold = (int(arg) for arg in sys.argv[1:])

    queue = context.Queue()
    out = logging.StreamHandler(sys.stdout)
    out.setFormatter(logging.Formatter(
        "log: %(levelname)s %(processName)s: %(message)s"))
    tally = Tally()
    listener = logging.handlers.QueueListener(queue, out, tally)
    with context.Pool(workers, initializer=init_worker,
                      initargs=(queue,)) as pool:
        listener.start()           # once the workers exist (fork)
        try:
            tasks = [(n, threshold) for n in range(1, limit + 1)]
            results = pool.map(check, tasks, chunksize=4)
            pool.close()           # workers that end normally send
            pool.join()            # their last records first
        finally:
            listener.stop()

    longest = max(results, key=lambda r: (r[1], -r[0]))
    print(f"result: info records: {tally.levels['INFO']}")
    print(f"result: warnings: {tally.levels['WARNING']}")
    print(f"result: longest: {longest[0]} ({longest[1]} steps)")
