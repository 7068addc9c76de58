"""Exercise: threads for a waiting job (lesson: Threads vs processes).

Usage: python threads_waiting.py [TASKS] [WAIT]   (defaults: 16, 0.1)

fetch(i) pretends to download page i: it waits WAIT seconds, then
returns the page's size. Sixteen of them, one after the other, take
1.6 s. A thread that waits in time.sleep (or on a socket, or a disk)
lets go of the GIL, so many threads can wait at the same time; a
process waits without holding a core too. Both pools here get the same
number of workers, one per task: what differs is what a worker costs.

The task
--------
1. Write run_threads(tasks, wait): fetch pages 0 .. TASKS-1 on a
   concurrent.futures.ThreadPoolExecutor with one thread per task,
   and return (list of sizes in page order, seconds). executor.map
   takes one list per argument of fetch, like the built-in map.
2. run_processes is written for you: the same job on a pool of
   processes, one per task too. The master block runs both and
   compares.
3. Print both times, then:

       result: total size N
       result: faster: threads

   Before you run it: how long will each take? Then try 48 tasks:
   which one grows, and why?

Check with `forklab practice check threads-waiting`, or the E key.

Hidden inputs: each check also runs your file on arguments you have
not seen (new each time; the verdict gives the seed to replay them)
and compares its result: lines with the reference's. Take the inputs
from sys.argv: an answer written into the file is right for the shown
input only.
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
    # TODO 1
    raise NotImplementedError("TODO: fetch the pages on threads")


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
