"""A pool that hangs on purpose, and how to find out where.

Usage: python hung_pool.py

total() takes LOCK and calls helper(), which takes LOCK again: a
Lock is not re-entrant, so the worker waits for itself forever. The
master cannot tell "slow" from "stuck", so it looks:

1. multiprocessing.log_to_stderr() shows the pool's own steps.
2. faulthandler.dump_traceback_later() prints the master's threads if
   it is still waiting after 2 s.
3. A time limit on get(); then SIGUSR1 makes each worker print its
   stack (faulthandler.register in the initializer).
4. Python 3.14's Process.interrupt() (os.kill with SIGINT before)
   raises KeyboardInterrupt in the stuck worker: its traceback shows
   the line, and the worker ends.
"""
import faulthandler
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time

LOCK = threading.Lock()


def helper(n):
    with LOCK:                     # the second time: waits forever
        return n * n


def total(n):
    with LOCK:
        return helper(n) + 1


def init():
    """Each worker prints its stack when it receives SIGUSR1."""
    faulthandler.register(signal.SIGUSR1, all_threads=False)


if __name__ == "__main__":
    method = os.environ.get("FORKLAB_START_METHOD")
    if method:
        multiprocessing.set_start_method(method)

    # 1. The pool's own log lines on stderr: [LEVEL/process] message.
    multiprocessing.log_to_stderr(logging.INFO)

    with multiprocessing.Pool(2, initializer=init) as pool:
        result = pool.apply_async(total, (7,))

        # 2. A watchdog: if we are still here in 2 s, print every thread.
        faulthandler.dump_traceback_later(2, exit=False)
        try:
            result.get(timeout=4)  # 3. never wait without a limit
        except multiprocessing.TimeoutError:
            print("master: no result within 4 s: TimeoutError", flush=True)
        faulthandler.cancel_dump_traceback_later()

        workers = multiprocessing.active_children()
        print(f"master: asking {len(workers)} workers for their stacks "
              "(SIGUSR1)", flush=True)
        for worker in workers:
            os.kill(worker.pid, signal.SIGUSR1)
        time.sleep(1)              # they print on their own stderr

        # 4. Interrupt them: a KeyboardInterrupt traceback shows the line.
        how = ("Process.interrupt()" if sys.version_info >= (3, 14)
               else "os.kill(pid, SIGINT)")
        print(f"master: interrupting the workers with {how}", flush=True)
        for worker in workers:
            if sys.version_info >= (3, 14):
                worker.interrupt()
            else:
                os.kill(worker.pid, signal.SIGINT)
        time.sleep(1)
    print("master: the pool is terminated; diagnosis done")
