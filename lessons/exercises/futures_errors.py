"""Exercise: futures that may fail (lesson: Futures).

Usage: python futures_errors.py WORKERS NUMBER ...
Example: python futures_errors.py 2 16 4 0 -9 25 1 100

inverse_root(x) takes 0.3 s and returns 1 / sqrt(x). Some inputs make
it fail in the worker: 0 raises ZeroDivisionError, and a negative
number raises ValueError. One bad number must not sink the others.

The task
--------
1. Start one pool.apply_async(inverse_root, (x,)) per number, on a
   pool of WORKERS processes, and keep the futures in a list. Start
   them ALL before you wait for any: that is what lets the calls run
   side by side.
2. Then go through the numbers and their futures in order and call
   future.get(timeout=30) on each, inside try/except. A worker's
   exception is raised again by get() in the master. Print one line
   per number:

       result: 16 -> 0.2500                (4 decimals)
       result: 0 -> ZeroDivisionError     (the exception's type name)

3. Last, print how many calls succeeded and how many failed:

       result: 5 succeeded, 2 failed

   and, as free text, how long the whole thing took. Collect every
   result inside the pool's with block: leaving it stops the workers.

Check with `forklab practice check futures-errors`, or the E key.

Hidden inputs: each check also runs your file on arguments you have
not seen (new each time; the verdict gives the seed to replay them)
and compares its result: lines with the reference's. Take the inputs
from sys.argv: an answer written into the file is right for the shown
input only.
"""
import math
import multiprocessing
import os
import sys
import time


def inverse_root(x):
    """1 / sqrt(x), slowly. Fails for 0 (division) and below (domain)."""
    time.sleep(0.3)                # a stand-in for real work
    return 1 / math.sqrt(x)


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    if len(sys.argv) < 3:
        sys.exit("usage: futures_errors.py WORKERS NUMBER ...")
    workers = int(sys.argv[1])
    numbers = [int(arg) for arg in sys.argv[2:]]

    # TODO 1 to 3: start every future, then collect each in try/except.
    raise NotImplementedError("TODO: apply_async, then get() each")
