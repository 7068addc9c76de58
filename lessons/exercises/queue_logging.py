"""Exercise: log from pool workers through one queue (lesson: Workers
that behave).

Usage: python queue_logging.py WORKERS LIMIT STEPS
Example: python queue_logging.py 2 40 100

check(n, threshold) runs in a pool worker: it counts the Collatz steps
of n, logs an INFO record for every n and a WARNING when n takes more
than STEPS steps. As it stands, those records go nowhere useful: a
spawned worker has no handlers at all, a forked one writes through a
copy of the master's. Bring every record to the master, through a
queue, and let the master alone write and count them.

The task
--------
1. init_worker(queue): give the worker's root logger one handler, a
   logging.handlers.QueueHandler(queue), and the level INFO.
2. In the master: make queue = context.Queue(), a StreamHandler on
   sys.stdout with the format

       log: %(levelname)s %(processName)s: %(message)s

   and a Tally (below). Make a logging.handlers.QueueListener on the
   queue with both handlers, pass the queue to the pool's initializer,
   start the listener once the pool exists (inside its with block: a
   fork should not copy the master while the listener's thread runs).
   After the map, close() and join() the pool, so that the workers end
   normally and send their last records, and only then stop the
   listener (in a finally: block).
3. The lines that print the results are written for you; they read
   the Tally's counts:

       result: info records: 40
       result: warnings: 2
       result: longest: 27 (111 steps)

Check with `forklab practice check queue-logging`, or the E key.

Hidden inputs: each check also runs your file on arguments you have
not seen (new each time; the verdict gives the seed to replay them)
and compares its result: lines with the reference's. Take the inputs
from sys.argv: an answer written into the file is right for the shown
input only.
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
    # TODO 1: the root logger's only handler is a QueueHandler(queue).
    raise NotImplementedError("TODO: a QueueHandler in each worker")


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

    # TODO 2: a queue, a StreamHandler and a Tally, a QueueListener
    # started once the pool exists and stopped after the map; the pool's
    # workers get the queue through initializer=init_worker,
    # initargs=(queue,).
    tally = Tally()
    with context.Pool(workers) as pool:
        tasks = [(n, threshold) for n in range(1, limit + 1)]
        results = pool.map(check, tasks, chunksize=4)

    longest = max(results, key=lambda r: (r[1], -r[0]))
    print(f"result: info records: {tally.levels['INFO']}")
    print(f"result: warnings: {tally.levels['WARNING']}")
    print(f"result: longest: {longest[0]} ({longest[1]} steps)")
