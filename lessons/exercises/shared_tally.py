"""Exercise: workers add into shared memory (lesson: multiprocessing).

Usage: python shared_tally.py [WORKERS] [LIMIT]   (defaults: 2, 200000)

Do the last digits of primes favour any digit? Count them: how many
primes below LIMIT end in 1, in 3, in 7, in 9 (and the lone 2 and 5).

Processes share no variables, but multiprocessing.Array("i", 10)
makes ten integers in SHARED memory: hand it to each Process as an
argument, and every worker reads and writes the same ten numbers.
tally[3] += 1 is a read and then a write, though: two workers doing it
at the same moment can lose an update. Every Array comes with a lock;
hold it while you change the array:

    with tally.get_lock():
        tally[3] += 1

The task
--------
1. Write tally_primes(blocks, tally): count the last digit of every
   prime in the (start, stop) blocks. Count into a plain local list
   first, then add the ten counts into tally in ONE locked step
   (taking the lock for every prime works too, but costs far more).
2. In the master block: make the shared Array, start WORKERS
   processes where worker i gets every WORKERS-th block, starting at
   block i (blocks[i::workers]: dealt out like cards, so that each
   worker gets as many small and big numbers as the next), join them
   all, and stop with a message if one failed (p.exitcode != 0).
3. Print one line per digit that has primes, then the total:

       result: primes ending in 1: N
       ...
       result: primes below 200000: T

The checks run it under fork, spawn and forkserver and look for at
least 2 worker processes.
Check with `forklab practice check shared-tally`, or the E key.

Hidden inputs: each check also runs your file on arguments you have
not seen (new each time; the verdict gives the seed to replay them)
and compares its result: lines with the reference's. Take the inputs
from sys.argv: an answer written into the file is right for the shown
input only.
"""
import multiprocessing
import os
import sys

BLOCK = 1000        # numbers per block


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


def tally_primes(blocks, tally):
    """Count the last digits of the primes in blocks into tally."""
    # TODO 1
    raise NotImplementedError("TODO: count, then add under the lock")


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 200_000
    blocks = [(start, min(start + BLOCK, limit))
              for start in range(0, limit, BLOCK)]

    # TODO 2 and 3: a shared Array, WORKERS processes, join, print.
    raise NotImplementedError("TODO: share an Array with the workers")
