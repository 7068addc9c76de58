"""Pitfall: a lambda cannot be sent to worker processes.

This script is meant to fail with a PicklingError.
"""
import multiprocessing
import os

if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    with multiprocessing.Pool(processes=2) as pool:
        print(pool.map(lambda x: x * x, range(10)))
