"""Reference solution: futures that may fail, collected one by one.

Usage: python futures_errors.py WORKERS NUMBER ...
Example: python futures_errors.py 2 16 4 0 -9 25 1 100
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

    start = time.perf_counter()
    with multiprocessing.Pool(processes=workers) as pool:
        # Start every call first; only then wait for any of them.
        futures = [pool.apply_async(inverse_root, (x,)) for x in numbers]
        good = failed = 0
        for x, future in zip(numbers, futures):
            try:
                value = future.get(timeout=30)
            except (ValueError, ZeroDivisionError) as err:
                failed += 1
                print(f"result: {x} -> {type(err).__name__}")
            else:
                good += 1
                print(f"result: {x} -> {value:.4f}")
    elapsed = time.perf_counter() - start

    print(f"result: {good} succeeded, {failed} failed")
    print(f"{len(numbers)} calls on {workers} workers took {elapsed:.2f} s")
