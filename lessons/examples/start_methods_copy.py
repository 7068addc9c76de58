"""What does a new process start with? Try fork, spawn, forkserver.

Usage: python start_methods_copy.py [CHILDREN]

The master changes a global variable and fills a list AFTER the
module was loaded, then starts CHILDREN processes that print what
they see. It also times how long starting them took.
"""
import multiprocessing
import os
import sys
import time

GREETING = "as loaded"
BOOKS = []

# Top-level code: runs in the master, and again in every process
# that loads this file as a module (spawn and forkserver do).
print(f"[top level] pid {os.getpid()} runs this file as {__name__!r}",
      flush=True)


def report(number):
    """Runs in a child: what did it inherit from the master?"""
    print(f"child {number}: pid {os.getpid()}, "
          f"parent {os.getppid()}\n"
          f"  sees GREETING = {GREETING!r}, "
          f"BOOKS = {len(BOOKS)} items", flush=True)


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    GREETING = "changed by the master"
    BOOKS.extend(range(100_000))
    print(f"master: pid {os.getpid()}, start method "
          f"{multiprocessing.get_start_method()}", flush=True)

    start = time.perf_counter()
    children = [multiprocessing.Process(target=report, args=(i,))
                for i in range(n)]
    for child in children:
        child.start()
    for child in children:
        child.join()
    seconds = time.perf_counter() - start

    ok = sum(1 for child in children if child.exitcode == 0)
    print(f"master: children finished cleanly: {ok} of {n}")
    print(f"master: starting and joining them took {seconds:.3f} s")
