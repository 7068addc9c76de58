"""Exercise: map_async with a progress callback (lesson: Asynchronous maps).

Usage: python progress_callback.py [WORKERS] [N] [BATCH]
       (defaults: 2, 40, 5)

A map_async gives one future for the whole map, and its callback runs
once, when every item is done. To report progress along the way, cut
the work into batches and start one map_async per batch: each batch
then has its own callback.

Callbacks run in the MASTER (in a helper thread of the pool), not in
the workers. So a callback may append to a list of the master's, and
print. Keep it quick: while it runs, no other result is handled.

The task
--------
1. Write batch_done(results): add the batch's results to squares and
   print the progress so far, flushed so it shows at once:

       progress: 15/40

2. Start one pool.map_async(slow_square, part, chunksize=1,
   callback=batch_done, error_callback=...) for every part of
   batches, on a pool of WORKERS processes, before waiting for any.
3. Wait for every future (future.wait(timeout=60)), inside the pool's
   with block, and check that all were successful().
4. Print:

       result: 40 squares
       result: sum = S

   The progress lines may come in any order of batches, but the last
   one must read "progress: 40/40".

Check with `forklab practice check progress-callback`, or the E key.

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


def slow_square(x):
    time.sleep(0.05)        # a stand-in for real work
    return x * x


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    batch = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    numbers = list(range(1, n + 1))
    batches = [numbers[i:i + batch] for i in range(0, n, batch)]

    squares = []            # filled by the callback, in the master

    def batch_done(results):
        """Runs in the master (its result thread) when a batch is in."""
        # TODO 1
        raise NotImplementedError("TODO: record the batch, print progress")

    # TODO 2 to 4: one map_async per batch, wait for all, print.
    raise NotImplementedError("TODO: map_async every batch")
