"""Print a dot every so often until an asynchronous map is done.

Usage: python progress_dots.py [WORKERS] [N]
       (defaults: one worker per core, N = 40)
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

    workers = int(sys.argv[1]) if len(sys.argv) > 1 else None
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 40

    with multiprocessing.Pool(processes=workers) as pool:
        future = pool.map_async(slow_square, range(1, n + 1),
                                chunksize=1)
        print("working", end="", flush=True)
        while not future.ready():
            print(".", end="", flush=True)   # flush: show it now
            future.wait(0.1)                 # wait at most 0.1 s
        print(" done")
        total = sum(future.get())

    print(f"sum of the squares of 1..{n} = {total}")
