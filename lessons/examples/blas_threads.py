"""NumPy's BLAS threads times pool workers.

Usage: python blas_threads.py [WORKERS] [SIZE]

A matrix product in NumPy runs in its BLAS library (OpenBLAS in the
wheels from PyPI), which starts one thread per core of its own. A pool
of W workers then runs W x cores threads on the cores. threadpoolctl
shows the BLAS library and its threads, and threadpool_limits(1) in
each worker's initializer gives every worker a single BLAS thread.
"""
import os
import sys
import time
import multiprocessing

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

LIMIT = None                       # kept alive in each worker


def blas_threads():
    """The BLAS library's name and thread count in this process."""
    blas = [p for p in threadpool_info() if p["user_api"] == "blas"]
    if not blas:
        return "no BLAS", 0
    return blas[0]["internal_api"], blas[0]["num_threads"]


def limit(n):
    """Initializer: at most n BLAS threads in this worker."""
    global LIMIT
    LIMIT = threadpool_limits(limits=n, user_api="blas")


def work(size):
    a = np.random.default_rng(0).random((size, size))
    start = time.perf_counter()
    for _ in range(4):
        a = a @ a
        a /= np.abs(a).max()       # keep the numbers finite
    return blas_threads()[1], time.perf_counter() - start


def run(context, workers, size, initializer=None, initargs=()):
    start = time.perf_counter()
    with context.Pool(workers, initializer=initializer,
                      initargs=initargs) as pool:
        answers = pool.map(work, [size] * (2 * workers), chunksize=1)
    threads = sorted({t for t, _ in answers})
    return threads, time.perf_counter() - start


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    context = multiprocessing.get_context(method or None)
    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 400

    name, threads = blas_threads()
    print(f"master: BLAS {name} with {threads} threads; "
          f"{os.cpu_count()} logical cores")

    threads, took = run(context, workers, size)
    print(f"1. {workers} workers, BLAS threads as they come: {threads} each, "
          f"{workers} x {max(threads)} threads in all, {took:.2f} s")

    threads, took = run(context, workers, size, limit, (1,))
    print(f"2. {workers} workers with threadpool_limits(1): {threads} each, "
          f"{took:.2f} s")
