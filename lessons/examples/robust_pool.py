"""A robust pool: a worker that dies, a task that hangs, and workers
replaced after a few tasks.

Usage: python robust_pool.py

1. ProcessPoolExecutor: a worker process that dies breaks the pool,
   and every waiting future raises BrokenProcessPool.
2. Pool: get(timeout=...) gives up on a task that takes too long.
3. Pool(maxtasksperchild=2): each worker is replaced after 2 tasks.
"""
import concurrent.futures as cf
import multiprocessing
import os
import time
from concurrent.futures.process import BrokenProcessPool


def crash(code):
    os._exit(code)                  # dies at once, like a segfault


def square(x):
    return x * x


def slow(seconds):
    time.sleep(seconds)
    return seconds


def whoami(_):
    time.sleep(0.05)
    return os.getpid()


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    # 1. A dead worker breaks a ProcessPoolExecutor.
    with cf.ProcessPoolExecutor(max_workers=2) as ex:
        fine = ex.submit(square, 7).result()
        doomed = ex.submit(crash, 3)
        try:
            doomed.result(timeout=30)
        except BrokenProcessPool as err:
            print(f"1. BrokenProcessPool: {err}")
        try:
            ex.submit(square, 8)
        except BrokenProcessPool:
            print("   the executor takes no more work; make a new one")
    print(f"   (the result before the crash was kept: {fine})")

    # 2. A time limit on one result.
    with multiprocessing.Pool(2) as pool:
        late = pool.apply_async(slow, (30,))
        try:
            late.get(timeout=1)
        except multiprocessing.TimeoutError:
            print("2. no result within 1 s: TimeoutError; leaving the "
                  "block terminates the stuck worker")

    # 3. Fresh workers every 2 tasks.
    with multiprocessing.Pool(2, maxtasksperchild=2) as pool:
        pids = pool.map(whoami, range(8), chunksize=1)
    most = max(pids.count(p) for p in set(pids))
    print(f"3. 8 tasks ran in {len(set(pids))} worker processes; "
          f"at most 2 tasks each: {most <= 2}")
