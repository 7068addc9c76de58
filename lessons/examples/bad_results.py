"""Results and arguments that cannot be pickled.

Usage: python bad_results.py

A worker's result travels back pickled. A lock, an open file or a
generator cannot be pickled: a Pool then raises MaybeEncodingError in
the master, a ProcessPoolExecutor the worker's TypeError. An argument
that cannot be pickled fails in the master, before any worker sees it.
Either way the pool goes on working.
"""
import concurrent.futures as cf
import multiprocessing
import os
import threading


def make_lock(_):
    return threading.Lock()        # lives in this process only


def same(x):
    return x


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    context = multiprocessing.get_context(method or None)

    with context.Pool(2) as pool:
        try:
            pool.map(make_lock, range(2))
        except multiprocessing.pool.MaybeEncodingError as err:
            print(f"Pool, a lock as result: MaybeEncodingError: {err}")
        try:
            pool.map(same, [threading.Lock()])
        except TypeError as err:
            print(f"Pool, a lock as argument: TypeError: {err}")
        print(f"the pool still works: {pool.map(same, [1, 2])}")

    with cf.ProcessPoolExecutor(2, mp_context=context) as ex:
        try:
            ex.submit(make_lock, 0).result()
        except TypeError as err:
            print(f"executor, a lock as result: TypeError: {err}")
        print(f"the executor still works: {ex.submit(same, 3).result()}")
