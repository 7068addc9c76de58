"""apply blocks; apply_async returns a future at once.

Usage: python futures_apply.py [WORKERS]     (default: 2 workers)
"""
import multiprocessing
import os
import sys
import time


def slow_square(x):
    """Square x, slowly: the sleep stands in for a long job."""
    time.sleep(1)
    return x * x


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    with multiprocessing.Pool(processes=workers) as pool:
        # apply: one call on one worker; the master waits for it.
        start = time.perf_counter()
        print("apply:", pool.apply(slow_square, (2,)))
        waited = time.perf_counter() - start
        print(f"  the master waited {waited:.1f} s")

        # apply_async: returns a future (an AsyncResult) at once.
        start = time.perf_counter()
        first = pool.apply_async(slow_square, (3,))
        second = pool.apply_async(slow_square, (4,))
        print("both submitted; ready yet?", first.ready())

        first.wait()      # block until the first one is done
        print("first ready:", first.ready(),
              "successful:", first.successful())
        results = [first.get(), second.get()]   # collect them
        took = time.perf_counter() - start
        print("apply_async results:", results)
        print(f"  two 1-second calls took {took:.1f} s")
