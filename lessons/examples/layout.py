"""A well-laid-out multiprocessing script.

Usage: python layout.py [WORKERS]      (default: 4 workers)
"""
# 1. Imports come first, so every copy of the script has them.
import multiprocessing
import os
import sys


# 2. Then the constants, functions and classes the workers need.
STEPS = 12_000_000        # work per worker: about a second of CPU


def many(n, one, more):
    """'1 worker', '2 workers': a count with the right noun."""
    return f"{n} {one if n == 1 else more}"


def busy(steps):
    """Burn some CPU so the worker shows up on the core pane."""
    total = 0
    for i in range(steps):
        total += i % 7
    return total


def work(steps):
    """What each worker process runs."""
    me = multiprocessing.current_process()
    print(f"{me.name}: pid {os.getpid()}, parent pid {os.getppid()}",
          flush=True)
    busy(steps)


# 3. Last, the master's code, which only the master copy runs.
if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 4
    print(f"master: pid {os.getpid()}, starting "
          f"{many(n, 'worker', 'workers')}", flush=True)

    workers = []
    for i in range(n):
        p = multiprocessing.Process(target=work, args=(STEPS,),
                                    name=f"worker-{i + 1}")
        p.start()
        workers.append(p)

    for p in workers:
        p.join()          # wait until this worker has finished

    print(f"{many(n, 'worker', 'workers')} finished")
