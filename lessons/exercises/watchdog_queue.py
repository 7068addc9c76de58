"""Exercise: a watchdog, and the hang it finds (lesson: Debugging a
hung pool).

Usage: python watchdog_queue.py WORKERS N
Example: python watchdog_queue.py 2 100000

Each worker squares its share of the numbers below N and puts ONE big
list on a queue. As written, this script hangs: run it and see.

The task
--------
1. Add a watchdog at the top of the master's block:

       faulthandler.dump_traceback_later(15, exit=True)

   If the script is still running 15 s later, faulthandler prints
   every thread's stack on stderr and ends it. Run it again and read
   the master's stack: which line is it waiting on?
2. Mend the hang. (The lesson on processes that talk said what a
   process that has put data on a queue waits for before it can end.)
3. Cancel the watchdog once the work is done
   (faulthandler.cancel_dump_traceback_later()). Then print:

       result: items received: 100000
       result: sum of squares below 100000: 333328333350000

Check with `forklab practice check watchdog-queue`, or the E key.

Hidden inputs: each check also runs your file on arguments you have
not seen (new each time; the verdict gives the seed to replay them)
and compares its result: lines with the reference's. Take the inputs
from sys.argv: an answer written into the file is right for the shown
input only.
"""
import faulthandler
import multiprocessing
import os
import sys


def squares(numbers, results):
    """One worker: the squares of its share, as one big list."""
    results.put([n * n for n in numbers])


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    if len(sys.argv) != 3:
        sys.exit("usage: watchdog_queue.py WORKERS N")
    workers, n = int(sys.argv[1]), int(sys.argv[2])

    # TODO 1: the watchdog.

    results = multiprocessing.Queue()
    procs = [multiprocessing.Process(target=squares,
                                     args=(range(i, n, workers), results))
             for i in range(workers)]
    for p in procs:
        p.start()
    for p in procs:
        p.join()                   # TODO 2: why does this never return?
    parts = [results.get() for _ in procs]
    # TODO 3: cancel the watchdog.

    received = sum(len(part) for part in parts)
    print(f"result: items received: {received}")
    print(f"result: sum of squares below {n}: {sum(map(sum, parts))}")
