"""Exercise: one worker per usable core (lesson: Effect of core count).

Usage: python every_core.py [N]   (default 24000000)

The job adds up the squares of 0 .. N-1, cut into blocks. It is pure
computation, so the best pool has one worker per core this process
may use: fewer leaves cores idle, more only makes the workers take
turns.

The task
--------
1. Write usable_cores(): how many cores this process may run on.
   os.cpu_count() counts every core of the machine, even those that
   taskset or a container's cpuset keeps you off (a CPU quota such
   as docker --cpus is seen by no count at all). Prefer
   os.process_cpu_count() (Python 3.13+), then
   len(os.sched_getaffinity(0)) (Linux and most Unixes), and fall
   back to os.cpu_count() only where neither exists (hasattr tells
   you). Never return 0 or None.
2. In the master block, cut the range into 4 tasks per core with
   split(n, 4 * cores), run sum_squares over them on a pool of
   exactly `cores` workers (chunksize=1), and add up the results.
3. Print:

       result: pool size C
       result: sum of squares below 24000000: S

The checks watch the core pane (every core you have must get work)
and time your script against a serial run: on 2 or more cores it must
be clearly faster.
Check with `forklab practice check every-core`, or the E key.

Hidden inputs: each check also runs your file on arguments you have
not seen (new each time; the verdict gives the seed to replay them)
and compares its result: lines with the reference's. Take the inputs
from sys.argv: an answer written into the file is right for the shown
input only.
"""
import multiprocessing
import os
import sys


def usable_cores():
    """The cores this process may run on (not always every core)."""
    # TODO 1
    raise NotImplementedError("TODO: count the usable cores")


def sum_squares(bounds):
    """Add up n * n for n in range(start, stop), in pure Python."""
    start, stop = bounds
    total = 0
    for n in range(start, stop):
        total += n * n
    return total


def split(n, parts):
    """Cut range(n) into `parts` near-equal (start, stop) pairs."""
    step, extra = divmod(n, parts)
    bounds = []
    start = 0
    for i in range(parts):
        stop = start + step + (1 if i < extra else 0)
        bounds.append((start, stop))
        start = stop
    return bounds


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 24_000_000
    cores = usable_cores()
    # TODO 2 and 3: split, a pool of `cores` workers, pool.map, print.
    raise NotImplementedError("TODO: run the blocks on the pool")
