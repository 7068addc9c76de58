"""Pitfall: a function defined after the pool has started.

This script is meant to fail. Run it, read the AttributeError that
each worker prints, then see the lesson for the fix.
"""
import multiprocessing
import os
import sys

WAIT = 5          # seconds to wait before giving up

if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    with multiprocessing.Pool(processes=2) as pool:

        def cube(x):          # too late: the workers have started
            return x ** 3

        # map_async plus a time limit, so the script cannot hang:
        # a plain pool.map(cube, ...) here would wait forever.
        future = pool.map_async(cube, range(10))
        try:
            print(future.get(timeout=WAIT))
        except multiprocessing.TimeoutError:
            print(f"No result after {WAIT} s: the workers could not "
                  "find cube (AttributeError above).", flush=True)
            sys.exit(1)       # leaving the with block stops the pool
