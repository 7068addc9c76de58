"""Exercise: the longest Collatz chain with Pool.map (lesson: Pool and map).

Usage: python pool_collatz.py [WORKERS] [LIMIT]   (defaults: 2, 100000)

Start from a number n. If it is even, halve it; if it is odd, make it
3n + 1. Repeat until you reach 1. steps(n) below counts the steps:
steps(6) is 8 (6, 3, 10, 5, 16, 8, 4, 2, 1). Which start below LIMIT
takes the most steps?

The task
--------
1. Compute steps(n) for every n of numbers on a pool of WORKERS worker
   processes, with pool.map. Create the pool in a with block, so that
   its workers are stopped when you are done.
2. Every line that starts the pool must sit under the
   if __name__ == "__main__": guard. The checks run the script under
   fork, spawn and forkserver: without the guard, spawn and forkserver
   fail (and keep failing until the time limit).
3. pool.map returns the counts in the order of numbers. Find the
   largest count and the FIRST number that has it, and print:

       result: longest chain below 100000 starts at N
       result: it takes S steps

The checks also watch the process pane: at least 2 workers must do
the work, on at least 2 cores when you have them.
Check with `forklab practice check pool-collatz`, or the E key.

Hidden inputs: each check also runs your file on arguments you have
not seen (new each time; the verdict gives the seed to replay them)
and compares its result: lines with the reference's. Take the inputs
from sys.argv: an answer written into the file is right for the shown
input only.
"""
import multiprocessing
import os
import sys


def steps(n):
    """How many Collatz steps take n down to 1."""
    count = 0
    while n != 1:
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        count += 1
    return count


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    numbers = range(1, limit)

    # TODO 1 to 3: a pool of `workers`, pool.map, then the two lines.
    raise NotImplementedError("TODO: map steps over numbers on a pool")
