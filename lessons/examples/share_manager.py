"""A Manager: shared dict and list, kept by a server process.

Usage: python share_manager.py [WORKERS]

Starts a Manager (its own server process), then WORKERS processes
(default 4) that each write to a shared dict and a shared list
through proxies. Watch the process pane: the manager's server sits
beside the workers for as long as the `with` block lasts.
"""
import multiprocessing
import os
import sys
import time


def record(number, squares, log):
    time.sleep(0.5)                  # time to look at the process pane
    squares[number] = number * number    # each call is a message
    log.append(f"worker {number} was pid {os.getpid()}")


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    workers = int(sys.argv[1]) if len(sys.argv) > 1 else 4

    with multiprocessing.Manager() as manager:
        for child in multiprocessing.active_children():
            print(f"the manager's server: {child.name}, pid {child.pid}")
        squares = manager.dict()
        log = manager.list()
        print(f"master: pid {os.getpid()}; a proxy is a "
              f"{type(squares).__name__}")
        procs = [multiprocessing.Process(target=record,
                                         args=(n, squares, log))
                 for n in range(workers)]
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        print(f"shared dict: {dict(sorted(squares.items()))}")
        print(f"shared list has {len(log)} entries")
    print("the manager's server has ended with the with block")
