"""A pool initializer, and imap_unordered with a progress count.

Usage: python pool_init_progress.py [WORKERS] [TASKS]

The initializer runs once in each worker and loads a lookup table
there, so tasks need not carry it. imap_unordered hands back each
result as soon as it is ready, so the master can report progress.
"""
import multiprocessing
import os
import sys
import time

TABLE = None                       # filled in each worker by load()


def load(size):
    """The initializer: runs once per worker, before any task."""
    global TABLE
    TABLE = [n * n for n in range(size)]
    print(f"  initializer: pid {os.getpid()} loaded {size} squares",
          flush=True)


def task(n):
    time.sleep(0.05 * (n % 4))      # uneven tasks, to mix the order
    return n, TABLE[n], os.getpid()


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 2
    tasks = int(sys.argv[2]) if len(sys.argv) > 2 else 20

    order, pids, total = [], set(), 0
    with multiprocessing.Pool(workers, initializer=load,
                              initargs=(tasks,)) as pool:
        results = pool.imap_unordered(task, range(tasks))
        for done, (n, square, pid) in enumerate(results, 1):
            order.append(n)
            pids.add(pid)
            total += square
            if done % 5 == 0 or done == tasks:
                print(f"done {done}/{tasks} ({100 * done // tasks}%)")
    print(f"finishing order: {order}")
    print(f"in input order: {order == sorted(order)}")
    print(f"sum of the squares below {tasks}: {total}; "
          f"{len(pids)} worker(s) answered")
