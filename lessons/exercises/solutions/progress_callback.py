"""Reference solution: map_async in batches, a callback reports progress.

Usage: python progress_callback.py [WORKERS] [N] [BATCH]
       (defaults: 2, 40, 5)
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

    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 40
    batch = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    numbers = list(range(1, n + 1))
    batches = [numbers[i:i + batch] for i in range(0, n, batch)]

    squares = []            # filled by the callback, in the master

    def batch_done(results):
        """Runs in the master (its result thread) when a batch is in."""
        squares.extend(results)
        print(f"progress: {len(squares)}/{n}", flush=True)

    def batch_failed(err):
        print(f"a batch failed: {err!r}", flush=True)

    start = time.perf_counter()
    with multiprocessing.Pool(processes=workers) as pool:
        futures = [pool.map_async(slow_square, part, chunksize=1,
                                  callback=batch_done,
                                  error_callback=batch_failed)
                   for part in batches]
        for future in futures:
            future.wait(timeout=60)
        ok = all(future.successful() for future in futures)
    elapsed = time.perf_counter() - start

    if not ok:
        sys.exit("some batches failed")
    print(f"result: {len(squares)} squares")
    print(f"result: sum = {sum(squares)}")
    print(f"{len(batches)} batches on {workers} workers: {elapsed:.2f} s")
