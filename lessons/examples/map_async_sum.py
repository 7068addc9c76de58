"""map_async and starmap_async: start a map, then wait for it.

Usage: python map_async_sum.py [WORKERS] [N]
       (defaults: one worker per core, N = 5000)
"""
import multiprocessing
import os
import sys
from functools import reduce


def square(x):
    return x * x


def multiply(a, b):
    return a * b


def add(a, b):
    return a + b


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    workers = int(sys.argv[1]) if len(sys.argv) > 1 else None
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
    numbers = range(1, n + 1)

    with multiprocessing.Pool(processes=workers) as pool:
        squares = pool.map_async(square, numbers)   # returns at once
        products = pool.starmap_async(multiply, zip(numbers, numbers))
        print("both maps started; the master is free meanwhile")

        squares.wait()                  # block until all are done
        products.wait()
        print("ready:", squares.ready(), products.ready())
        total1 = reduce(add, squares.get(), 0)
        total2 = reduce(add, products.get(), 0)

    print(f"map_async:     sum of the squares of 1..{n} = {total1}")
    print(f"starmap_async: sum of x*x for x in 1..{n} = {total2}")
