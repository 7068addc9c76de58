"""Exercise: tune the chunk size (lesson: Overheads and chunking).

Usage: python chunk_sweep.py [WORKERS] [ITEMS]   (defaults: 2, 40000)

digit_sum is a tiny task: a few microseconds of work. Sending it to a
worker and the answer back costs more than that. chunksize decides how
many items travel together, and so how many round trips the job makes.

The task
--------
1. Write time_map(pool, items, chunksize): run
   pool.map(digit_sum, items, chunksize=chunksize), add up the
   results, and return (total, seconds), timed with
   time.perf_counter().
2. In the master block, on ONE pool of WORKERS processes: first let
   the workers start (pool.map(time.sleep, [0.05] * workers,
   chunksize=1)) so that start-up is not billed to the first size;
   then call time_map for every size in SIZES, printing one line per
   size:

       chunksize     1: T.TTT s     (size right-aligned in 5 places,
                                     seconds with 3 decimals)

3. Every size must give the same total: stop with a message if not.
   Then print the fastest size, and the total:

       best chunksize: B (R.Rx faster than the slowest)
       result: sum of digit sums: S

Before you run it, guess: which size wins, and how much slower is
chunksize 1? Run it a few times: does the winner change?
Check with `forklab practice check chunk-sweep`, or the E key.

Hidden inputs: each check also runs your file on arguments you have
not seen (new each time; the verdict gives the seed to replay them)
and compares its result: lines with the reference's. Take the inputs
from sys.argv: an answer written into the file is right for the shown
input only.
"""
import multiprocessing
import os
import sys
import time

SIZES = [1, 10, 100, 1000]


def digit_sum(x):
    """A tiny task: the sum of the decimal digits of x * x."""
    return sum(int(d) for d in str(x * x))


def time_map(pool, items, chunksize):
    """Run digit_sum over items with this chunksize: (total, seconds)."""
    # TODO 1
    raise NotImplementedError("TODO: time one pool.map")


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    items = range(int(sys.argv[2]) if len(sys.argv) > 2 else 40_000)

    # TODO 2 and 3: one pool, every size, then the best and the total.
    raise NotImplementedError("TODO: sweep the chunk sizes")
