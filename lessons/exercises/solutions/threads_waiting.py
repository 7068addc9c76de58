"""Reference solution: a waiting job on threads and on processes.

Usage: python threads_waiting.py [TASKS] [WAIT]   (defaults: 16, 0.1)
"""
import multiprocessing
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor


def fetch(i, wait=0.1):
    """Pretend to download page i: wait, then return its 'size'."""
    time.sleep(wait)            # waiting holds no core and no GIL
    return 1000 + i * i


def run_threads(tasks, wait):
    """Fetch every page on a thread pool: (sizes in order, seconds)."""
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=tasks) as pool:   # one each
        sizes = list(pool.map(fetch, range(tasks), [wait] * tasks))
    return sizes, time.perf_counter() - start


def run_processes(tasks, wait):
    """The same job on a pool of processes, one per task, like the
    threads: (sizes in order, seconds)."""
    start = time.perf_counter()
    with multiprocessing.Pool(processes=tasks) as pool:   # one each
        sizes = pool.starmap(fetch, [(i, wait) for i in range(tasks)],
                             chunksize=1)
    return sizes, time.perf_counter() - start


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    tasks = int(sys.argv[1]) if len(sys.argv) > 1 else 16
    wait = float(sys.argv[2]) if len(sys.argv) > 2 else 0.1

    by_threads, t_threads = run_threads(tasks, wait)
    by_processes, t_processes = run_processes(tasks, wait)
    if by_threads != by_processes:
        sys.exit("threads and processes disagree")

    print(f"{tasks} threads:   {t_threads:.2f} s")
    print(f"{tasks} processes: {t_processes:.2f} s")
    faster = "threads" if t_threads < t_processes else "processes"
    print(f"result: total size {sum(by_threads)}")
    print(f"result: faster: {faster}")
