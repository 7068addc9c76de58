"""Exercise: worker processes fed by a queue (lesson: multiprocessing).

Usage: python queue_primes.py [WORKERS] [LIMIT]   (defaults: 2, 300000)

The task
--------
Count the primes below LIMIT with WORKERS processes that you start
yourself with multiprocessing.Process, and two queues:

- tasks: the master puts every block (start, stop) on it, then one
  None per worker, which tells a worker that there is no more work;
- results: each worker puts (start, count) on it for every block it
  counted.

A multiprocessing.Queue can be handed to a Process as an argument, and
both ends can use it: q.put(item) adds an item, q.get() waits for the
next one (q.get(timeout=60) gives up with queue.Empty after a minute).

1. Write worker(tasks, results): take blocks from tasks until it gets
   None; for each block, count its primes with is_prime and put
   (start, count) on results. When it stops, print how many blocks it
   did, with multiprocessing.current_process().name (free text).
2. In the master block: make the two queues, fill tasks, start WORKERS
   processes running worker, collect one answer per block from
   results, THEN join the processes. (Joining first can hang: a
   process that still has items to hand to a queue does not end.)
3. Print exactly:

       result: primes below 300000: N
       result: blocks counted: 20

The checks run your script under fork, spawn and forkserver, and
watch for at least 2 worker processes and for anything left running.
Check with `forklab practice check queue-primes`, or the E key.

Hidden inputs: each check also runs your file on arguments you have
not seen (new each time; the verdict gives the seed to replay them)
and compares its result: lines with the reference's. Take the inputs
from sys.argv: an answer written into the file is right for the shown
input only.
"""
import multiprocessing
import os
import sys

BLOCK = 15_000      # numbers per task


def is_prime(n):
    """True when n is prime (trial division: slow on purpose)."""
    if n < 2:
        return False
    if n % 2 == 0:
        return n == 2
    factor = 3
    while factor * factor <= n:
        if n % factor == 0:
            return False
        factor += 2
    return True


def worker(tasks, results):
    """Take (start, stop) blocks until None; send back each block's count."""
    # TODO 1
    raise NotImplementedError("TODO: write the worker loop")


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 300_000
    blocks = [(start, min(start + BLOCK, limit))
              for start in range(0, limit, BLOCK)]

    # TODO 2 and 3: queues, processes, collect, join, print.
    raise NotImplementedError("TODO: start the workers and collect")
