"""Exercise: results that survive a crashing worker (lesson: Choosing
concurrent.futures or Pool).

Usage: python crash_retry.py WORKERS NUMBER ...
Example: python crash_retry.py 2 3 14 5 21 8 9 10

digit_square_sum(n) returns the sum of the squares of n's digits, but
for a multiple of 7 the worker process dies on the spot (os._exit),
the way a crash inside a C library kills it. A multiprocessing.Pool
would wait for that lost task forever. A ProcessPoolExecutor notices
and fails the waiting futures with BrokenProcessPool, and which of
them held the crash it cannot tell you.

The task
--------
1. First pass: on a ProcessPoolExecutor of WORKERS processes (pass
   mp_context=context), submit one future per number. Go through
   concurrent.futures.as_completed(...): keep the result of each
   future that succeeded, and note the number of each one that raised
   BrokenProcessPool, to retry.
2. Retry each noted number ALONE, in a new executor of one worker. If
   that one breaks too, the number itself is the crash.
3. Print, in the order of the input, one line per number:

       result: 3 -> 9
       result: 14 -> crashed

   and last:

       result: 5 done, 2 crashed

Check with `forklab practice check crash-retry`, or the E key.

Hidden inputs: each check also runs your file on arguments you have
not seen (new each time; the verdict gives the seed to replay them)
and compares its result: lines with the reference's. Take the inputs
from sys.argv: an answer written into the file is right for the shown
input only.
"""
import concurrent.futures as cf
import multiprocessing
import os
import sys
import time
from concurrent.futures.process import BrokenProcessPool


def digit_square_sum(n):
    """The sum of the squares of n's digits; a multiple of 7 kills the
    worker at once, as a crash in a C library would."""
    time.sleep(0.1)                # a stand-in for real work
    if n % 7 == 0:
        os._exit(1)
    return sum(int(d) ** 2 for d in str(abs(n)))


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    context = multiprocessing.get_context(method or None)

    if len(sys.argv) < 3:
        sys.exit("usage: crash_retry.py WORKERS NUMBER ...")
    workers = int(sys.argv[1])
    numbers = [int(arg) for arg in sys.argv[2:]]

    # TODO 1 to 3: a first pass with as_completed, then each broken
    # number again in a pool of its own.
    raise NotImplementedError("TODO: first pass, then retry alone")
