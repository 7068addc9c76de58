"""The same jobs on threads and on processes, timed side by side.

Usage: python threads_vs_processes.py [WORKERS] [LIMIT]

Job 1 (computing): count the primes below LIMIT by trial division.
Job 2 (waiting):   eight tasks that each sleep for 0.1 seconds.
Each job runs in the master alone, on a ThreadPoolExecutor and on
a process Pool, each pool with WORKERS workers; the waiting job
also runs on eight threads, one per task.
"""
import multiprocessing
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor


def many(n, one, more):
    """'1 thread', '2 threads': a count with the right noun."""
    return f"{n} {one if n == 1 else more}"


def count_primes(bounds):
    """How many primes in range(start, stop)? Pure Python work."""
    start, stop = bounds
    found = 0
    for n in range(max(start, 2), stop):
        d = 2
        while d * d <= n:
            if n % d == 0:
                break
            d += 1
        else:
            found += 1
    return found


def nap(seconds):
    """A task that only waits, like a download or a disk read."""
    time.sleep(seconds)
    return seconds


def split(n, parts):
    """Cut range(n) into `parts` (start, stop) pairs."""
    step = -(-n // parts)
    return [(i, min(i + step, n)) for i in range(0, n, step)]


def usable_cores():
    """Cores this process may use (all, if we cannot ask)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def timed(label, run, func, tasks):
    """Time run(func, tasks) and print one row of the table."""
    start = time.perf_counter()
    result = sum(run(func, tasks))
    print(f"  {label:<22} {time.perf_counter() - start:6.2f} s")
    return result


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    workers = workers or usable_cores()
    limit = int(sys.argv[2]) if len(sys.argv) > 2 else 200_000
    chunks = split(limit, 4 * workers)
    naps = [0.1] * 8

    with ThreadPoolExecutor(max_workers=workers) as threads, \
            multiprocessing.Pool(processes=workers) as procs:
        procs.map(time.sleep, [0.1] * workers, chunksize=1)  # warm up

        print(f"job 1: count primes below {limit} "
              f"({len(chunks)} tasks, {many(workers, 'worker', 'workers')})")
        counts = {
            timed("master alone", map, count_primes, chunks),
            timed(many(workers, "thread", "threads"), threads.map,
                  count_primes, chunks),
            timed(many(workers, "process", "processes"), procs.map,
                  count_primes, chunks),
        }
        print(f"job 2: {len(naps)} naps of 0.1 s")
        timed("master alone", map, nap, naps)
        timed(many(workers, "thread", "threads"), threads.map, nap, naps)
        timed(many(workers, "process", "processes"), procs.map, nap, naps)
        with ThreadPoolExecutor(max_workers=len(naps)) as crowd:
            timed(f"{len(naps)} threads", crowd.map, nap, naps)

    if len(counts) != 1:
        sys.exit(f"MISMATCH: {counts}")
    print(f"primes below {limit}: {counts.pop()}")
