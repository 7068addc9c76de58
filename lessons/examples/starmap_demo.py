"""pool.map for one argument, pool.starmap for several.

Usage: python starmap_demo.py [WORKERS]      (default: 2 workers)
"""
import multiprocessing
import os
import sys
from functools import partial


def square(x):
    return x * x


def add(a, b):
    return a + b


def multiply(a, b):
    return a * b


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    a = [1, 2, 3, 4, 5]
    b = [10, 20, 30, 40, 50]

    with multiprocessing.Pool(processes=workers) as pool:
        # One argument per call: map.
        print("map square:   ", pool.map(square, a))

        # Two arguments per call: zip the lists into pairs, and
        # starmap unpacks each pair: add(1, 10), add(2, 20), ...
        print("pairs:        ", list(zip(a, b)))
        print("starmap add:  ", pool.starmap(add, zip(a, b)))

        # Or fix one argument with partial: multiply(10, x).
        times_ten = partial(multiply, 10)
        print("map partial:  ", pool.map(times_ten, a))
