"""Reference solution: results that survive a crashing worker.

Usage: python crash_retry.py WORKERS NUMBER ...
Example: python crash_retry.py 2 3 14 5 21 8 9 10
"""
import concurrent.futures as cf
import multiprocessing
import os
import sys
import time
from concurrent.futures.process import BrokenProcessPool


def digit_square_sum(n):
    """The sum of the squares of n's digits; a multiple of 7 kills the
    worker at once, as a crash in a C library would."""
    time.sleep(0.1)                # a stand-in for real work
    if n % 7 == 0:
        os._exit(1)
    return sum(int(d) ** 2 for d in str(abs(n)))


def first_pass(numbers, workers, context):
    """Every number at once; what finished before a crash is kept."""
    done, retry = {}, []
    with cf.ProcessPoolExecutor(workers, mp_context=context) as ex:
        futures = {ex.submit(digit_square_sum, n): n for n in numbers}
        for future in cf.as_completed(futures):
            n = futures[future]
            try:
                done[n] = future.result()
            except BrokenProcessPool:
                retry.append(n)
    return done, retry


def alone(n, context):
    """n in a pool of its own: if it breaks, n itself was the crash."""
    with cf.ProcessPoolExecutor(1, mp_context=context) as ex:
        try:
            return ex.submit(digit_square_sum, n).result(timeout=30)
        except BrokenProcessPool:
            return None


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    context = multiprocessing.get_context(method or None)

    if len(sys.argv) < 3:
        sys.exit("usage: crash_retry.py WORKERS NUMBER ...")
    workers = int(sys.argv[1])
    numbers = [int(arg) for arg in sys.argv[2:]]

    done, retry = first_pass(numbers, workers, context)
    print(f"first pass: {len(done)} done, {len(retry)} to retry alone")
    for n in retry:
        done[n] = alone(n, context)

    crashed = 0
    for n in numbers:
        if done[n] is None:
            crashed += 1
            print(f"result: {n} -> crashed")
        else:
            print(f"result: {n} -> {done[n]}")
    print(f"result: {len(numbers) - crashed} done, {crashed} crashed")
